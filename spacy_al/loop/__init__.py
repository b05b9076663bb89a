"""The active-learning loop: the round engine, pool, oracle, state, and the ``spacy train`` reader.

Importing this package registers the reader ``spacy-al.ActiveLearningCorpus.v1``.
:mod:`spacy_al.loop.engine` holds the round bookkeeping and the selection seam shared
with the benchmark and the live session.
"""

from __future__ import annotations

from .engine import UNITS, RoundEngine, Schedule, derive_seed, resolve_size, select_round
from .oracle import DatabaseOracle, GoldOracle
from .pool_state import Pool
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
    "RoundEngine",
    "RoundRecord",
    "Schedule",
    "create_active_learning_corpus",
    "derive_seed",
    "resolve_size",
    "select_round",
]
