"""Batch diversity (numpy only): choose by score while keeping the batch apart in space.

:func:`diverse_top_k` takes the best ``candidates`` x k selectable entries (k: how many
plain top-k would label within the budget), then walks them by score and keeps an entry
only if its cosine distance to every entry kept so far is at least a floor; exact
duplicates (identical embedding rows) are never kept twice. The floor is ``min_distance``
when given, else the largest floor (found by bisection) at which this walk still fills
``fill`` of what it fills with no floor at all: the batch is as spread out as the
candidates allow, whatever the scale of the embedding space. Budget the walk leaves
unspent is filled by score from the rest of the candidates, still without duplicates.
"""

from __future__ import annotations

import numpy as np

from .selection import rank, top_by_token_budget

STEPS = 20
"""Bisection steps of the adaptive floor (cosine distances lie in [0, 2])."""


CANDIDATES = 3.0
"""DiverseTopK's default pool: the best ``candidates`` x k entries."""
FILL = 0.95
"""DiverseTopK's default share of the budget the chosen distance floor must still fill."""

def unit_rows(embeddings: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    vectors = np.asarray(embeddings, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def duplicate_groups(embeddings: np.ndarray) -> np.ndarray:
    """One group id per row; rows with identical embeddings share it."""
    if len(embeddings) == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse = np.unique(np.asarray(embeddings), axis=0, return_inverse=True)
    return np.asarray(inverse, dtype=np.int64).reshape(-1)


def spread_floor(units: np.ndarray, groups: np.ndarray, cost: np.ndarray, budget: int,
                 fill: float) -> float:
    """The largest floor at which the walk by score still fills ``fill`` of what it
    fills without a floor (bisection; 0 when even a tiny floor falls short)."""
    target = fill * cost[_greedy(units, groups, cost, budget, 0.0, [])].sum()
    low, high = 0.0, 2.0
    for _ in range(STEPS):
        middle = (low + high) / 2
        if cost[_greedy(units, groups, cost, budget, middle, [])].sum() >= target:
            low = middle
        else:
            high = middle
    return low


def candidate_pool(scores: np.ndarray, n_tokens: np.ndarray, budget: int, candidates: float
                   ) -> np.ndarray:
    """The best ``candidates`` x k selectable entries, best first."""
    k = len(top_by_token_budget(scores, n_tokens, budget))
    return rank(scores, n_tokens)[: max(1, int(np.ceil(candidates * k)))]


def diverse_top_k(
    scores: np.ndarray,
    n_tokens: np.ndarray,
    budget: int,
    embeddings: np.ndarray | None,
    *,
    candidates: float = CANDIDATES,
    min_distance: float | None = None,
    fill: float = FILL,
) -> np.ndarray:
    """Indices (int64, in selection order) of a score-ordered, spread-out batch.

    Without ``embeddings`` this is plain top-k within the budget.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n_tokens = np.asarray(n_tokens, dtype=np.int64)
    if embeddings is None or budget <= 0:
        return top_by_token_budget(scores, n_tokens, budget)
    pool = candidate_pool(scores, n_tokens, budget, candidates)
    vectors = np.asarray(embeddings)[pool]
    units, groups, cost = unit_rows(vectors), duplicate_groups(vectors), n_tokens[pool]
    floor = (spread_floor(units, groups, cost, budget, fill) if min_distance is None
             else float(min_distance))
    first = _greedy(units, groups, cost, budget, floor, [])
    both = _greedy(units, groups, cost, budget, -np.inf, first)
    return pool[np.asarray(both, dtype=np.int64)].astype(np.int64)


def _greedy(units: np.ndarray, groups: np.ndarray, cost: np.ndarray, budget: int,
            floor: float, chosen: list[int]) -> list[int]:
    """Extend ``chosen`` (positions) walking by position: fits, no duplicate, apart."""
    chosen = list(chosen)
    left = budget - int(cost[chosen].sum()) if chosen else budget
    taken = {int(groups[i]) for i in chosen}
    for i in range(len(units)):
        if left <= 0:
            break
        if int(cost[i]) > left or int(groups[i]) in taken:
            continue
        if chosen and floor > -np.inf and float(np.min(1.0 - units[chosen] @ units[i])) < floor:
            continue
        chosen.append(i)
        taken.add(int(groups[i]))
        left -= int(cost[i])
    return chosen
