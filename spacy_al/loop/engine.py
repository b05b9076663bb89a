"""The round engine: one piece of round bookkeeping for every active-learning loop.

The ``spacy train`` reader (:mod:`.session`), the benchmark and the live session's
re-ranking all use it, so a selector, a budget rule or a tie-break is written once.

Sizes are counted in ``tokens`` (the annotation cost, Shen et al. 2018) or in
``sentences``. A size below 1 is a share of the pool (``0.02`` = 2 %), a size of 1
or more an absolute count. The selection step is one seam, :func:`select_round`:
a registered selector (``spacy-al.TopK.v1`` by default) chooses within the round's
budget, after a seeded permutation that breaks ties between equal scores, so no
strategy is biased towards the start of the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..acquisition.scores import uniform_scores
from ..acquisition.selection import rank, top_k
from ..acquisition.selectors import Selector, select_top_k
from ..errors import ConfigError

UNITS = ("tokens", "sentences")

DEFAULT_ROUND_SIZE = 0.02
"""The seed set and each round's query: 2 % of the pool, in every loop unless set."""


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


def costs(n_tokens: np.ndarray, unit: str) -> np.ndarray:
    """What each entry costs in ``unit``: its tokens, or 1 per (non-empty) sentence."""
    n_tokens = np.asarray(n_tokens, dtype=np.int64)
    return n_tokens if check_unit(unit) == "tokens" else (n_tokens > 0).astype(np.int64)


def select_round(
    scores: np.ndarray,
    cost: np.ndarray,
    budget: int,
    seed: int | None,
    selector: Selector = select_top_k,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    """The one selection seam: positions into ``scores`` chosen within ``budget``.

    seed (int | None): Seeds the permutation that breaks ties (None: ties by position).
    RETURNS: positions, in selection order. With a budget smaller than every entry's
        cost, the single best entry is taken so that a round never stalls.
    """
    scores = np.asarray(scores, dtype=np.float64)
    cost = np.asarray(cost, dtype=np.int64)
    if budget <= 0 or len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    order = (np.arange(len(scores)) if seed is None
             else np.random.default_rng(seed).permutation(len(scores)))
    vectors = None if embeddings is None else np.asarray(embeddings)[order]
    chosen = np.asarray(selector(scores[order], cost[order], int(budget), vectors), np.int64)
    if len(chosen) == 0:
        chosen = top_k(scores[order], 1, cost[order])
    return order[chosen].astype(np.int64)


def rank_candidates(
    scores: np.ndarray,
    cost: np.ndarray,
    window: int,
    selector: Selector = select_top_k,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    """A whole ranking (live sessions): the selector's pick within ``window`` first, then
    every other selectable entry by score (ties by position)."""
    first = select_round(scores, cost, window, None, selector, embeddings)
    rest = rank(scores, cost)
    return np.concatenate([first, rest[~np.isin(rest, first)]]).astype(np.int64)


def ranking_keys(scores: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Sort keys that keep ``order`` and stay comparable with plain scores: the running
    minimum of the scores along the order (equal to the scores where the order is by
    score), so rankings scored in chunks still merge by key."""
    keys = np.zeros(len(scores), dtype=np.float64)
    if len(order):
        keys[order] = np.fmin.accumulate(np.asarray(scores, dtype=np.float64)[order])
    return keys


def next_round_size(labelled: int, query: int, budget: int) -> int:
    """Size of the next round: ``query``, cut to what is left of ``budget`` (0: none);
    0 once less than half a query is left, so a greedily filled budget ends cleanly."""
    if budget <= 0:
        return query
    left = budget - labelled
    return 0 if left < query / 2 else min(query, left)


@dataclass(frozen=True)
class Schedule:
    """How a run grows its labelled set: sizes below 1 are shares of the pool."""

    unit: str = "tokens"
    seed_size: float = DEFAULT_ROUND_SIZE
    query_size: float = DEFAULT_ROUND_SIZE
    budget: float = 0.0
    """When to stop acquiring (0: never; below 1 a share of the pool)."""
    max_rounds: int = 0
    """Rounds after the seed set at most (0: no limit)."""

    def __post_init__(self) -> None:
        check_unit(self.unit)
        if self.query_size <= 0:
            raise ConfigError(f"query_size must be > 0, got {self.query_size}.",
                              fix="use e.g. 0.02 (2 % of the pool) or 500.")


@dataclass
class RoundEngine:
    """Pool state and round bookkeeping of one run (one strategy and seed).

    ``rounds[r]`` lists the pool indices round ``r`` labelled (round 0: the random
    seed set); replaying them rebuilds the labelled set exactly (resume, audit).
    """

    n_tokens: np.ndarray
    schedule: Schedule
    seed: int
    selector: Selector = select_top_k
    rounds: dict[int, list[int]] = field(default_factory=dict)
    _labelled: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.n_tokens = np.asarray(self.n_tokens, dtype=np.int64)
        self.cost = costs(self.n_tokens, self.schedule.unit)

    # -- sizes ----------------------------------------------------------------
    @property
    def total(self) -> int:
        """The pool's size in the schedule's unit."""
        return int(self.cost.sum()) if self.schedule.unit == "tokens" else len(self.n_tokens)

    def size_of(self, indices: Iterable[int]) -> int:
        return int(self.cost[np.asarray(list(indices), dtype=np.int64)].sum())

    @property
    def labelled(self) -> list[int]:
        """Labelled pool indices, in the order the rounds added them."""
        return [i for r in sorted(self.rounds) for i in self.rounds[r]]

    @property
    def labelled_set(self) -> frozenset[int]:
        """Every labelled pool index (rounds and, live, answered sentences)."""
        return frozenset(self._labelled)

    @property
    def last_round(self) -> int:
        return max(self.rounds) if self.rounds else -1

    def labelled_tokens(self) -> int:
        return int(self.n_tokens[np.asarray(sorted(self._labelled), dtype=np.int64)].sum())

    def candidates(self) -> np.ndarray:
        """Unlabelled pool indices, in pool order."""
        mask = np.ones(len(self.n_tokens), dtype=bool)
        mask[np.asarray(sorted(self._labelled), dtype=np.int64)] = False
        return np.flatnonzero(mask).astype(np.int64)

    def next_size(self) -> int:
        """How much round ``last_round + 1`` labels (0: the run is over)."""
        s = self.schedule
        if not self.rounds:
            return resolve_size(s.seed_size, self.total)
        if (s.max_rounds and self.last_round >= s.max_rounds) or not len(self.candidates()):
            return 0
        budget = resolve_size(s.budget, self.total) if s.budget else 0
        return next_round_size(self.size_of(self._labelled), resolve_size(s.query_size,
                                                                          self.total), budget)

    def finished(self) -> bool:
        return bool(self.rounds) and self.next_size() == 0

    # -- rounds ---------------------------------------------------------------
    def seed_round(self) -> list[int]:
        """Round 0: the seed set, drawn at random (seeded) from the whole pool."""
        n = len(self.n_tokens)
        scores = uniform_scores(n, np.random.default_rng(self.seed))
        chosen = select_round(scores, self.cost, self.next_size(), derive_seed(self.seed, 0, 1))
        return [int(i) for i in chosen]

    def choose(self, scores: np.ndarray, candidates: np.ndarray, size: int, rnd: int,
               embeddings: np.ndarray | None = None) -> tuple[list[int], list[float]]:
        """Round ``rnd``'s pick among ``candidates`` (``scores`` are theirs): pool indices,
        best first, and their scores."""
        candidates = np.asarray(candidates, dtype=np.int64)
        positions = select_round(scores, self.cost[candidates], size,
                                 derive_seed(self.seed, rnd, 1), self.selector, embeddings)
        chosen = np.asarray(scores, dtype=np.float64)[positions]
        return [int(i) for i in candidates[positions]], [float(x) for x in chosen]

    def subsample(self, candidates: np.ndarray, share: float, rnd: int, size: int
                  ) -> np.ndarray:
        """A seeded random ``share`` of ``candidates`` to score this round (Tsvigun et al.
        2022); all of them when ``share`` is 0 or the sample could not fill ``size``."""
        if share <= 0 or share >= 1:
            return candidates
        n = int(np.ceil(share * len(candidates)))
        rng = np.random.default_rng(derive_seed(self.seed, rnd, 3))
        sample = np.sort(rng.choice(candidates, size=n, replace=False))
        return sample if self.size_of(sample) >= 2 * size else candidates

    def record(self, rnd: int, indices: Sequence[int]) -> list[int]:
        """Label round ``rnd``'s ``indices``; return those that were new."""
        new = [int(i) for i in indices if int(i) not in self._labelled]
        self.rounds[rnd] = [int(i) for i in indices]
        self._labelled.update(new)
        return new

    def restore(self, rounds: Mapping[int, Sequence[int]]) -> None:
        """Replay recorded rounds (a resumed run)."""
        for rnd in sorted(rounds):
            self.record(rnd, rounds[rnd])

    def add_labelled(self, indices: Iterable[int]) -> None:
        """Mark indices labelled outside any round (live: answered in the database)."""
        self._labelled.update(int(i) for i in indices)
