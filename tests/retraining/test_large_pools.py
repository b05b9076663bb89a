"""The live loop over an Arrow pool: a bounded ranking window, and updates that do not
wait for the initial scoring of the whole pool."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from spacy_al.recipe_runtime.components import unranked_task
from spacy_al.recipe_runtime.pool_cache import open_or_start, source_pool
from spacy_al.retraining.model_loop import ModelLoop
from spacy_al.retraining.ranking_book import STALE_OFFSET, RankingBook
from spacy_al.retraining.service import ModelService, ModelSpec
from spacy_al.server.stream import PoolStream
from tests.retraining.test_bounded_rerank import _answer, _source, _wait


def _task(h: int, rank: float) -> dict[str, Any]:
    return {"_input_hash": h, "_task_hash": 100 + h, "_rank": rank}


def test_a_bounded_book_keeps_the_best_window() -> None:
    book = RankingBook(capacity=3)
    book.add([_task(h, float(h)) for h in range(6)])
    assert [t["_input_hash"] for t in book.ranking()] == [5, 4, 3] and book.dropped == 3
    assert book.fresh == set(range(6))  # scored, even where the tasks were dropped
    ranking = book.new_model([_task(0, 0.5)], [0])  # a new model scored sentence 0 only
    assert [t["_input_hash"] for t in ranking] == [0, 5, 4]  # fresh first, then the best stale
    assert ranking[1]["_rank"] == 5.0 - STALE_OFFSET
    assert book.share(6, {5}) == pytest.approx(1 / 5)
    book.add([_task(h, 0.1 * h) for h in (1, 2)])
    assert [t["_input_hash"] for t in book.fresh_ranking()] == [0, 2, 1]
    with pytest.raises(ValueError):
        RankingBook(capacity=0)


def _arrow_loop(tmp_path: Path, model: Path, window: int | None, **spec: Any
                ) -> tuple[ModelLoop, PoolStream]:
    items = source_pool(_source(tmp_path / "pool.jsonl"), pool_cache=tmp_path / "cache")
    stream = PoolStream(items, unranked=unranked_task)
    loop = ModelLoop(stream, ModelSpec(model=str(model), output=str(tmp_path / "out"),
                                       min_steps=2, stop_set_size=5, **spec),
                     update_every=3, worker="thread", score_chunk=5, ranking_window=window)
    return loop, stream


def test_a_window_bounds_the_ranking_and_the_rest_is_still_served(
        tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    loop, stream = _arrow_loop(tmp_path, tok2vec_nlp_path, 8)
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
        assert len(stream._order) == 8 and stream.truncated and loop.book.dropped == 32
        assert loop.stats()["ranked_share"] == 1.0  # the model has seen all 40
        served = []
        for _ in range(8):
            batch = stream.next_batch("a", 5)
            stream.mark_answered(batch, "a")
            served += batch
        assert len({t["_input_hash"] for t in served}) == 40  # nobody left out
        assert {t["meta"].get("strategy") for t in served[8:]} == {"unscored"}
    finally:
        loop.close()


def test_an_update_cuts_the_initial_scoring_short(
        monkeypatch: pytest.MonkeyPatch, tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    rank = ModelService.rank
    scored_v0: list[int] = []

    def slow_first_scoring(self: ModelService, hashes: list[int]) -> list[dict[str, Any]]:
        if self.version == 0:
            scored_v0.extend(hashes)
            time.sleep(0.3)  # a pool far larger than the time between answers
        return rank(self, hashes)

    monkeypatch.setattr(ModelService, "rank", slow_first_scoring)
    loop, stream = _arrow_loop(tmp_path, tok2vec_nlp_path, None, rerank_candidates=3,
                               rerank_sample=2)
    try:
        loop.start()
        _wait(lambda: stream.ready.is_set() and not loop._busy)  # first chunk in
        batch = stream.next_batch("a", 3)
        stream.mark_answered(batch, "a")
        loop.update([_answer(dict(t, _session_id="a")) for t in batch])
        _wait(lambda: loop.stats()["n_updates"] == 1)
        assert len(scored_v0) < 40  # the initial scoring of the 40 was left for the update
        _wait(lambda: loop.state == "idle" and stream.complete)
        assert loop.stats()["ranked_share"] == 1.0 and not loop._scoring
    finally:
        loop.close()


def test_the_session_grows_onto_the_whole_pool(tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    head, writer = open_or_start(_source(tmp_path / "pool.jsonl"), head=10,
                                 pool_cache=tmp_path / "cache")
    assert writer is not None
    stream = PoolStream(head, unranked=unranked_task)
    loop = ModelLoop(stream, ModelSpec(model=str(tok2vec_nlp_path), output=str(tmp_path / "o"),
                                       min_steps=2, stop_set_size=5),
                     update_every=3, worker="thread", score_chunk=5)
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
        assert len(stream.items) == 10 and loop.stats()["ranked_share"] == 1.0
        writer.on_done(loop.grow_pool).join(timeout=120)
        assert len(stream.items) == 40
        _wait(lambda: loop.stats()["ranked_share"] == 1.0 and stream.complete)
        served = set()
        for _ in range(10):
            batch = stream.next_batch("a", 5)
            stream.mark_answered(batch, "a")
            served |= {t["_input_hash"] for t in batch}
        assert served == set(stream.items)  # the new sentences are ranked and served too
    finally:
        loop.close()


def test_the_stop_set_stays_when_the_pool_grows(tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    source = _source(tmp_path / "pool.jsonl")
    head, writer = open_or_start(source, head=10, pool_cache=tmp_path / "cache")
    assert writer is not None
    whole: list[Any] = []
    writer.on_done(whole.append).join(timeout=120)
    service = ModelService(ModelSpec(model=str(tok2vec_nlp_path), stop_set_size=6))
    service.set_pool(head)
    first = [item.input_hash for item in service.stop_set()]
    service.set_pool(whole[0])
    assert [item.input_hash for item in service.stop_set()] == first and len(first) == 6


def test_last_scores_are_looked_up_in_numpy(tok2vec_nlp_path: Path) -> None:
    import numpy as np

    service = ModelService(ModelSpec(model=str(tok2vec_nlp_path)))
    hashes = np.asarray([2, 3, 5, -7], dtype=np.int64)
    assert np.isneginf(service.last_scores(hashes)).all()  # nothing scored yet
    service.scores = {5: 0.5, 2: 0.2, -7: 0.9, 11: 1.0}
    assert service.last_scores(hashes).tolist() == [0.2, float("-inf"), 0.5, 0.9]
