"""The benchmark's round loop: strategies x seeds on one corpus, plus a full-data run.

Per (strategy, seed), round 0 is a random seed set (the same for every strategy of a seed).
Each round then: train ``al_ner`` on the labelled set (the one
:class:`~spacy_al.training.trainer.Trainer`), evaluate it on the test split
(:func:`evaluate_docs`), score the unlabelled pool with the strategy and select the next round
(the :class:`~spacy_al.loop.engine.RoundEngine` the ``spacy train`` reader and the live
session use), write the selection, then the result row. Rows are appended as they come; a
rerun skips every round already in ``results.jsonl``."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from thinc.api import fix_random_seed
from tqdm import tqdm

from ..acquisition.selectors import Selector, named_selector, needs_embeddings
from ..loop.engine import RoundEngine, derive_seed, resolve_size
from ..loop.scoring import pool_scorer
from ..models.hf_encoder import int8_prediction
from ..pipeline.build import create_al_nlp
from ..pipeline.evaluation import evaluate_docs
from ..training.trainer import FitResult, Trainer
from .beam import beam_uncertainty_scores, new_beam_nlp
from .checkpoints import RunCheckpoints
from .data import BenchmarkData, load_data
from .hardware import code_version, describe_hardware
from .report import write_report
from .results import RESULTS_FILE, SELECTIONS_FILE, JsonlLog
from .settings import DIVERSE, FULL, PEER, BenchmarkSettings, base_strategy
from .stopping import stop_columns


def new_al_nlp(labels: Sequence[str], seed: int, *, settings: BenchmarkSettings) -> Language:
    """A freshly initialised ``al_ner`` pipeline; the same ``seed`` gives the same weights."""
    fix_random_seed(seed)
    s = settings
    return create_al_nlp(labels, s.architecture, s.model_name, tok2vec_width=s.tok2vec_width,
                         mixed_precision=s.mixed_precision, frozen_layers=s.frozen_layers)


@dataclass
class Run:
    """One (strategy, seed): its recorded selections, rows and round engine."""

    strategy: str
    seed: int
    selections: dict[int, list[int]]
    """Selections recorded so far (also those of a resumed run not replayed yet)."""
    done: dict[int, dict[str, Any]]
    engine: RoundEngine
    checkpoints: RunCheckpoints
    models: tuple[Language, Language | None] | None = None
    stop_tags: list[str] | None = None
    """The stop-set tags of the previous round's model (None: not known)."""

    @property
    def labelled(self) -> list[int]:
        return self.engine.labelled


class Benchmark:
    """Runs and resumes a benchmark in ``output`` (see the module docstring)."""

    def __init__(self, settings: BenchmarkSettings, output: Path, progress: bool = True,
                 checkpoints: bool = True) -> None:
        settings.check_resumable(output)
        settings.with_earlier(output).save(output)
        self.settings = settings
        self.output = output
        self.progress = progress
        self.checkpoints = checkpoints and settings.retrain == "continue"
        self.pass_checkpoints = checkpoints  # the full-data run's, after each pass
        self.results = JsonlLog(output / RESULTS_FILE)
        self.selections = JsonlLog(output / SELECTIONS_FILE)
        self._data: BenchmarkData | None = None

    @property
    def data(self) -> BenchmarkData:
        if self._data is None:
            self._data = load_data(self.settings)
        return self._data

    def _engine(self, seed: int, strategy: str = "") -> RoundEngine:
        return RoundEngine(self.data.pool.n_tokens, self.settings.schedule(), seed,
                           self.selector_for(strategy))

    def selector_for(self, strategy: str) -> Selector:
        """``<name>-diverse``: ``spacy-al.DiverseTopK.v1``; else the settings' selector."""
        if strategy.endswith(DIVERSE):
            return named_selector("spacy-al.DiverseTopK.v1")
        return named_selector(self.settings.selector, **self.settings.selector_options)

    def run(self) -> Path:
        """Every seed: the full-data run, then every strategy. Returns the output folder."""
        for seed in self.settings.seeds:
            if self.settings.full:
                self.run_full(seed)
            for strategy in self.settings.strategies:
                self.run_strategy(strategy, seed)
                write_report(self.output)
        write_report(self.output)
        return self.output

    # -- full-data reference ----------------------------------------------------
    def run_full(self, seed: int) -> None:
        if self.results.find(FULL, seed):
            return
        pool = self.data.pool
        trainer = Trainer(self.data.labels, self.settings.training_rule(full=True), seed,
                          functools.partial(new_al_nlp, settings=self.settings),
                          progress=self.progress)
        checkpoints = RunCheckpoints(self.output, FULL, seed, self.pass_checkpoints)
        nlp, fitted = trainer.train(
            self.data.gold, 0, desc=f"full seed {seed}", resume=checkpoints.restore_pass(trainer),
            after_pass=functools.partial(checkpoints.save_pass, trainer))
        row = self._row(FULL, seed, 0, list(range(len(pool))), nlp, fitted, 0.0)
        row.update(stop_columns(nlp, pool, None, self.settings.score_batch_size)[0])
        self.results.append(row)
        checkpoints.remove()
        write_report(self.output)

    # -- one strategy and seed -------------------------------------------------
    def run_strategy(self, strategy: str, seed: int) -> None:
        run = Run(strategy, seed,
                  {k: r["indices"] for k, r in self.selections.find(strategy, seed).items()},
                  self.results.find(strategy, seed), self._engine(seed, strategy),
                  RunCheckpoints(self.output, strategy, seed, self.checkpoints))
        trainers = self._trainers(strategy, seed)
        with tqdm(desc=f"{strategy} seed {seed}", unit="round", disable=not self.progress,
                  total=self._expected_rounds()) as bar:
            for rnd in self._rounds(run, trainers):
                bar.update(1)
                bar.set_postfix(f1=f"{run.done[rnd]['f1']:.3f}" if rnd in run.done else "")
        run.checkpoints.remove()

    def _trainers(self, strategy: str, seed: int) -> tuple[Trainer, Trainer | None]:
        rule = self.settings.training_rule()
        main = Trainer(self.data.labels, rule, seed,
                       functools.partial(new_al_nlp, settings=self.settings),
                       progress=self.progress)
        peer = (Trainer(self.data.labels, rule, seed,
                        functools.partial(new_beam_nlp, settings=self.settings),
                        progress=self.progress) if base_strategy(strategy) == PEER else None)
        return main, peer

    def _rounds(self, run: Run, trainers: tuple[Trainer, Trainer | None]) -> Iterator[int]:
        rnd = 0
        while True:
            if rnd not in run.selections and not self._select(run, rnd, trainers):
                return
            run.engine.record(rnd, run.selections[rnd])
            run.models = None
            if rnd not in run.done:
                self._replay(run, rnd, trainers)
                self._train_round(run, rnd, trainers)
            yield rnd
            rnd += 1

    def _replay(self, run: Run, upto: int, trainers: tuple[Trainer, Trainer | None]) -> None:
        """A resumed run: the model as after round ``upto - 1`` and its stop-set tags (the
        next row's kappa compares with them). ``continue``: from the run's checkpoint and
        the recorded rounds after it, each checkpointed (a replay interrupted goes on where
        it stopped); ``scratch``: round ``upto - 1`` trained again."""
        if trainers[0].nlp is not None or upto == 0:
            return
        scratch = self.settings.retrain != "continue"
        start = upto - 1 if scratch else run.checkpoints.restore(trainers, upto - 1)
        for k in range(start, upto):
            docs = self.data.oracle.reveal([i for j in range(k + 1) for i in run.selections[j]])
            for trainer in trainers:
                if trainer is not None:
                    trainer.train(docs, k, desc=f"replay {k}")
            run.checkpoints.save(trainers, k)
        assert trainers[0].nlp is not None
        run.stop_tags = stop_columns(trainers[0].nlp, self.data.pool, None,
                                     self.settings.score_batch_size)[1]

    def _resume_models(self, run: Run, rnd: int, trainers: tuple[Trainer, Trainer | None]
                       ) -> None:
        """A resumed run's models after round ``rnd`` (done), to select the next round."""
        self._replay(run, rnd + 1, trainers)
        assert trainers[0].nlp is not None
        run.models = (trainers[0].nlp, trainers[1].nlp if trainers[1] else None)

    def _train_round(self, run: Run, rnd: int, trainers: tuple[Trainer, Trainer | None]) -> None:
        """Train, evaluate, select the next round (unless recorded), record the row."""
        docs = self.data.oracle.reveal(run.labelled)
        nlp, fitted = trainers[0].train(docs, rnd, desc=f"round {rnd}")
        peer = trainers[1].train(docs, rnd, desc=f"peer {rnd}")[0] if trainers[1] else None
        run.models = (nlp, peer)
        if rnd + 1 not in run.selections:
            self._select(run, rnd + 1, trainers)
        # The selection's own time, also where it was recorded before the run stopped.
        selected = self.selections.find(run.strategy, run.seed).get(rnd + 1, {})
        score_seconds = float(selected.get("score_seconds", 0.0))
        row = self._row(run.strategy, run.seed, rnd, run.labelled, nlp, fitted, score_seconds)
        stop, run.stop_tags = stop_columns(nlp, self.data.pool, run.stop_tags,
                                           self.settings.score_batch_size)
        row.update(stop)
        if peer is not None:
            row["peer_f1"] = round(evaluate_docs(peer, self.data.test).f1, 6)
        self.results.append(row)
        run.done[rnd] = row
        run.checkpoints.save(trainers, rnd)

    def _select(self, run: Run, rnd: int, trainers: tuple[Trainer, Trainer | None]) -> bool:
        """Select round ``rnd`` and record it; False when the run is over."""
        if rnd == 0:
            return self._record_selection(run, 0, run.engine.seed_round(), [], 0.0)
        size = run.engine.next_size()
        if size == 0:
            return False
        if run.models is None:  # resumed: the model that selects must stand again
            self._resume_models(run, rnd - 1, trainers)
        assert run.models is not None
        start = time.perf_counter()
        candidates = run.engine.subsample(run.engine.candidates(), self.settings.score_subsample,
                                          rnd, size)
        scores, vectors = self._score(run, rnd, candidates)
        chosen, chosen_scores = run.engine.choose(scores, candidates, size, rnd, vectors)
        return self._record_selection(run, rnd, chosen, chosen_scores,
                                      time.perf_counter() - start)

    def _score(self, run: Run, rnd: int, candidates: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray | None]:
        """The candidates' scores, and their sentence embeddings if the selector uses them."""
        nlp, peer = run.models  # type: ignore[misc]
        docs = self.data.pool.docs(candidates, (peer or nlp).vocab)
        strategy = base_strategy(run.strategy)
        if strategy == PEER:
            assert peer is not None
            return beam_uncertainty_scores(peer, docs, self.settings.score_batch_size,
                                           self.settings.beam_width), None
        scorer = pool_scorer(strategy, self.settings.options_for(strategy),
                             derive_seed(run.seed, rnd), self.settings.score_batch_size,
                             embeddings=needs_embeddings(run.engine.selector))
        pipe: Any = nlp.get_pipe("al_ner")
        with int8_prediction(pipe.model, self.settings.quantize):
            result = scorer(nlp, docs)
        return result.scores, result.embeddings

    def _record_selection(self, run: Run, rnd: int, indices: list[int], scores: list[float],
                          seconds: float) -> bool:
        self.selections.append({"strategy": run.strategy, "seed": run.seed, "round": rnd,
                                "indices": indices, "scores": [round(x, 4) for x in scores],
                                "score_seconds": round(seconds, 3)})
        run.selections[rnd] = indices
        return True

    def _expected_rounds(self) -> int | None:
        s = self.settings
        if s.max_rounds:
            return s.max_rounds + 1
        total = self._engine(0).total
        query = resolve_size(s.query_size, total)
        spare = resolve_size(s.budget, total) - resolve_size(s.seed_size, total)
        return 1 + max(0, round(spare / query)) if query else None

    def _row(self, strategy: str, seed: int, rnd: int, labelled: list[int], nlp: Language,
             fitted: FitResult, score_seconds: float) -> dict[str, Any]:
        pool = self.data.pool
        result = evaluate_docs(nlp, self.data.test)
        tokens = int(pool.n_tokens[np.asarray(labelled, dtype=np.int64)].sum())
        return {
            "strategy": strategy, "seed": seed, "round": rnd,
            "labeled_sentences": len(labelled), "labeled_tokens": tokens,
            "pool_sentences": len(pool), "pool_tokens": pool.total_tokens,
            "labeled_share": round(tokens / pool.total_tokens, 6),
            "f1": round(result.f1, 6), "precision": round(result.precision, 6),
            "recall": round(result.recall, 6),
            "train_seconds": round(fitted.seconds, 2), "train_passes": fitted.passes,
            "held_out_f1": fitted.held_out_f1, "score_seconds": round(score_seconds, 2),
            "eval_seconds": round(result.seconds, 2),
            "per_type_f1": {k: round(v["f1"], 4) for k, v in result.per_type.items()},
            "architecture": self.settings.architecture, "corpus": self.settings.corpus,
            "hardware": describe_hardware(), "code": code_version(),
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }


def run_benchmark(settings: BenchmarkSettings, output: str | Path, progress: bool = True,
                  checkpoints: bool = True) -> Path:
    """Run (or resume) a benchmark; write results.jsonl, summary.md and (with strategies)
    selections.jsonl and learning_curve.png.
    ``checkpoints``: keep each continued-training run's latest round in
    ``<output>/.checkpoints`` so that resuming loads it instead of retraining."""
    return Benchmark(settings, Path(output), progress, checkpoints).run()
