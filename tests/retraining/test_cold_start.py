"""A new model before its first update: a diverse first window, pattern pre-annotations."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import srsly

from spacy_al.recipe_runtime.patterns import PatternMatcher
from spacy_al.recipe_runtime.sources import load_source
from spacy_al.retraining.service import ModelService, ModelSpec

NAMES = ["Ada", "Bob", "Cleo", "Dirk", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jan", "Kai",
         "Lea", "Mads", "Nina", "Olaf", "Pia", "Quin", "Rosa", "Sven", "Tove", "Ugo", "Vera",
         "Wim", "Xena", "Yuri", "Zoe", "Arvo", "Bea", "Cem", "Dana"]
PLACES = ["Oslo", "Rome", "Lima", "Kyiv", "Baku", "Doha", "Riga", "Bern", "Oran", "Nice",
          "Cork", "Graz", "Bonn", "Lyon", "Pisa", "Turin", "Split", "Gent", "Brno", "Lodz",
          "Faro", "Sofia", "Malmo", "Porto", "Tartu", "Vigo", "Bari", "Kiel", "Metz", "Tours"]
VERBS = ["visited", "left", "loved", "toured", "fled", "saw", "praised", "mapped", "joined",
         "painted"]
LABELS = ["PER", "ORG", "LOC"]


def _pairs(path: Path) -> Path:
    """30 sentences, each followed by a near-duplicate (one token changed)."""
    records = []
    for i, (name, place) in enumerate(zip(NAMES, PLACES, strict=True)):
        text = f"{name} {VERBS[i % len(VERBS)]} {place} at dawn with friends"
        records += [{"text": text + " ."}, {"text": text + " !"}]
    srsly.write_jsonl(path, records)
    return path


def _service(tmp_path: Path, model: str = "tok2vec", **kwargs: object) -> ModelService:
    spec = ModelSpec(model=model, labels=LABELS, output=str(tmp_path / "out"), **kwargs)
    return ModelService(pickle.loads(pickle.dumps(spec)))  # as the worker process gets it


@pytest.mark.parametrize(("model", "selector"), [("tok2vec", "spacy-al.TopK.v1"),
                                               ("tok2vec", "spacy-al.DiverseTopK.v1"),
                                               ("default", "spacy-al.TopK.v1")])
def test_untrained_first_batch_is_diverse(tmp_path: Path, model: str, selector: str) -> None:
    service = _service(tmp_path, model, selector=selector)
    items = load_source(_pairs(tmp_path / "pairs.jsonl"))
    service.set_pool(items)
    pair_of = {item.input_hash: i // 2 for i, item in enumerate(items)}
    hashes = [item.input_hash for item in items]
    tasks = service.rank(hashes)
    assert len({t["meta"]["score"] for t in tasks}) == 1  # the untrained model: all alike
    first = [t["_input_hash"] for t in tasks[:10]]
    assert len({pair_of[h] for h in first}) == 10  # no two near-duplicates
    assert first != hashes[:10]
    assert sorted(t["_input_hash"] for t in tasks) == sorted(hashes)
    service.version = 1  # updated, but its scores still all tie: still diverse, not file order
    again = [t["_input_hash"] for t in service.rank(hashes)[:10]]
    assert len({pair_of[h] for h in again}) == 10 and again != hashes[:10]
    # once its scores differ, the configured selector decides
    assert service.active_selector(np.array([0.2, 0.5, 0.1])) is service.selector
    assert service.active_selector(np.array([0.5, 0.5])) is service.cold_selector


def test_untrained_correct_tasks_are_pre_annotated_with_patterns(
        tmp_path: Path, source_jsonl: Path) -> None:
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text("\n".join(json.dumps(p) for p in [
        {"label": "LOC", "pattern": "Paris"}, {"label": "PER", "pattern": [{"lower": "alan"},
                                                                           {"lower": "turing"}]}]))
    service = _service(tmp_path, patterns=str(patterns), matcher_factory=PatternMatcher)
    items = load_source(source_jsonl)
    service.set_pool(items)
    text = {item.input_hash: item.text for item in items}
    tasks = service.rank([item.input_hash for item in items])
    matched = ["Angela Merkel visited Paris in May .", "Marie Curie worked in Paris .",
               "Alan Turing studied at Cambridge ."]
    assert sorted(text[t["_input_hash"]] for t in tasks[:3]) == sorted(matched)
    assert all(t["spans"] == [] for t in tasks[3:])
    turing = next(t for t in tasks if text[t["_input_hash"]].startswith("Alan"))
    assert turing["spans"] == [{"start": 0, "end": 11, "token_start": 0, "token_end": 1,
                                "label": "PER", "source": "pattern"}]
    assert turing["meta"]["model_version"] == 0

    service.version = 1  # after an update: the model's spans, patterns where they are not
    later = service.rank([item.input_hash for item in items])
    for task in later:
        model = {i for s in task["spans"] if "source" not in s
                 for i in range(s["token_start"], s["token_end"] + 1)}
        pattern = [s for s in task["spans"] if s.get("source") == "pattern"]
        assert all(model.isdisjoint(range(s["token_start"], s["token_end"] + 1))
                   for s in pattern)
    scores = [t["meta"]["score"] for t in later]
    assert scores == sorted(scores, reverse=True)  # matches no longer come first


def test_patterns_without_a_factory_are_an_error(tmp_path: Path) -> None:
    from spacy_al.errors import ConfigError

    with pytest.raises(ConfigError, match="matcher_factory"):
        _service(tmp_path, patterns=str(tmp_path / "p.jsonl"))
