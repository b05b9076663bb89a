"""Which sentences the model worker scores first: never file order.

The initial scoring goes best last score first (a pool an earlier session scored), the
rest in a seeded random order, so the first chunk the server serves from is a sample
spread over the whole pool, not its head. After an update the worker re-scores the
whole unanswered pool before it swaps the new ranking in whenever its measured
throughput does that within ``ModelSpec.rescore_seconds``; past that bound it re-scores
as many as fit in it first: the best ``rerank_candidates`` by last score (ties in a
seeded random order, so tied or never-scored sentences are not taken in file order) and
a seeded random sample of the others for the rest of the bound. Everything else
follows in chunks.
"""

from __future__ import annotations

import numpy as np

MIN_TIMED = 16
"""Sentences a ranking call must score for its speed to count in the throughput."""


def scoring_order(hashes: np.ndarray, last: np.ndarray, rng: np.random.Generator
                  ) -> np.ndarray:
    """``hashes`` best ``last`` score first; ties and the never scored (``-inf``) in a
    random order drawn from ``rng``."""
    shuffled = rng.permutation(len(hashes))
    keys = np.where(np.isnan(last), -np.inf, last)[shuffled]
    return np.asarray(hashes, dtype=np.int64)[shuffled[np.argsort(-keys, kind="stable")]]


def split_candidates(hashes: np.ndarray, last: np.ndarray, rng: np.random.Generator, *,
                     best: int, capacity: int, reserved: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The sentences to re-score first and the rest (in :func:`scoring_order`): all of
    them when they fit in ``capacity``; else the ``reserved`` ones (out with an
    annotator), the ``best`` by last score and a random sample of the others up to
    ``capacity``."""
    hashes = np.asarray(hashes, dtype=np.int64)
    order = scoring_order(hashes, last, rng)
    if len(hashes) <= capacity:
        return order, order[:0]
    picked = np.zeros(len(order), dtype=bool)
    picked[:min(best, capacity)] = True
    if reserved is not None and len(reserved):
        picked |= np.isin(order, reserved)
    others = np.flatnonzero(~picked)
    size = min(len(others), max(0, capacity - int(picked.sum())))
    picked[rng.choice(others, size=size, replace=False)] = True
    return order[picked], order[~picked]


class Throughput:
    """Sentences per second of the worker's ranking calls (a running mean)."""

    def __init__(self) -> None:
        self.per_second: float | None = None

    def record(self, n: int, seconds: float) -> None:
        if n < MIN_TIMED or seconds <= 0:
            return
        speed = n / seconds
        self.per_second = speed if self.per_second is None else (self.per_second + speed) / 2

    def capacity(self, seconds: float, at_least: int) -> int:
        """Sentences scored within ``seconds`` (``at_least`` before any was timed)."""
        if self.per_second is None:
            return at_least
        return max(at_least, int(self.per_second * seconds))

