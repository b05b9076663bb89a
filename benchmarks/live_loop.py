"""The live loop as a user runs it: ``ner.al-correct`` through its HTTP API, a simulated
annotator answering from gold, AL order against random order.

For each corpus, order and seed it starts the real recipe server and model worker
(``python -m spacy_al annotate ner.al-correct``, the default embedded model and default
settings; arguments after ``--`` go to the recipe, e.g. ``-- --update-every 10``) on
127.0.0.1 with a temporary database. A simulated annotator fetches questions as the web
UI does (a local queue, more fetched when two are left) and answers each with its gold
spans. Pace ``wait``: after each update is triggered it waits for the new model (as a
person taking ~10 s a sentence gives it time), then for its re-ranking up to
``update_every x 10`` s from the trigger; pace ``fast`` never waits. Per answer it records
tokens, gold and shown spans, corrections (added, removed, relabelled) and the estimated
seconds under each cost model of ``live_costs``; at each checkpoint it copies the model
the worker saved and evaluates it on the test set in a background thread
(``spacy_al.pipeline.evaluation.evaluate_docs``: seqeval, entity-level micro F1).

Rows append to the run's own folder as they land (``RESULTS/runs/RUN_ID/answers.jsonl`` and
``checkpoints.jsonl``); a run
(corpus, order, seed, pace, variant, answers, commit) listed in ``runs.jsonl`` is
skipped, so an interrupted queue resumes where it stopped::

    python benchmarks/live_loop.py run --corpus wnut17 wikigold --seeds 0 1 2
    python benchmarks/live_loop.py run --corpus wikigold --variant upd10 -- --update-every 10
    python benchmarks/live_loop.py report --results docs/benchmarks/live
    python benchmarks/live_loop.py fit-costs DB DATASET   # a, b, c from _annotation_ms
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from live_corpora import CORPORA, PreparedCorpus, corpus_spec, prepare  # noqa: E402 - after the path
from live_costs import (  # noqa: E402
    PRIMARY,
    SHOWN_KEY,
    answer_costs,
    corrections,
    fit_cost_model,
    timed_answers,
)
from live_report import read_jsonl, run_folder, write_report  # noqa: E402
from live_server import give_answer, questions, start_recipe, stop, wait_until  # noqa: E402

from spacy_al.benchmark.hardware import code_version, describe_hardware  # noqa: E402
from spacy_al.store.pace import ANNOTATION_MS  # noqa: E402

RESULTS = REPO / "docs" / "benchmarks" / "live"
CHECKPOINTS = (20, 40, 60, 100, 140, 200, 300)
LOW_WATER = 2  # the web UI's: more questions are fetched when this few are queued
PERSON_SECONDS = 10.0  # a person's seconds per sentence: how long "wait" gives a re-ranking
SESSION = "live-bench"
KEY_FIELDS = ("corpus", "order", "seed", "pace", "variant", "answers", "commit")


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the queue (resumes), then write the report")
    run.add_argument("--corpus", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    run.add_argument("--order", nargs="+", default=["al", "random"], choices=["al", "random"])
    run.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    run.add_argument("--pace", default="wait", choices=["wait", "fast"])
    run.add_argument("--answers", type=int, default=200)
    run.add_argument("--checkpoints", nargs="+", type=int, default=list(CHECKPOINTS))
    run.add_argument("--variant", default=None,
                     help="name of the recipe arguments after -- (default: 'default' "
                          "without any, else the arguments themselves)")
    run.add_argument("--results", type=Path, default=RESULTS)
    run.add_argument("--pool-sample", type=int, default=None,
                     help="sentences of the pool (default: the corpus's own setting)")
    run.add_argument("--test-sample", type=int, default=None,
                     help="sentences of the test set (default: the corpus's own setting)")
    run.add_argument("--cache", type=Path, default=None,
                     help="pool and test files (default: RESULTS/cache)")
    run.add_argument("--threads", type=int, default=1, help="torch/OMP threads per process")
    run.add_argument("--timeout", type=float, default=1800.0,
                     help="seconds to wait for the server or a model update")
    report = sub.add_parser("report", help="summary.md and plots from the rows")
    report.add_argument("--results", type=Path, default=RESULTS)
    report.add_argument("--out", type=Path, default=None, help="default: RESULTS")
    fit = sub.add_parser("fit-costs", help="fit a, b, c from answers with _annotation_ms")
    fit.add_argument("db", type=Path)
    fit.add_argument("dataset")
    args = parser.parse_args(argv)
    if args.command == "run" and args.variant is None:
        args.variant = " ".join(extra) if extra else "default"
    return args, extra


def append_row(path: Path, row: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf8") as out:
        out.write(json.dumps(row) + "\n")


def completed(results: Path) -> set[tuple[Any, ...]]:
    return {tuple(r[k] for k in KEY_FIELDS) for r in read_jsonl(results / "runs.jsonl")}


def thread_env(threads: int) -> dict[str, str]:
    return {"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
            "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1"}


def recipe_args(corpus: PreparedCorpus, order: str, seed: int, work: Path,
                extra: list[str]) -> list[str]:
    recipe = ["ner.al-correct", "live_bench", "default", str(corpus.pool),
              "--label", ",".join(corpus.labels), "--loader", "jsonl", "--seed", str(seed),
              "--output", str(work / "model")]
    return recipe + (["--strategy", "random"] if order == "random" else []) + extra


def trained_on(stats: dict[str, Any]) -> int:
    """Answers the current model was trained on (its training and held-out slices)."""
    last = (stats.get("history") or [{}])[-1]
    return int(last.get("n_train", 0)) + int(last.get("n_dev", 0) or 0)


class Annotator:
    """Answers from gold through the HTTP API, as the web UI fetches and sends."""

    def __init__(self, url: str, corpus: PreparedCorpus, key: dict[str, Any],
                 args: argparse.Namespace, update_every: int, work: Path) -> None:
        self.client = httpx.Client(base_url=url, timeout=120, trust_env=False)
        self.url, self.key, self.args, self.work = url, key, args, work
        self.gold = corpus.gold_spans()
        self.update_every = update_every
        self.queue: list[dict[str, Any]] = []
        self.seen: set[int] = set()
        self.version = 0
        self.began = time.monotonic()

    def next_task(self) -> dict[str, Any] | None:
        if len(self.queue) < LOW_WATER:
            for task in questions(self.client, SESSION, self.args.timeout):
                if task["_task_hash"] not in self.seen:
                    self.seen.add(task["_task_hash"])
                    self.queue.append(task)
        return self.queue.pop(0) if self.queue else None

    def answer(self, n: int, task: dict[str, Any]) -> dict[str, Any]:
        words = tuple(t["text"] for t in task["tokens"])
        if words not in self.gold:
            raise SystemExit(f"answer {n}: a question not in the pool's gold: {task['text']!r}")
        gold, shown = self.gold[words], list(task.get("spans") or [])
        fixes = corrections(shown, gold)
        costs = answer_costs(len(words), fixes)
        timing = {SHOWN_KEY: shown, ANNOTATION_MS: int(1000 * costs[PRIMARY.name])}
        give_answer(self.client, SESSION, dict(task, spans=gold, answer="accept", **timing))
        meta = task.get("meta") or {}
        return {**self.key, "n": n, "tokens": len(words),
                "gold_spans": [[s["token_start"], s["token_end"], s["label"]] for s in gold],
                "shown_spans": [[s["token_start"], s["token_end"], s["label"]] for s in shown],
                "added": fixes.added, "removed": fixes.removed, "relabelled": fixes.relabelled,
                "corrections": fixes.total, "seconds": costs,
                "task_model_version": meta.get("model_version"), "score": meta.get("score"),
                "source": meta.get("source"), "model_version": self.version,
                "elapsed_s": round(time.monotonic() - self.began, 2)}

    def wait_for_update(self, n: int) -> dict[str, float]:
        """Wait for the model trained on ``n`` answers, then for its re-ranking (up to a
        person's ``update_every x 10`` s from the trigger)."""
        start = time.monotonic()
        stats, ok = wait_until(self.url, lambda s: trained_on(s) >= n, self.args.timeout)
        if not ok:
            raise SystemExit(f"no model trained on {n} answers within {self.args.timeout} s")
        trained = time.monotonic() - start
        budget = max(0.0, self.update_every * PERSON_SECONDS - trained)
        stats, _ = wait_until(self.url, lambda s: s["state"] == "idle", budget)
        self.version = int(stats.get("version") or 0)
        return {"wait_train_s": round(trained, 2),
                "wait_rerank_s": round(time.monotonic() - start - trained, 2),
                "reranked": stats["state"] == "idle"}

    def checkpoint(self, n: int) -> Path | None:
        """A copy of the model the worker saved last (None before the first update)."""
        source, target = self.work / "model", self.work / f"checkpoint-{n}"
        for _ in range(20):
            try:
                if source.is_dir():
                    shutil.copytree(source, target)
                    return target
                return None
            except (OSError, shutil.Error):  # swapped in while copying: try again
                shutil.rmtree(target, ignore_errors=True)
                time.sleep(0.5)
        return None


def annotate(url: str, corpus: PreparedCorpus, key: dict[str, Any], args: argparse.Namespace,
             work: Path, evaluator: Evaluator) -> None:
    """Answer ``args.answers`` questions; rows to the run's ``answers.jsonl``; each
    checkpoint's model copied and handed to ``evaluator``."""
    stats, _ = wait_until(url, lambda s: True, 60)
    update_every = int(stats["update_every"])
    annotator = Annotator(url, corpus, key, args, update_every, work)
    for n in range(1, args.answers + 1):
        task = annotator.next_task()
        if task is None:
            print(f"  the stream ran out after {n - 1} answers", flush=True)
            break
        row = annotator.answer(n, task)
        if args.pace == "wait" and n % update_every == 0:
            row.update(annotator.wait_for_update(n))
        append_row(run_folder(args.results, key["run_id"]) / "answers.jsonl", row)
        if n in args.checkpoints:
            evaluator.submit(n, annotator.checkpoint(n))


class Evaluator:
    """Evaluates checkpoint copies on the test set in a background thread, as they come
    (so an interrupted run keeps the F1 of its checkpoints so far)."""

    def __init__(self, corpus: PreparedCorpus, key: dict[str, Any], results: Path) -> None:
        self.corpus, self.key, self.results = corpus, key, results
        self.jobs: queue.Queue[tuple[int, Path | None] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.error: BaseException | None = None
        self.thread.start()

    def submit(self, n: int, path: Path | None) -> None:
        self.jobs.put((n, path))

    def finish(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None:
            raise SystemExit(f"evaluating a checkpoint failed: {self.error!r}")

    def _work(self) -> None:
        try:
            test = self.corpus.test_docs()
            while (job := self.jobs.get()) is not None:
                self._evaluate(*job, test)
        except BaseException as err:  # reported by finish()
            self.error = err

    def _evaluate(self, n: int, path: Path | None, test: list[Any]) -> None:
        import spacy

        from spacy_al.pipeline.evaluation import evaluate_docs

        row: dict[str, Any] = {**self.key, "n": n, "f1": 0.0, "precision": 0.0, "recall": 0.0,
                               "model_version": 0, "n_train": 0, "test_sentences": len(test)}
        if path is not None:  # None: no model saved yet, so no entity is predicted
            nlp = spacy.load(path)
            update = nlp.meta.get("spacy_al", {}).get("annotation_update", {})
            result = evaluate_docs(nlp, test)
            row.update(f1=round(result.f1, 4), precision=round(result.precision, 4),
                       recall=round(result.recall, 4), model_version=update.get("version"),
                       n_train=update.get("n_train"), eval_seconds=round(result.seconds, 1))
            shutil.rmtree(path, ignore_errors=True)
        append_row(run_folder(self.results, self.key["run_id"]) / "checkpoints.jsonl", row)
        print(f"  @{n}: F1 {row['f1']:.3f} (model v{row['model_version']}, "
              f"{row['n_train']} trained)", flush=True)


def run_one(corpus: PreparedCorpus, key: dict[str, Any], args: argparse.Namespace,
            extra: list[str]) -> None:
    began = time.time()
    (args.results / "tmp").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="live-", dir=args.results / "tmp") as tmp:
        work = Path(tmp)
        evaluator = Evaluator(corpus, key, args.results)
        proc, url = start_recipe(recipe_args(corpus, key["order"], key["seed"], work, extra),
                                 work, env=thread_env(args.threads), timeout=args.timeout)
        try:
            annotate(url, corpus, key, args, work, evaluator)
        finally:
            stop(proc)
            evaluator.finish()
    append_row(args.results / "runs.jsonl", {
        **key, "date": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(began)),
        "wall_seconds": round(time.time() - began, 1), "hardware": describe_hardware(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "corpus_files": corpus.spec.describe(), "recipe_extra": extra})


def run_queue(args: argparse.Namespace, extra: list[str]) -> None:
    import torch

    torch.set_num_threads(args.threads)
    args.results.mkdir(parents=True, exist_ok=True)
    cache = args.cache or args.results / "cache"
    commit, done = code_version(), completed(args.results)
    for corpus_name in args.corpus:
        corpus = prepare(corpus_spec(corpus_name, args.pool_sample, args.test_sample), cache)
        name = corpus.spec.name
        for seed in args.seeds:  # seeds outermost: a usable comparison lands early
            for order in args.order:
                key = {"corpus": name, "order": order, "seed": seed, "pace": args.pace,
                       "variant": args.variant, "answers": args.answers, "commit": commit,
                       "run_id": uuid.uuid4().hex[:12]}
                if tuple(key[k] for k in KEY_FIELDS) in done:
                    continue
                print(f"{name} {order} seed {seed} ({args.pace}, {args.variant}, {commit})",
                      flush=True)
                run_one(corpus, key, args, extra)
    write_report(args.results, args.results)


def fit_costs(db_path: Path, dataset: str) -> None:
    from spacy_al.store.database import connect

    if not db_path.is_file():
        raise SystemExit(f"{db_path}: no such database; pass the --db of the session")
    db = connect(db_path)
    try:
        if dataset not in db:
            raise SystemExit(f"{db_path}: no dataset {dataset!r}; it has: "
                             f"{', '.join(db.datasets) or 'none'}")
        answers = db.get_dataset_examples(dataset)
    finally:
        db.close()
    tokens, fixes, seconds = timed_answers(answers)
    try:
        fit = fit_cost_model(tokens, fixes, seconds, name=dataset)
    except ValueError as err:
        raise SystemExit(f"{db_path} / {dataset}: {err} (answers need {ANNOTATION_MS}, "
                         "which the web UI records)") from err
    model = fit.model
    print(f"{fit.n} timed answers of {len(answers)}: seconds = {model.a} * tokens + "
          f"{model.b} * corrections + {model.c}  (R² {fit.r2}, RMSE {fit.rmse} s)")
    print(f"published ({PRIMARY.name}): seconds = {PRIMARY.a} * tokens + {PRIMARY.b} * "
          f"corrections + {PRIMARY.c}")


def main(argv: list[str] | None = None) -> None:
    args, extra = parse_args(argv)
    if args.command == "run":
        run_queue(args, extra)
    elif args.command == "report":
        write_report(args.results, args.out or args.results)
    else:
        fit_costs(args.db, args.dataset)


if __name__ == "__main__":
    main()
