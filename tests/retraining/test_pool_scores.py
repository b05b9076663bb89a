"""A session's last scores go into the Arrow pool's index; the next session starts from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from spacy_al.recipe_runtime.pool_cache import source_pool
from spacy_al.retraining.pool_scores import saved_scores, store_scores
from spacy_al.retraining.service import ModelService, ModelSpec
from spacy_al.retraining.worker import _run_job
from spacy_al.store.pool_items import ArrowItems
from tests.retraining.test_bounded_rerank import _source, _wait
from tests.retraining.test_large_pools import _arrow_loop


def test_stored_scores_merge_and_come_back_for_the_same_strategy(tmp_path: Path) -> None:
    items = source_pool(_source(tmp_path / "pool.jsonl"), pool_cache=tmp_path / "cache")
    a, b, c = (int(h) for h in items.hashes[:3])
    assert not store_scores(items, {}), "nothing scored: nothing written"
    assert store_scores(items, {a: 0.5, b: 0.1}, strategy="mnlp", model="m", version=1)
    assert store_scores(items, {b: 0.9}, strategy="mnlp", model="m", version=2)
    again = ArrowItems.open(items.folder)
    assert saved_scores(again, "mnlp") == {a: 0.5, b: 0.9}, "a keeps its score, b the newer"
    assert c not in saved_scores(again, "mnlp") and np.isnan(again.pool.last_scores[2])
    assert again.pool.info["last_scoring"] == {"strategy": "mnlp", "model": "m", "version": 2}
    assert saved_scores(again, "bald") == {}, "another strategy's scores are not taken"


def test_a_session_stores_its_scores_and_the_next_one_starts_from_them(
        tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    loop, stream = _arrow_loop(tmp_path, tok2vec_nlp_path, None)
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
    finally:
        loop.close()
    folder = stream.items.folder  # type: ignore[attr-defined]
    stored = ArrowItems.open(folder)
    assert np.isfinite(stored.pool.last_scores).all(), "the whole pool scored and stored"
    assert stored.pool.info["last_scoring"]["strategy"] == "mnlp"

    service = ModelService(ModelSpec(model=str(tok2vec_nlp_path), stop_set_size=0))
    service.set_pool(ArrowItems.open(folder))
    best = stored.hashes[np.argsort(-stored.pool.last_scores, kind="stable")]
    assert service.scoring_order(stored.hashes).tolist() == best.tolist()
    sent: list[Any] = []
    _run_job(service, "score", {"hashes": stored.hashes, "chunk": 5}, sent.append)
    first = sent[0][1]["hashes"]
    assert first == best[:len(first)].tolist(), "the best sentences known are scored first"

    mine = int(stored.hashes[0])
    service.scores[mine] = -5.0  # scored by this session: a pool set again keeps it
    service.set_pool(ArrowItems.open(folder))
    assert service.scores[mine] == -5.0

    other = ModelService(ModelSpec(model=str(tok2vec_nlp_path), strategy="bald",
                                   stop_set_size=0))
    other.set_pool(ArrowItems.open(folder))
    fresh = other.scoring_order(stored.hashes)  # none stored for bald: a seeded shuffle
    assert sorted(fresh.tolist()) == sorted(stored.hashes.tolist())
    assert fresh.tolist() != stored.hashes.tolist()
