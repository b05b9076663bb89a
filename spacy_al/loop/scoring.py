"""Scoring a pool inside a loop: a registered strategy, seeded, streamed through the pipeline.

Shared by the ``spacy train`` loop and the benchmark; the selection that follows is
the round engine's (:mod:`.engine`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..acquisition import build_strategy
from ..pipeline.pool_scoring import PoolScores, score_pool

Scorer = Callable[[Language, Iterable[Doc]], np.ndarray]
"""``scorer(nlp, docs) -> scores``: one float per doc, higher = more informative."""


def pool_scorer(
    name: str,
    options: Mapping[str, Any],
    seed: int,
    batch_size: int = 64,
    component: str = "al_ner",
    embeddings: bool = False,
) -> Callable[[Language, Iterable[Doc]], PoolScores]:
    """Score a pool with a registered strategy via the streaming
    :func:`spacy_al.pipeline.pool_scoring.score_pool`; MC-dropout samples and a strategy
    that draws (``random``) are seeded by ``seed``. With ``embeddings`` the result also
    holds the sentence embeddings a diversity selector uses."""

    def scorer(nlp: Language, docs: Iterable[Doc]) -> PoolScores:
        strategy = build_strategy(name, options)
        return score_pool(nlp, docs, strategy, batch_size=batch_size, progress=False,
                          component=component, embeddings=embeddings, seed=seed)

    return scorer

