"""Which sentences the model worker scores first: never file order.

The initial scoring goes best last score first (a pool an earlier session scored), the
rest in a seeded random order, so the first chunk the server serves from is a sample
spread over the whole pool, not its head. After an update the worker re-scores a
candidate set first: the best ``rerank_candidates`` by last score (ties in a seeded
random order, so tied or never-scored sentences are not taken in file order), a seeded
random sample of ``rerank_sample`` others and the sentences out with an annotator; the
rest follows in chunks, in the same order, and is re-scored whole within
``ModelSpec.rescore_seconds`` (:mod:`.worker`).
"""

from __future__ import annotations

import numpy as np


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
