"""Scoring a pool inside a loop: a registered strategy, seeded, streamed through the pipeline.

Shared by the ``spacy train`` loop and the benchmark; the selection that follows is
the round engine's (:mod:`.engine`).
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..acquisition import get_builder, get_strategy
from ..acquisition.strategies import ScoreFn
from ..pipeline.pool_scoring import PoolScores, score_pool

Scorer = Callable[[Language, Iterable[Doc]], np.ndarray]
"""``scorer(nlp, docs) -> scores``: one float per doc, higher = more informative."""


def build_strategy(name: str, options: Mapping[str, Any], seed: int) -> ScoreFn:
    """Build a registered strategy; a builder with a ``seed`` argument gets ``seed``
    unless ``options`` sets one (so the random baseline follows the loop's seed)."""
    kwargs = dict(options)
    if "seed" in inspect.signature(get_builder(name)).parameters:
        kwargs.setdefault("seed", seed)
    return get_strategy(name, **kwargs)


def strategy_scorer(
    name: str,
    options: Mapping[str, Any],
    seed: int,
    batch_size: int = 64,
    component: str = "al_ner",
) -> Scorer:
    """A :data:`Scorer` over a registered strategy, via the streaming
    :func:`spacy_al.acquisition.score_pool` (MC-dropout samples seeded by ``seed``)."""
    pool = pool_scorer(name, options, seed, batch_size, component)

    def scorer(nlp: Language, docs: Iterable[Doc]) -> np.ndarray:
        return pool(nlp, docs).scores

    return scorer


def pool_scorer(
    name: str,
    options: Mapping[str, Any],
    seed: int,
    batch_size: int = 64,
    component: str = "al_ner",
    embeddings: bool = False,
) -> Callable[[Language, Iterable[Doc]], PoolScores]:
    """As :func:`strategy_scorer`, returning the whole :class:`PoolScores`: with
    ``embeddings`` also the sentence embeddings a diversity selector uses."""

    def scorer(nlp: Language, docs: Iterable[Doc]) -> PoolScores:
        strategy = build_strategy(name, options, seed)
        with seeded(seed):
            return score_pool(nlp, docs, strategy, batch_size=batch_size, progress=False,
                              component=component, embeddings=embeddings)

    return scorer


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed Python's, numpy's and torch's global generators, restoring them afterwards,
    so scoring is reproducible and leaves the training's random streams untouched."""
    import torch

    py_state, np_state, torch_state = random.getstate(), np.random.get_state(), None
    torch_state = torch.random.get_rng_state()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        torch.random.set_rng_state(torch_state)


def plain_docs(docs: Iterable[Doc], nlp: Language) -> list[Doc]:
    """Copies with the tokens only (no entities): what a model may see of a pool."""
    return [
        Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
        for doc in docs
    ]
