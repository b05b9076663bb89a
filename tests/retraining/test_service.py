"""Model in the loop: ranking, training, saving, and the background loop swapping rankings."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest
import spacy

from spacy_al.errors import UnknownLabelError
from spacy_al.recipe_runtime.sources import load_source
from spacy_al.retraining.model_loop import ModelLoop
from spacy_al.retraining.model_spec import ANNOTATION_SECONDS
from spacy_al.retraining.predictions import per_second
from spacy_al.retraining.service import ModelService, ModelSpec, check_labels
from spacy_al.server.stream import PoolStream


def _spec(model: Path, tmp_path: Path, mode: str = "correct", **kwargs: object) -> ModelSpec:
    return ModelSpec(model=str(model), mode=mode, output=str(tmp_path / "out"), **kwargs)


def _answer(task: dict) -> dict:
    """An accepted complete answer that marks the first token as a person."""
    first = task["tokens"][0]
    spans = [{"start": first["start"], "end": first["end"], "token_start": 0, "token_end": 0,
              "label": "PER"}]
    return dict(task, answer="accept", spans=spans, _session_id="ds-a")


def test_rank_correct_tasks(tok2vec_nlp_path: Path, source_jsonl: Path, tmp_path: Path) -> None:
    service = ModelService(_spec(tok2vec_nlp_path, tmp_path))
    service.set_pool(load_source(source_jsonl))
    tasks = service.rank(list(service.items))
    assert len(tasks) == len(service.items)
    ranks = [t["_rank"] for t in tasks]
    assert ranks == sorted(ranks, reverse=True)
    for task in tasks:
        assert task["_view_id"] == "ner_manual" and task["meta"]["strategy"].endswith("MNLP.v1")
        n_tokens = len(service.items[task["_input_hash"]].tokens)
        per_expected_second = per_second(task["meta"]["score"], n_tokens, ANNOTATION_SECONDS)
        assert task["_rank"] == pytest.approx(per_expected_second, abs=1e-5)  # cost_aware
        text = service.items[task["_input_hash"]].text
        for span in task["spans"]:
            assert span["label"] in ("PER", "ORG", "LOC")
            assert text[span["start"]:span["end"]].strip()


def test_rank_teach_tasks(tok2vec_nlp_path: Path, source_jsonl: Path, tmp_path: Path) -> None:
    service = ModelService(_spec(tok2vec_nlp_path, tmp_path, mode="teach"))
    service.set_pool(load_source(source_jsonl))
    tasks = service.rank(list(service.items))
    assert tasks and all(len(t["spans"]) == 1 and t["_view_id"] == "ner" for t in tasks)
    uncertainty = [t["meta"]["uncertainty"] for t in tasks]
    assert uncertainty == sorted(uncertainty, reverse=True)
    assert len({t["_task_hash"] for t in tasks}) == len(tasks)


def test_train_evaluates_and_saves(tok2vec_nlp_path: Path, source_jsonl: Path,
                                   tmp_path: Path) -> None:
    service = ModelService(_spec(tok2vec_nlp_path, tmp_path, eval_fraction=0.5))
    service.set_pool(load_source(source_jsonl))
    answers = [_answer(dict(t, text=service.items[t["_input_hash"]].text,
                            tokens=service.items[t["_input_hash"]].tokens))
               for t in service.rank(list(service.items))]
    report = service.train(answers)
    assert report["n_train"] + report["n_dev"] == len(answers)
    assert report["n_dev"] > 0 and 0.0 <= report["dev_f1"] <= 1.0
    assert report["version"] == 1 and report["train_seconds"] > 0
    saved = spacy.load(report["saved_to"])
    assert "al_ner" in saved.pipe_names
    assert saved.meta["spacy_al"]["annotation_update"]["version"] == 1
    assert service.train([])["n_train"] == 0  # nothing accepted: no crash


def test_labels_must_be_known_to_the_model() -> None:
    assert check_labels(("PER", "ORG"), None) == ["PER", "ORG"]
    assert check_labels(("PER", "ORG"), ["ORG"]) == ["ORG"]
    with pytest.raises(UnknownLabelError, match="FOO"):
        check_labels(("PER", "ORG"), ["PER", "FOO"])


def _wait(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_loop_retrains_and_swaps_the_ranking(tok2vec_nlp_path: Path, source_jsonl: Path,
                                             tmp_path: Path) -> None:
    stream = PoolStream(load_source(source_jsonl))
    loop = ModelLoop(stream, _spec(tok2vec_nlp_path, tmp_path), update_every=3, worker="thread")
    try:
        assert loop.start() == ["PER", "ORG", "LOC"]
        _wait(lambda: loop.state == "idle" and stream.complete)
        version = stream.version
        batch = stream.next_batch("ds-a", 4)
        stream.mark_answered(batch, "ds-a")
        started = time.perf_counter()
        loop.update([_answer(t) for t in batch])
        assert time.perf_counter() - started < 0.5  # update never waits for training
        _wait(lambda: loop.stats()["n_updates"] == 1 and loop.state == "idle")
        assert stream.version > version
        stats = loop.stats()
        assert stats["n_accepted"] == 4 and stats["answers_since_update"] == 0
        assert stats["last_train_seconds"] is not None and Path(stats["output"]).is_dir()
        assert not {t["_input_hash"] for t in batch} & {
            t["_input_hash"] for t in stream.next_batch("ds-b", 100)}
    finally:
        loop.close()


def test_loop_reports_model_errors(source_jsonl: Path, tmp_path: Path) -> None:
    stream = PoolStream(load_source(source_jsonl))
    loop = ModelLoop(stream, ModelSpec(model=str(tmp_path / "missing")), worker="thread")
    with pytest.raises(Exception, match="not a pipeline folder"):
        loop.start(timeout=60)


def test_rank_scores_in_batches_of_similar_length_and_keeps_the_shuffled_order(
        tok2vec_nlp_path: Path, source_jsonl: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoder sees batches of similar length (little padding), while the tasks reach
    the ranking in the shuffled order (so equal scores tie at random, not by length)."""
    from spacy_al.retraining import service as service_module

    batches: list[list[int]] = []
    real = service_module.predict_batch

    def recording(how, items):  # type: ignore[no-untyped-def]
        batches.append([len(item.tokens) for item in items])
        return real(how, items)

    ranked: list[list[int]] = []
    real_rerank = service_module.rerank

    def recording_rerank(tasks, *args):  # type: ignore[no-untyped-def]
        ranked.append([t["_input_hash"] for t in tasks])
        return real_rerank(tasks, *args)

    monkeypatch.setattr(service_module, "predict_batch", recording)
    monkeypatch.setattr(service_module, "rerank", recording_rerank)
    service = ModelService(_spec(tok2vec_nlp_path, tmp_path, score_batch_size=3, seed=4))
    service.set_pool(load_source(source_jsonl))
    hashes = list(service.items)
    shuffled = [hashes[i] for i in np.random.default_rng(4).permutation(len(hashes))]
    tasks = service.rank(hashes)
    assert len(tasks) == len(hashes) and len(batches) > 1
    assert all(max(a) <= min(b) for a, b in itertools.pairwise(batches)), batches
    assert ranked == [shuffled]
