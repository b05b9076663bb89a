"""Selection helpers: pick the most informative pool entries from their scores.

Entries of 0 tokens are never selected; ties are broken by the lower index
first, so a selection is deterministic. NaN scores rank last.
"""

from __future__ import annotations

import numpy as np


def rank(scores: np.ndarray, n_tokens: np.ndarray | None = None) -> np.ndarray:
    """Indices of the selectable entries, most informative first.

    scores (np.ndarray): One score per entry, higher = more informative.
    n_tokens (np.ndarray | None): Tokens per entry; entries with 0 are left out.
    RETURNS (np.ndarray): int64 indices, by decreasing score, ties by index.
    """
    scores = np.asarray(scores, dtype=np.float64)
    keys = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-keys, kind="stable")
    if n_tokens is not None:
        order = order[np.asarray(n_tokens)[order] > 0]
    return order.astype(np.int64)


def top_k(scores: np.ndarray, k: int | None, n_tokens: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` most informative selectable entries (all of them if ``k`` is None).

    scores (np.ndarray): One score per entry, higher = more informative.
    k (int | None): How many to select; fewer come back if fewer are selectable.
    n_tokens (np.ndarray | None): Tokens per entry; entries with 0 are never selected.
    RETURNS (np.ndarray): int64 indices, by decreasing score, ties by index.
    """
    if k is not None and k < 0:
        raise ValueError(f"k must be >= 0, got {k}.")
    order = rank(scores, n_tokens)
    return order if k is None else order[:k]


def top_by_token_budget(scores: np.ndarray, n_tokens: np.ndarray, budget: int) -> np.ndarray:
    """The most informative entries whose tokens fit in ``budget`` (cost in tokens).

    Walks the ranking and keeps each entry that still fits, so a long sentence
    does not block shorter ones below it.

    scores (np.ndarray): One score per entry, higher = more informative.
    n_tokens (np.ndarray): Tokens per entry; entries with 0 are never selected.
    budget (int): Total number of tokens to select at most.
    RETURNS (np.ndarray): int64 indices, in ranking order.
    """
    n_tokens = np.asarray(n_tokens, dtype=np.int64)
    order = rank(scores, n_tokens)
    chosen: list[int] = []
    left = budget
    for index in order:
        cost = int(n_tokens[index])
        if cost <= left:
            chosen.append(int(index))
            left -= cost
        if left <= 0:
            break
    return np.asarray(chosen, dtype=np.int64)
