"""The live order: ``--seed`` honoured, a cold start that is not file order, ties broken
seeded-randomly, whole-pool re-scoring within a time bound."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from spacy_al.recipe_runtime.sources import load_source
from spacy_al.retraining.candidates import scoring_order, split_candidates
from spacy_al.retraining.model_loop import ModelLoop
from spacy_al.retraining.service import ModelSpec
from spacy_al.retraining.worker import FIRST_CHUNK
from spacy_al.server.stream import PoolStream
from tests.conftest import REPO

WIKIGOLD = REPO / "corpora" / "wikigold" / "train.conll"


def _wait(condition, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _served_order(model: Path, tmp_path: Path, n: int = 30, **spec: object) -> list[int]:
    """The first ``n`` questions a real (thread) worker's ranking serves once scored."""
    stream = PoolStream(load_source(WIKIGOLD, limit=150))
    loop = ModelLoop(stream, ModelSpec(model=str(model), output=str(tmp_path / "out"), **spec),
                     worker="thread")
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
        return [int(t["_input_hash"]) for t in stream.next_batch("ds-a", n)]
    finally:
        loop.close()


def test_random_order_follows_the_seed(tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    one = _served_order(tok2vec_nlp_path, tmp_path, strategy="random", seed=1)
    again = _served_order(tok2vec_nlp_path, tmp_path, strategy="random", seed=1)
    other = _served_order(tok2vec_nlp_path, tmp_path, strategy="random", seed=2)
    assert one == again
    assert one != other
    assert len(set(one) & set(other)) < 15  # not the same sentences in another order



def test_scoring_order_is_best_first_with_ties_in_a_seeded_random_order() -> None:
    hashes = np.arange(10, dtype=np.int64) * 7
    last = np.array([0.5, -np.inf, 0.9, 0.5, 0.5, -np.inf, 0.1, 0.5, -np.inf, 0.5])
    order = scoring_order(hashes, last, np.random.default_rng(0))
    assert order[0] == 14 and order[6] == 42  # 0.9 first, then the five 0.5, then 0.1
    assert sorted(order[1:6].tolist()) == [0, 21, 28, 49, 63]
    assert sorted(order[7:].tolist()) == [7, 35, 56]  # never scored: last
    draws = {tuple(scoring_order(hashes, last, np.random.default_rng(s))[1:6]) for s in range(8)}
    assert len(draws) > 1  # ties are not broken by position
    assert (scoring_order(hashes, last, np.random.default_rng(3)).tolist()
            == scoring_order(hashes, last, np.random.default_rng(3)).tolist())


def test_candidates_fill_the_capacity_with_a_sample_past_the_best() -> None:
    hashes = np.arange(100, dtype=np.int64)
    last = np.full(100, 1.0)
    last[[90, 91, 92]] = [5.0, 4.0, 3.0]
    first, rest = split_candidates(hashes, last, np.random.default_rng(0), best=3, capacity=20)
    assert first[:3].tolist() == [90, 91, 92] and len(first) == 20 and len(rest) == 80
    assert sorted(np.concatenate([first, rest]).tolist()) == hashes.tolist()
    assert first[3:].max() > 50  # all tied: the sample is not the head of the pool
    whole, none = split_candidates(hashes, last, np.random.default_rng(0), best=3, capacity=100)
    assert len(whole) == 100 and len(none) == 0


def test_cold_start_is_spread_over_the_pool(tmp_path: Path) -> None:
    """A new model's first questions come from the whole pool, not its first chunk."""
    items = load_source(WIKIGOLD, limit=400)
    position = {item.input_hash: i for i, item in enumerate(items)}
    stream = PoolStream(items)
    spec = ModelSpec(model="tok2vec", labels=["PER", "ORG", "LOC", "MISC"],
                     output=str(tmp_path / "out"), stop_set_size=0)
    loop = ModelLoop(stream, spec, worker="thread")
    try:
        loop.start()
        _wait(lambda: stream.ready.is_set() and len(loop.book.tasks) > 0)
        first = [position[int(t["_input_hash"])] for t in stream.next_batch("ds-a", 20)]
    finally:
        loop.close()
    assert max(first) > 200 and min(first) < 200  # from both halves of the pool
    assert sum(p < FIRST_CHUNK for p in first) < 10
