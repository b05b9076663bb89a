"""Acquisition: token scores, sentence reductions, selection and registered strategies.

Importing this package registers the built-in strategies in
:data:`spacy_al.registry.al_strategies`.
"""

from __future__ import annotations

from .lookup import SHORT_NAMES, get_builder, get_strategy, resolve_name, strategy_names
from .pool import PoolScores, score_batches, score_pool
from .selection import rank, top_by_token_budget, top_k
from .strategies import Sampling, ScoreFn, Strategy, make_strategy, sampling_of

__all__ = [
    "SHORT_NAMES",
    "PoolScores",
    "Sampling",
    "ScoreFn",
    "Strategy",
    "get_builder",
    "get_strategy",
    "make_strategy",
    "rank",
    "resolve_name",
    "sampling_of",
    "score_batches",
    "score_pool",
    "strategy_names",
    "top_by_token_budget",
    "top_k",
]
