"""Registered batch selectors: which of the scored pool entries a round labels.

A builder in :data:`spacy_al.registry.al_selectors` returns
``select(scores, n_tokens, budget, embeddings=None) -> numpy int64 indices``:

- ``scores``: one float per pool entry, higher = more informative;
- ``n_tokens``: the cost of each entry (tokens; 1 per sentence when a loop counts
  sentences); entries that cost 0 are never chosen;
- ``budget``: the chosen entries' costs sum to at most this;
- ``embeddings``: one row per entry (sentence vectors the model computed while
  scoring), or None; a selector that ignores diversity ignores them.

Indices come back in selection order (best first). Ties are broken by the lower
index; a loop that wants random tie breaks permutes the entries first
(:func:`spacy_al.loop.engine.select_round`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..registry import al_selectors
from .selection import top_by_token_budget

Selector = Callable[[np.ndarray, np.ndarray, int, "np.ndarray | None"], np.ndarray]
"""``select(scores, n_tokens, budget, embeddings) -> int64 indices``."""


def select_top_k(
    scores: np.ndarray, n_tokens: np.ndarray, budget: int, embeddings: np.ndarray | None = None
) -> np.ndarray:
    """The best entries, in ranking order, whose costs fit in ``budget`` (embeddings unused)."""
    return top_by_token_budget(scores, n_tokens, budget)


@al_selectors.register("spacy-al.TopK.v1")
def build_top_k() -> Selector:
    """Best first until the budget is spent; a long entry never blocks shorter ones below."""
    return select_top_k
