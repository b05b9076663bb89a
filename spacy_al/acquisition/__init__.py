"""Acquisition (numpy only): token scores, sentence reductions, selection, strategies, selectors.

The built-in strategies, selectors and stopping criteria are declared in the entry
point groups ``spacy_al_strategies``, ``spacy_al_selectors`` and ``spacy_al_stoppers``
(they resolve in a fresh
interpreter); importing this package also registers them. Running a pipeline over a
pool is :mod:`spacy_al.pipeline.pool_scoring`'s job.
"""

from __future__ import annotations

from .lookup import SHORT_NAMES, get_builder, get_strategy, resolve_name, strategy_names
from .selection import rank, top_by_token_budget, top_k
from .selectors import (
    DiverseTopK,
    NamedSelector,
    Selector,
    build_diverse_top_k,
    build_top_k,
    needs_embeddings,
    select_top_k,
)
from .stoppers import Stopper, cohen_kappa, get_stopper
from .strategies import Sampling, ScoreFn, Strategy, make_strategy, sampling_of

__all__ = [
    "SHORT_NAMES",
    "DiverseTopK",
    "NamedSelector",
    "Stopper",
    "build_diverse_top_k",
    "cohen_kappa",
    "get_stopper",
    "needs_embeddings",
    "Sampling",
    "Selector",
    "ScoreFn",
    "Strategy",
    "build_top_k",
    "get_builder",
    "get_strategy",
    "make_strategy",
    "rank",
    "resolve_name",
    "sampling_of",
    "select_top_k",
    "strategy_names",
    "top_by_token_budget",
    "top_k",
]
