"""Acquisition (numpy only): token scores, sentence reductions, selection, strategies, selectors.

The built-in strategies, selectors and stopping criteria are declared in the entry
point groups ``spacy_al_strategies``, ``spacy_al_selectors`` and ``spacy_al_stoppers``
(they resolve in a fresh interpreter), with short names (``mnlp``, ``bald``, ...) as
aliases in the same groups; :func:`spacy_al.registry.build` builds any of them by name.
Running a pipeline over a pool is :mod:`spacy_al.pipeline.pool_scoring`'s job.
"""

from __future__ import annotations

from ..registry import build
from .selection import rank, top_by_token_budget, top_k
from .selectors import (
    DEFAULT_SELECTOR,
    DiverseTopK,
    NamedSelector,
    Selector,
    build_diverse_top_k,
    build_top_k,
    named_selector,
    needs_embeddings,
    select_top_k,
)
from .stoppers import Stopper, cohen_kappa
from .strategies import (
    DEFAULT_STRATEGY,
    Sampling,
    ScoreFn,
    Strategy,
    build_strategy,
    make_strategy,
    sampling_of,
    seeded,
)

__all__ = [
    "DEFAULT_SELECTOR",
    "DEFAULT_STRATEGY",
    "DiverseTopK",
    "NamedSelector",
    "Sampling",
    "ScoreFn",
    "Selector",
    "Stopper",
    "Strategy",
    "build",
    "build_diverse_top_k",
    "build_strategy",
    "build_top_k",
    "cohen_kappa",
    "make_strategy",
    "named_selector",
    "needs_embeddings",
    "rank",
    "sampling_of",
    "seeded",
    "select_top_k",
    "top_by_token_budget",
    "top_k",
]
