"""Selection shared by the ``spacy train`` loop and the benchmark: one piece of code for both.

Sizes are counted in ``tokens`` (the annotation cost, Shen et al. 2018) or in
``sentences``. A size below 1 is a share of the pool (``0.02`` = 2 %), a size of 1
or more an absolute count. Ties between scores are broken by a seeded random
permutation, so no strategy is biased towards the start of the corpus.
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

from ..acquisition import get_builder, get_strategy, score_pool, top_by_token_budget, top_k
from ..acquisition.strategies import ScoreFn
from ..errors import ConfigError

UNITS = ("tokens", "sentences")
Scorer = Callable[[Language, Iterable[Doc]], np.ndarray]
"""``scorer(nlp, docs) -> scores``: one float per doc, higher = more informative."""


def check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ConfigError(f"Unknown size unit {unit!r}.", fix=f"use one of {', '.join(UNITS)}.")
    return unit


def resolve_size(size: float, total: int) -> int:
    """``size`` as an absolute count: a share of ``total`` below 1, a count from 1 on."""
    if size < 0:
        raise ConfigError(f"Sizes must be >= 0, got {size}.", fix="use e.g. 0.02 (2 %) or 500.")
    if size < 1:
        return int(round(size * total))
    return int(size)


def derive_seed(seed: int, *parts: int) -> int:
    """A reproducible 32-bit seed from ``seed`` and the round (or other) numbers."""
    sequence = np.random.SeedSequence([seed & 0xFFFFFFFF, *(p & 0xFFFFFFFF for p in parts)])
    return int(sequence.generate_state(1)[0])


def select(
    scores: np.ndarray,
    n_tokens: np.ndarray,
    size: int,
    unit: str,
    seed: int,
) -> np.ndarray:
    """Positions of the best candidates whose total size stays within ``size``.

    scores: one score per candidate, higher = more informative.
    n_tokens: tokens per candidate (0-token candidates are never chosen).
    size: how many tokens or sentences to choose (``unit``).
    seed: seeds the permutation that breaks ties.
    RETURNS: positions into ``scores``, best first. With a token budget smaller
        than every candidate, the single best one is taken so a round never stalls.
    """
    check_unit(unit)
    scores = np.asarray(scores, dtype=np.float64)
    n_tokens = np.asarray(n_tokens, dtype=np.int64)
    if size <= 0 or len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.random.default_rng(seed).permutation(len(scores))
    if unit == "sentences":
        chosen = top_k(scores[order], size, n_tokens[order])
    else:
        chosen = top_by_token_budget(scores[order], n_tokens[order], size)
        if len(chosen) == 0:
            chosen = top_k(scores[order], 1, n_tokens[order])
    return order[chosen].astype(np.int64)


def choose(
    scores: np.ndarray,
    candidates: np.ndarray,
    n_tokens: np.ndarray,
    size: int,
    unit: str,
    seed: int,
    round_: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Round ``round_``'s pick among ``candidates`` (pool indices; ``scores`` are theirs).

    RETURNS: the chosen pool indices, best first, and their scores.
    """
    candidates = np.asarray(candidates, dtype=np.int64)
    positions = select(scores, np.asarray(n_tokens)[candidates], size, unit,
                       derive_seed(seed, round_, 1))
    return candidates[positions], np.asarray(scores, dtype=np.float64)[positions]


def seed_set(n_tokens: np.ndarray, size: int, unit: str, seed: int) -> np.ndarray:
    """Round 0: ``size`` tokens or sentences drawn at random (seeded) from the whole pool."""
    n = len(n_tokens)
    chosen, _ = choose(random_scores(n, seed), np.arange(n), n_tokens, size, unit, seed, 0)
    return chosen


def next_round_size(labelled: int, query: int, budget: int) -> int:
    """Size of the next round: ``query``, cut to what is left of ``budget`` (0: none);
    0 once less than half a query is left, so a greedily filled budget ends cleanly."""
    if budget <= 0:
        return query
    left = budget - labelled
    return 0 if left < query / 2 else min(query, left)


def random_scores(n: int, seed: int) -> np.ndarray:
    """Uniform scores for ``n`` candidates: the random seed set and random baseline."""
    return np.random.default_rng(seed).random(n)


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

    def scorer(nlp: Language, docs: Iterable[Doc]) -> np.ndarray:
        strategy = build_strategy(name, options, seed)
        with seeded(seed):
            result = score_pool(nlp, docs, strategy, batch_size=batch_size, progress=False,
                                component=component)
        return result.scores

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
