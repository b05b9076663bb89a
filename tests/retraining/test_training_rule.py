"""The worker's training rule: the live one, or the offline benchmark's (to measure the
live rule's cost in F1)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from spacy_al.errors import ConfigError
from spacy_al.recipe_runtime.sources import load_source
from spacy_al.retraining.model_spec import BENCHMARK_RULE
from spacy_al.retraining.service import ModelService, ModelSpec


def test_the_benchmark_rule_by_architecture() -> None:
    spec = ModelSpec(training="benchmark")
    assert spec.training_rule("transformer") == BENCHMARK_RULE
    assert spec.training_rule("tok2vec") == replace(BENCHMARK_RULE, learn_rate=1e-3)
    live = ModelSpec().training_rule("transformer")
    assert (live.epochs, live.min_steps, live.batch_size, live.holdout) == (1, 20, 8, 0.0)
    with pytest.raises(ConfigError, match="Unknown training rule"):
        ModelSpec(training="offline").training_rule("tok2vec")


def test_the_warm_up_binds_a_fresh_model_only() -> None:
    assert BENCHMARK_RULE.for_model(fresh=True).min_steps == 150
    assert BENCHMARK_RULE.for_model(fresh=False).min_steps == 0
    live = ModelSpec().training_rule("tok2vec")
    assert live.for_model(fresh=False) is live  # min_steps binds every call


def test_a_service_trains_with_the_benchmark_rule(tok2vec_nlp_path: Path, source_jsonl: Path,
                                                  tmp_path: Path) -> None:
    service = ModelService(ModelSpec(model=str(tok2vec_nlp_path), training="benchmark",
                                     output=str(tmp_path / "out"), stop_set_size=0))
    assert service.rule == replace(BENCHMARK_RULE, learn_rate=1e-3)
    service.set_pool(load_source(source_jsonl))
    answers = []
    for task in service.rank(list(service.items)):
        item = service.items[task["_input_hash"]]
        first = item.tokens[0]
        answers.append(dict(task, text=item.text, tokens=item.tokens, answer="accept",
                            spans=[{"start": first["start"], "end": first["end"],
                                    "token_start": 0, "token_end": 0, "label": "PER"}]))
    report = service.train(answers)
    assert report["version"] == 1 and report["n_train"] + report["n_dev"] == len(answers)


def test_int8_scoring_changes_the_live_pipeline_only(tmp_path: Path, source_jsonl: Path) -> None:
    from spacy_al.retraining.service import predict_int8

    service = ModelService(ModelSpec(model="default", labels=["PER", "ORG", "LOC"],
                                     output=str(tmp_path / "out"), stop_set_size=0))
    flags = [node.attrs["quantize"] for node in service.nlp.get_pipe("al_ner").model.walk()
             if "quantize" in node.attrs]
    assert flags and all(bool(flag) for flag in flags)
    service.set_pool(load_source(source_jsonl))
    assert len(service.rank(list(service.items))) == len(service.items)
    service.save(tmp_path / "saved", {})
    assert "quantize = false" in (tmp_path / "saved" / "config.cfg").read_text("utf8")
    fp32 = ModelService(ModelSpec(model="tok2vec", labels=["PER"], int8_scoring=False))
    assert not predict_int8(fp32.nlp)  # no transformer encoder: nothing to quantize
