"""The active-learning loop: pool, oracle, selection, state, and the ``spacy train`` reader.

Importing this package registers the reader ``spacy-al.ActiveLearningCorpus.v1``.
:mod:`spacy_al.loop.acquire` holds the selection shared with the benchmark.
"""

from __future__ import annotations

from .acquire import UNITS, derive_seed, resolve_size, select, strategy_scorer
from .oracle import DatabaseOracle, GoldOracle
from .pool import Pool
from .reader import ActiveLearningCorpus, create_active_learning_corpus
from .session import ALSession, LoopSettings
from .state import STATE_FILE, LoopState, RoundRecord

__all__ = [
    "STATE_FILE",
    "UNITS",
    "ALSession",
    "ActiveLearningCorpus",
    "DatabaseOracle",
    "GoldOracle",
    "LoopSettings",
    "LoopState",
    "Pool",
    "RoundRecord",
    "create_active_learning_corpus",
    "derive_seed",
    "resolve_size",
    "select",
    "strategy_scorer",
]
