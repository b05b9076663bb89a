"""One active-learning run over a pool: seed set, rounds of acquisition, state on disk.

Used by the ``spacy-al.ActiveLearningCorpus.v1`` reader. The round bookkeeping and the
selection are the :class:`~spacy_al.loop.engine.RoundEngine`'s, shared with the
benchmark and the live session.
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

from ..acquisition.selectors import DEFAULT_SELECTOR, named_selector, needs_embeddings
from ..acquisition.stoppers import Stopper
from ..acquisition.strategies import DEFAULT_STRATEGY
from ..errors import ConfigError
from ..pipeline.pool_scoring import stop_set_tags
from ..tasks import doc_tokens
from .engine import DEFAULT_ROUND_SIZE, RoundEngine, Schedule, derive_seed
from .oracle import DatabaseOracle, GoldOracle
from .pool_state import Pool
from .scoring import pool_scorer
from .state import LoopState, RoundRecord

SEED_STRATEGY = "random (seed set)"
QUERIES_FILE = "queries.jsonl"


@dataclass
class LoopSettings:
    """How a run acquires: what must match for a run to be resumed is :meth:`fingerprint`."""

    strategy: str = DEFAULT_STRATEGY
    strategy_options: dict[str, Any] = field(default_factory=dict)
    unit: str = "tokens"
    seed_size: float = DEFAULT_ROUND_SIZE
    query_size: float = DEFAULT_ROUND_SIZE
    acquire_every: int = 1
    max_rounds: int = 0
    budget: float = 0.0
    seed: int = 0
    batch_size: int = 64
    component: str = "al_ner"
    selector: dict[str, Any] = field(default_factory=dict)
    """A registered selector and its options: ``{"@selectors": "spacy-al.TopK.v1"}``."""
    stop_set_size: int = 1000
    """Sentences of the fixed stop set a stopping criterion watches (a seeded sample)."""
    stop_acquiring: bool = False
    """Stop acquiring once the stopping criterion fires (False: only log and record it)."""

    def __post_init__(self) -> None:
        if self.acquire_every < 1:
            raise ConfigError(f"acquire_every must be >= 1, got {self.acquire_every}.")
        self.schedule()

    def schedule(self) -> Schedule:
        return Schedule(unit=self.unit, seed_size=self.seed_size, query_size=self.query_size,
                        budget=self.budget, max_rounds=self.max_rounds)

    def fingerprint(self) -> dict[str, Any]:
        """Settings that decide which sentences are selected (not when the run stops)."""
        data = asdict(self)
        for key in ("acquire_every", "max_rounds", "budget", "batch_size", "stop_set_size",
                    "stop_acquiring"):
            data.pop(key)
        if not data["selector"]:
            data.pop("selector")  # state files written before selectors existed still resume
        return data


class ALSession:
    """The labelled set of a pool, grown round by round through an oracle."""

    def __init__(self, pool: Pool, oracle: GoldOracle | DatabaseOracle,
                 settings: LoopSettings, state: LoopState, state_path: Path | None,
                 stopper: Stopper | None = None) -> None:
        self.pool = pool
        self.oracle = oracle
        self.settings = settings
        self.state = state
        self.state_path = state_path
        options = dict(settings.selector)
        selector = named_selector(options.pop("@selectors", DEFAULT_SELECTOR), **options)
        self.engine = RoundEngine(pool.n_tokens, settings.schedule(), settings.seed, selector)
        self.stopper = stopper
        self.docs: list[Doc] = []
        """Training docs with (gold or answered) entities."""
        self.final_logged = False

    @property
    def live(self) -> bool:
        return isinstance(self.oracle, DatabaseOracle)

    @property
    def round(self) -> int:
        return self.state.rounds[-1].round if self.state.rounds else -1

    def start(self) -> None:
        """Replay the saved rounds, or select the seed set (round 0)."""
        if self.live:
            self._sync_answers()
            if not self.docs:
                raise ConfigError(
                    f"The dataset {self.oracle.dataset!r} holds no accepted answers yet.",  # type: ignore[union-attr]
                    fix="annotate a first batch (spacy-al annotate ...) before training.")
        for record in self.state.rounds:
            self._label(record.round, self.pool.indices_of(record.selected))
        if self.state.rounds:
            self._restore_stopper()
            return
        if self.live:
            self._record(0, 0, ([], []), "answers", dev=None, seconds=0.0)
            return
        chosen = self.engine.seed_round()
        self._record(0, 0, (chosen, [0.0] * len(chosen)), SEED_STRATEGY, dev=None, seconds=0.0)

    def finished(self) -> bool:
        """Whether no further round runs: max_rounds, budget, pool exhausted (or, with
        ``stop_acquiring``, the stopping criterion fired)."""
        stopped = self.settings.stop_acquiring and bool(self.stopper and self.stopper.stopped)
        return self.engine.finished() or stopped

    def acquire(self, nlp: Language, epoch: int, dev: dict[str, Any] | None) -> RoundRecord:
        """Score the unlabelled pool with ``nlp`` and label the best sentences."""
        if self.live:
            self._sync_answers()
        size = self.engine.next_size()
        candidates = self.engine.candidates()
        rnd = self.round + 1
        start = time.perf_counter()
        stop = self.check_stop(nlp)
        scorer = pool_scorer(self.settings.strategy, self.settings.strategy_options,
                             derive_seed(self.settings.seed, rnd),
                             batch_size=self.settings.batch_size,
                             component=self.settings.component,
                             embeddings=needs_embeddings(self.engine.selector))
        result = scorer(nlp, self.pool.docs(candidates, nlp.vocab))
        chosen = self.engine.choose(result.scores, candidates, size, rnd, result.embeddings)
        return self._record(rnd, epoch, chosen, self.settings.strategy, dev,
                            time.perf_counter() - start, stop)

    def stop_set(self) -> np.ndarray:
        """The fixed stop set: a seeded sample of pool indices, the same every round."""
        n = min(self.settings.stop_set_size, len(self.pool))
        rng = np.random.default_rng(derive_seed(self.settings.seed, 0, 4))
        return np.sort(rng.choice(len(self.pool), size=n, replace=False)).astype(np.int64)

    def _restore_stopper(self) -> None:
        """A resumed run's stopper continues the saved kappa trend and verdict."""
        if self.stopper is None:
            return
        rounds = self.state.rounds
        self.stopper.restore([r.stop_kappa for r in rounds if r.stop_kappa is not None],
                             [r.stop_uncertainty for r in rounds
                              if r.stop_uncertainty is not None],
                             any(r.stopped for r in rounds), self.state.stop_tags)

    def check_stop(self, nlp: Language) -> dict[str, Any]:
        """Feed the stopping criterion the current model's tags on the stop set."""
        if self.stopper is None or self.settings.stop_set_size <= 0:
            return {}
        tags, uncertainty = stop_set_tags(nlp, self.pool.docs(self.stop_set(), nlp.vocab),
                                          batch_size=self.settings.batch_size,
                                          component=self.settings.component)
        self.stopper.update(tags)
        stopped = self.stopper.update_uncertainty(uncertainty)
        self.state.stop_tags = self.stopper.last_tags
        kappa = self.stopper.kappas[-1] if self.stopper.kappas else None
        return {"stop_kappa": None if kappa is None else round(kappa, 6),
                "stop_uncertainty": round(float(uncertainty.mean()), 6) if len(uncertainty)
                else None, "stopped": bool(stopped)}

    def _record(self, rnd: int, epoch: int, chosen: tuple[list[int], list[float]],
                strategy: str, dev: dict[str, Any] | None, seconds: float,
                stop: dict[str, Any] | None = None) -> RoundRecord:
        indices, scores = chosen
        ids = [self.pool.ids[i] for i in indices]
        if self.live:  # queries are labelled once answered (see _sync_answers)
            self.engine.record(rnd, [])
            record_ids, queries = [], ids
        else:
            self._label(rnd, indices)
            record_ids, queries = ids, []
        labelled = self.engine.labelled_set
        record = RoundRecord(
            round=rnd, epoch=epoch, selected=record_ids,
            labelled_sentences=len(labelled),
            labelled_tokens=self.engine.labelled_tokens(), pool_tokens=self.pool.total_tokens,
            strategy=strategy, dev=dev, score_seconds=round(seconds, 3), queries=queries,
            scores=[round(x, 6) for x in scores], **(stop or {}),
        )
        self.state.rounds.append(record)
        self.save()
        if queries:
            self._write_queries(record, indices)
        return record

    def _label(self, rnd: int, indices: list[int]) -> None:
        new = self.engine.record(rnd, indices)
        if not self.live:
            self.docs.extend(self.oracle.reveal(new))  # type: ignore[union-attr]

    def _sync_answers(self) -> None:
        """Live: every accepted answer trains; answered pool sentences leave the pool."""
        assert isinstance(self.oracle, DatabaseOracle)
        self.docs = list(self.oracle.refresh())
        answered = self.oracle.answered_hashes()
        self.engine.add_labelled(i for i, h in enumerate(self.pool.input_hashes) if h in answered)

    def _write_queries(self, record: RoundRecord, indices: list[int]) -> None:
        """Live: the round's queries as Prodigy-style tasks in ``queries.jsonl``."""
        if self.state_path is None:
            return
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
