"""One active-learning run over a pool: seed set, rounds of acquisition, state on disk.

Used by the ``spacy-al.ActiveLearningCorpus.v1`` reader; the selection itself is
:func:`spacy_al.loop.acquire.select`, shared with the benchmark.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..errors import ConfigError
from .acquire import (
    check_unit,
    choose,
    derive_seed,
    next_round_size,
    resolve_size,
    seed_set,
    strategy_scorer,
)
from .oracle import DatabaseOracle, GoldOracle
from .pool import Pool
from .state import LoopState, RoundRecord

SEED_STRATEGY = "random (seed set)"
QUERIES_FILE = "queries.jsonl"


@dataclass
class LoopSettings:
    """How a run acquires: what must match for a run to be resumed is :meth:`fingerprint`."""

    strategy: str = "mnlp"
    strategy_options: dict[str, Any] = field(default_factory=dict)
    unit: str = "tokens"
    seed_size: float = 0.02
    query_size: float = 0.02
    acquire_every: int = 1
    max_rounds: int = 0
    budget: float = 0.0
    seed: int = 0
    batch_size: int = 64
    component: str = "al_ner"

    def __post_init__(self) -> None:
        check_unit(self.unit)
        if self.acquire_every < 1:
            raise ConfigError(f"acquire_every must be >= 1, got {self.acquire_every}.")
        if self.query_size <= 0:
            raise ConfigError(f"query_size must be > 0, got {self.query_size}.",
                              fix="use e.g. 0.02 (2 % of the pool) or 500.")

    def fingerprint(self) -> dict[str, Any]:
        """Settings that decide which sentences are selected (not when the run stops)."""
        data = asdict(self)
        for key in ("acquire_every", "max_rounds", "budget", "batch_size"):
            data.pop(key)
        return data


class ALSession:
    """The labelled set of a pool, grown round by round through an oracle."""

    def __init__(self, pool: Pool, oracle: GoldOracle | DatabaseOracle,
                 settings: LoopSettings, state: LoopState, state_path: Path | None) -> None:
        self.pool = pool
        self.oracle = oracle
        self.settings = settings
        self.state = state
        self.state_path = state_path
        self.docs: list[Doc] = []
        """Training docs with (gold or answered) entities."""
        self.final_logged = False

    @property
    def live(self) -> bool:
        return isinstance(self.oracle, DatabaseOracle)

    @property
    def round(self) -> int:
        return self.state.rounds[-1].round if self.state.rounds else -1

    def _size(self, indices: np.ndarray | list[int]) -> int:
        if self.settings.unit == "sentences":
            return len(indices)
        return int(self.pool.n_tokens[np.asarray(indices, dtype=np.int64)].sum())

    def _total(self) -> int:
        return len(self.pool) if self.settings.unit == "sentences" else self.pool.total_tokens

    def start(self) -> None:
        """Replay the saved rounds, or select the seed set (round 0)."""
        if self.live:
            self._sync_answers()
            if not self.docs:
                raise ConfigError(
                    f"The dataset {self.oracle.dataset!r} holds no accepted answers yet.",  # type: ignore[union-attr]
                    fix="annotate a first batch (spacy-al annotate ...) before training.")
        for record in self.state.rounds:
            self._label(self.pool.indices_of(record.selected))
        if self.state.rounds:
            return
        if self.live:
            self._record(0, 0, ([], []), "answers", dev=None, seconds=0.0)
            return
        seed_size = resolve_size(self.settings.seed_size, self._total())
        chosen = seed_set(self.pool.n_tokens, seed_size, self.settings.unit, self.settings.seed)
        self._record(0, 0, ([int(i) for i in chosen], [0.0] * len(chosen)), SEED_STRATEGY,
                     dev=None, seconds=0.0)

    def finished(self) -> bool:
        """Whether no further round runs: max_rounds, budget or pool exhausted."""
        if self.settings.max_rounds and self.round >= self.settings.max_rounds:
            return True
        return self._next_size() == 0 or len(self.pool.unlabelled()) == 0

    def _next_size(self) -> int:
        total = self._total()
        budget = resolve_size(self.settings.budget, total) if self.settings.budget else 0
        labelled = self._size(sorted(self.pool.labelled))
        return next_round_size(labelled, resolve_size(self.settings.query_size, total), budget)

    def acquire(self, nlp: Language, epoch: int, dev: dict[str, Any] | None) -> RoundRecord:
        """Score the unlabelled pool with ``nlp`` and label the best sentences."""
        if self.live:
            self._sync_answers()
        size = self._next_size()
        candidates = self.pool.unlabelled()
        rnd = self.round + 1
        start = time.perf_counter()
        scorer = strategy_scorer(self.settings.strategy, self.settings.strategy_options,
                                 derive_seed(self.settings.seed, rnd),
                                 batch_size=self.settings.batch_size,
                                 component=self.settings.component)
        scores = scorer(nlp, self.pool.docs(candidates, nlp.vocab))
        chosen = self._choose(scores, candidates, size, rnd)
        return self._record(rnd, epoch, chosen, self.settings.strategy, dev,
                            time.perf_counter() - start)

    def _choose(self, scores: np.ndarray, candidates: np.ndarray, size: int,
                rnd: int) -> tuple[list[int], list[float]]:
        chosen, chosen_scores = choose(scores, candidates, self.pool.n_tokens, size,
                                       self.settings.unit, self.settings.seed, rnd)
        return [int(i) for i in chosen], [float(x) for x in chosen_scores]

    def _record(self, rnd: int, epoch: int, chosen: tuple[list[int], list[float]],
                strategy: str, dev: dict[str, Any] | None, seconds: float) -> RoundRecord:
        indices, scores = chosen
        ids = [self.pool.ids[i] for i in indices]
        if self.live:
            record_ids, queries = [], ids
        else:
            self._label(indices)
            record_ids, queries = ids, []
        record = RoundRecord(
            round=rnd, epoch=epoch, selected=record_ids,
            labelled_sentences=len(self.pool.labelled),
            labelled_tokens=self.pool.labelled_tokens(), pool_tokens=self.pool.total_tokens,
            strategy=strategy, dev=dev, score_seconds=round(seconds, 3), queries=queries,
            scores=[round(x, 6) for x in scores],
        )
        self.state.rounds.append(record)
        self.save()
        if queries:
            self._write_queries(record, indices)
        return record

    def _label(self, indices: list[int]) -> None:
        new = self.pool.add(indices)
        if not self.live:
            self.docs.extend(self.oracle.reveal(new))  # type: ignore[union-attr]

    def _sync_answers(self) -> None:
        """Live: every accepted answer trains; answered pool sentences leave the pool."""
        assert isinstance(self.oracle, DatabaseOracle)
        self.docs = list(self.oracle.refresh())
        answered = self.oracle.answered_hashes()
        self.pool.add(i for i, h in enumerate(self.pool.input_hashes) if h in answered)

    def _write_queries(self, record: RoundRecord, indices: list[int]) -> None:
        """Live: the round's queries as Prodigy-style tasks in ``queries.jsonl``."""
        if self.state_path is None:
            return
        from ..annotate.tasks import doc_tokens

        vocab = Vocab()
        tasks = []
        for i, score in zip(indices, record.scores, strict=True):
            doc = self.pool.doc(i, vocab)
            tasks.append({"text": doc.text, "tokens": doc_tokens(doc),
                          "_input_hash": self.pool.input_hashes[i],
                          "meta": {"id": self.pool.ids[i], "round": record.round,
                                   "score": score, "strategy": record.strategy}})
        path = self.state_path.with_name(QUERIES_FILE)
        path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks),
                        encoding="utf8")

    def save(self) -> None:
        if self.state_path is not None:
            self.state.save(self.state_path)

    def labels(self) -> list[str]:
        found = {ent.label_ for doc in self.docs for ent in doc.ents}
        return sorted(found.union(self.oracle.labels()))
