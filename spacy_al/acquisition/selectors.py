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
(:func:`spacy_al.loop.engine.select_round`). A selector that uses the embeddings says
so with a true ``needs_embeddings`` attribute, so loops compute them only then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..registry import al_selectors, build, resolve
from .diversity import CANDIDATES, FILL, diverse_top_k
from .selection import top_by_token_budget

DEFAULT_SELECTOR = "spacy-al.TopK.v1"
"""The selector of every loop unless a setting names another: best first."""

Selector = Callable[[np.ndarray, np.ndarray, int, "np.ndarray | None"], np.ndarray]
"""``select(scores, n_tokens, budget, embeddings) -> int64 indices``."""


def select_top_k(
    scores: np.ndarray, n_tokens: np.ndarray, budget: int, embeddings: np.ndarray | None = None
) -> np.ndarray:
    """The best entries, in ranking order, whose costs fit in ``budget`` (embeddings unused)."""
    return top_by_token_budget(scores, n_tokens, budget)


@al_selectors.register(DEFAULT_SELECTOR)
def build_top_k() -> NamedSelector:
    """Best first until the budget is spent; a long entry never blocks shorter ones below."""
    return NamedSelector(DEFAULT_SELECTOR, {}, select_top_k)


@dataclass(frozen=True)
class DiverseTopK:
    """``spacy-al.DiverseTopK.v1``'s selector (see :mod:`.diversity`)."""

    candidates: float = CANDIDATES
    min_distance: float | None = None
    fill: float = FILL
    needs_embeddings: bool = True

    def __call__(self, scores: np.ndarray, n_tokens: np.ndarray, budget: int,
                 embeddings: np.ndarray | None = None) -> np.ndarray:
        return diverse_top_k(scores, n_tokens, budget, embeddings, candidates=self.candidates,
                             min_distance=self.min_distance, fill=self.fill)


@al_selectors.register("spacy-al.DiverseTopK.v1")
def build_diverse_top_k(candidates: float = CANDIDATES, min_distance: float | None = None,
                        fill: float = FILL) -> NamedSelector:
    """From the best ``candidates`` x k entries, by score, each at least a cosine-distance
    floor from those chosen before it (``min_distance``, or the largest floor at which
    the walk still fills ``fill`` of the budget); exact duplicates are never chosen
    twice. Without embeddings: plain top-k."""
    if candidates < 1:
        raise ConfigError(f"spacy-al.DiverseTopK.v1: candidates must be >= 1, got {candidates}.",
                          fix="use e.g. candidates = 3 (three times as many as top-k takes).")
    if not 0 < fill <= 1:
        raise ConfigError(f"spacy-al.DiverseTopK.v1: fill must be in (0, 1], got {fill}.",
                          fix="use e.g. fill = 0.95, or set min_distance instead.")
    options: dict[str, Any] = {"candidates": candidates, "fill": fill}
    if min_distance is not None:
        options["min_distance"] = min_distance
    return NamedSelector("spacy-al.DiverseTopK.v1", options,
                         DiverseTopK(float(candidates), min_distance, float(fill)))


@al_selectors.register("spacy-al.Selector.v1")
def build_selector_by_name(name: str = DEFAULT_SELECTOR,
                           options: dict[str, Any] | None = None) -> NamedSelector:
    """Any registered selector by name and options, remembering both (a third party's
    builder may return a plain function, which a resumed loop could not check)."""
    return named_selector(name, **dict(options or {}))


def named_selector(name: str, **options: Any) -> NamedSelector:
    """The registered selector ``name`` built with ``options``, remembering both (a third
    party's builder may return a plain function)."""
    built = build("selector", name, **options)
    if isinstance(built, NamedSelector):
        return built
    return NamedSelector(resolve("selector", name), dict(options), built)


@dataclass(frozen=True)
class NamedSelector:
    """A built selector that remembers its registered name and options (a config
    block, a fingerprint): what ``@al_selectors = "spacy-al.DiverseTopK.v1"`` resolves to."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    select: Selector = select_top_k

    @property
    def needs_embeddings(self) -> bool:
        return needs_embeddings(self.select)

    def spec(self) -> dict[str, Any]:
        return {"@selectors": self.name, **self.options}

    def __call__(self, scores: np.ndarray, n_tokens: np.ndarray, budget: int,
                 embeddings: np.ndarray | None = None) -> np.ndarray:
        return self.select(scores, n_tokens, budget, embeddings)


def needs_embeddings(selector: Selector) -> bool:
    """Whether ``selector`` uses embeddings (its ``needs_embeddings`` attribute)."""
    return bool(getattr(selector, "needs_embeddings", False))
