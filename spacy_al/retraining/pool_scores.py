"""A session's last acquisition scores: looked up in numpy, kept in the Arrow pool's index.

The model worker keeps each sentence's last score by input hash (the order of the
candidates it re-scores first after an update). Once it has scored the whole pool it
writes them into the pool's ``index`` (:meth:`spacy_al.store.arrow_pool.ArrowPool.set_scores`,
as ``spacy-al score`` does), and a later session on the same pool cache with the same
strategy starts from them: its initial scoring goes best last score first, so its first
questions are the most informative sentences known, and its first update's candidates
are the best of them. Sentences the session did not score keep their stored scores.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np

from ..store.pool_items import ArrowItems

logger = logging.getLogger(__name__)


def lookup_scores(scores: Mapping[int, float], hashes: np.ndarray) -> np.ndarray:
    """Each hash's score in ``scores`` (-inf if absent), looked up in numpy: no Python int
    per pool sentence."""
    hashes = np.asarray(hashes, dtype=np.int64)
    if not scores:
        return np.full(len(hashes), float("-inf"))
    keys = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
    return np.where(keys[at] == hashes, values[at], float("-inf"))


def saved_scores(items: ArrowItems, strategy: str) -> dict[int, float]:
    """The last scores in the pool's index by input hash, if they were given with
    ``strategy`` (another strategy's scores do not order this one's candidates)."""
    last = items.pool.info.get("last_scoring") or {}
    if last.get("strategy") != strategy:
        return {}
    stored = np.asarray(items.pool.last_scores, dtype=np.float64)
    known = np.isfinite(stored)
    return dict(zip(items.hashes[known].tolist(), stored[known].tolist(), strict=True))


def store_scores(items: ArrowItems, scores: Mapping[int, float], **info: str | int) -> bool:
    """Merge ``scores`` into the pool's index (``info``: strategy, model, version); False
    when there is nothing to store or the write failed (a cache: the session goes on)."""
    if not scores:
        return False
    pool = items.pool
    mine = lookup_scores(scores, items.hashes)
    merged = np.where(np.isfinite(mine), mine, np.asarray(pool.last_scores, np.float64))
    try:
        pool.set_scores(merged, **info)
    except OSError as error:
        logger.warning("spacy-al: could not store the last scores in %s: %s", pool.folder,
                       error)
        return False
    return True
