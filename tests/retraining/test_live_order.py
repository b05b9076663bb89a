"""The live order: ``--seed`` honoured, a cold start that is not file order, ties broken
seeded-randomly, whole-pool re-scoring within a time bound."""

from __future__ import annotations

import time
from pathlib import Path

from spacy_al.recipe_runtime.sources import load_source
from spacy_al.retraining.model_loop import ModelLoop
from spacy_al.retraining.service import ModelSpec
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

