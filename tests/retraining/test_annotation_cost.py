"""What a question costs the annotator: informativeness per expected second, and only the
confident spans pre-annotated."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import srsly

from spacy_al.recipe_runtime.sources import load_source
from spacy_al.retraining.model_spec import ANNOTATION_SECONDS
from spacy_al.retraining.predictions import per_second
from spacy_al.retraining.service import ModelService, ModelSpec
from tests.conftest import REPO

FIRST = ["Tom", "Kay", "Sara", "Jeff", "Mark", "Sally", "Louise", "Greg", "Vince", "Ann"]
LAST = ["Martin", "Mann", "Beck", "Taylor", "Whalley", "Kean", "Lay"]
SIGNATURES = FIRST + [f"{first} {last}" for first in FIRST[:4] for last in LAST[:5]]
"""30 e-mail signatures: one- and two-token lines."""


def _service(model: Path, tmp_path: Path, **kwargs: object) -> ModelService:
    spec = ModelSpec(model=str(model), output=str(tmp_path / "out"), stop_set_size=0, **kwargs)
    return ModelService(pickle.loads(pickle.dumps(spec)))


def _pool(tmp_path: Path) -> list:
    """60 wikigold sentences with 30 e-mail signatures among them."""
    sentences = [item.text for item in load_source(REPO / "corpora/wikigold/train.conll",
                                                     limit=60)]
    records = [{"text": text} for i, text in enumerate(sentences)]
    for i, signature in enumerate(SIGNATURES):
        records.insert(3 * i, {"text": signature})
    srsly.write_jsonl(tmp_path / "pool.jsonl", records)
    return load_source(tmp_path / "pool.jsonl")


def test_per_second_known_answers() -> None:
    a, c = ANNOTATION_SECONDS
    assert per_second(1.0, 1, (a, c)) == pytest.approx(1 / (a + c))
    assert per_second(0.5, 20, (a, c)) == pytest.approx(10 / (20 * a + c))
    assert per_second(0.5, 20, (a, c)) > per_second(1.0, 2, (a, c))  # half as sure, 10x long
    assert per_second(0.3, 0, (a, c)) == 0.0


def test_cost_aware_ranking_is_by_score_per_expected_second(
        tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    items = _pool(tmp_path)
    hashes = [item.input_hash for item in items]
    length = {item.input_hash: len(item.tokens) for item in items}
    plain, costly = (_service(tok2vec_nlp_path, tmp_path, cost_aware=aware)
                     for aware in (False, True))
    plain.set_pool(items)
    costly.set_pool(items)
    by_score, by_cost = plain.rank(hashes), costly.rank(hashes)
    a, c = ANNOTATION_SECONDS
    keys = [per_second(t["meta"]["score"], length[t["_input_hash"]], (a, c)) for t in by_cost]
    assert keys == pytest.approx(sorted(keys, reverse=True), abs=1e-6)
    short = [sum(length[t["_input_hash"]] <= 2 for t in ranked[:20])
             for ranked in (by_score, by_cost)]
    assert short[1] < short[0]  # fewer one- and two-token lines in the first batches
    score = {t["_input_hash"]: t["meta"]["score"] for t in by_score}
    assert {t["_input_hash"]: t["meta"]["score"] for t in by_cost} == score


def test_only_confident_spans_are_pre_annotated(tok2vec_nlp_path: Path, tmp_path: Path,
                                                source_jsonl: Path) -> None:
    items = load_source(source_jsonl)
    hashes = [item.input_hash for item in items]

    def spans(threshold: float) -> dict[int, list]:
        service = _service(tok2vec_nlp_path, tmp_path, min_confidence=threshold)
        service.set_pool(items)
        return {t["_input_hash"]: [(s["token_start"], s["token_end"], s["label"])
                                   for s in t["spans"]] for t in service.rank(hashes)}

    every, confident, none = spans(0.0), spans(0.8), spans(1.01)
    assert sum(map(len, every.values())) > sum(map(len, confident.values())) > 0
    assert all(set(confident[h]) <= set(every[h]) for h in hashes)
    assert not any(none.values())


def test_a_random_order_stays_uniform_when_cost_aware(tok2vec_nlp_path: Path,
                                                      tmp_path: Path) -> None:
    """Random scores carry no informativeness to spend per second: ``--strategy random``
    ranks the same with and without ``cost_aware`` (no bias to long sentences)."""
    items = _pool(tmp_path)
    hashes = [item.input_hash for item in items]
    orders = []
    for aware in (False, True):
        service = _service(tok2vec_nlp_path, tmp_path, cost_aware=aware, strategy="random",
                           seed=3)
        service.set_pool(items)
        assert service.ranks_per_second is False
        orders.append([t["_input_hash"] for t in service.rank(hashes)])
    assert orders[0] == orders[1]
    assert _service(tok2vec_nlp_path, tmp_path, cost_aware=True).ranks_per_second
