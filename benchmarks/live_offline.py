"""What the live training rule costs in F1: the offline benchmark's model trained on the
sentences a live run was given, against the live model at the same answer.

For each finished live run (``live_loop.py``'s ``runs.jsonl``) of the chosen corpus, commit
and orders, it takes the sentences in the order they were answered (each answer's
``source`` line of the pool, its gold spans from the corpus's ``gold.jsonl``) and trains a
fresh model as the offline transformer benchmark does
(``spacy_al/configs/benchmark/transformer.cfg``: its architecture and training rule, the
same ``Trainer`` and ``new_al_nlp`` as ``spacy-al benchmark``), one round per live update
(every ``--every`` answers), continuing the model as the benchmark does. At each of
``--at`` it evaluates on the corpus's test set with the live benchmark's evaluation
(``evaluate_docs``) and writes a row with the live checkpoint's F1 beside it.

``--rule live`` replays the live worker's rule instead (``ModelSpec``'s defaults: its
training rule, and its held-out fifth left out of training, chosen by input hash as the
worker does), so candidate live rules can be compared on the same sentences by F1 and
training seconds per update (``--set min_steps=60 --set batch_size=16``: fields of
``TrainingRule``; ``--set eval_fraction=0``: train on every answer; ``--set
frozen_layers=4``: a model field of ``BenchmarkSettings``)::

    python benchmarks/live_offline.py run --results docs/benchmarks/live --corpus wikigold
    python benchmarks/live_offline.py run --results docs/benchmarks/live --corpus wikigold \
        --rule live --set min_steps=60
    python benchmarks/live_offline.py report --results docs/benchmarks/live

Rows append to ``RESULTS/offline.jsonl`` (resumable: a (run, answers, rule) row there is
not redone); ``report`` writes ``RESULTS/offline_gap.md``.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from live_corpora import PreparedCorpus, corpus_spec, prepare  # noqa: E402 - after the path
from live_report import read_jsonl, run_folder  # noqa: E402

from spacy_al.benchmark.hardware import code_version, describe_hardware  # noqa: E402
from spacy_al.benchmark.settings import BenchmarkSettings, read_config  # noqa: E402
from spacy_al.retraining.model_loop import DEFAULT_UPDATE_EVERY  # noqa: E402
from spacy_al.retraining.model_spec import ModelSpec  # noqa: E402
from spacy_al.training.trainer import TrainingRule  # noqa: E402

CONFIG = REPO / "spacy_al" / "configs" / "benchmark" / "transformer.cfg"
RESULTS = REPO / "docs" / "benchmarks" / "live"
ROWS = "offline.jsonl"
MODEL_SETTINGS = ("frozen_layers", "mixed_precision", "model_name")
"""``--set`` keys that change the model (``BenchmarkSettings``), not the training rule."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="train the offline models of finished live runs")
    run.add_argument("--results", type=Path, default=RESULTS, help="the live rows")
    run.add_argument("--corpus", required=True)
    run.add_argument("--commit", default=None, help="live runs of this commit (default: newest)")
    run.add_argument("--orders", nargs="+", default=["al", "random"])
    run.add_argument("--seeds", nargs="+", type=int, default=None)
    run.add_argument("--variant", default="default")
    run.add_argument("--every", type=int, default=DEFAULT_UPDATE_EVERY,
                     help="answers per training round (the live updates')")
    run.add_argument("--at", nargs="+", type=int, default=[100, 200])
    run.add_argument("--config", type=Path, default=CONFIG)
    run.add_argument("--train-seed", type=int, default=None,
                     help="seed of the replayed training (default: the live run's): "
                          "other seeds on the same sentences show the training's own spread")
    run.add_argument("--rule", default="benchmark", choices=["benchmark", "live"],
                     help="the offline benchmark's training rule or the live worker's")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a TrainingRule field (or eval_fraction for the live "
                          "held-out share)")
    run.add_argument("--cache", type=Path, default=None, help="default: RESULTS/cache")
    report = sub.add_parser("report", help="offline_gap.md from the rows")
    report.add_argument("--results", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def finished_runs(args: argparse.Namespace) -> list[dict[str, Any]]:
    runs = [r for r in read_jsonl(args.results / "runs.jsonl")
            if r["corpus"] == args.corpus and r["variant"] == args.variant
            and r["order"] in args.orders and (args.seeds is None or r["seed"] in args.seeds)]
    commit = args.commit or (runs[-1]["commit"] if runs else None)
    return [r for r in runs if r["commit"] == commit]


def answered_tasks(results: Path, run_id: str, corpus: PreparedCorpus) -> list[dict[str, Any]]:
    """The run's sentences in answer order, each with its gold spans (checked against the
    answer's token count and gold spans)."""
    with corpus.gold.open(encoding="utf8") as lines:
        gold = [json.loads(line) for line in lines]
    answers = sorted(read_jsonl(run_folder(results, run_id) / "answers.jsonl"),
                     key=lambda a: a["n"])
    tasks = []
    for answer in answers:
        task = gold[int(answer["source"].rsplit(":", 1)[1]) - 1]  # lines count from 1
        spans = [[s["token_start"], s["token_end"], s["label"]] for s in task["spans"]]
        if len(task["tokens"]) != answer["tokens"] or spans != answer["gold_spans"]:
            raise SystemExit(f"answer {answer['n']} of run {run_id} does not match its gold "
                             f"line {answer['source']}: is the cache of another corpus?")
        tasks.append(task)
    return tasks


def settings_for(config: Path, corpus: PreparedCorpus) -> BenchmarkSettings:
    return BenchmarkSettings(train=str(corpus.gold), test=str(corpus.test),
                             **read_config(config))


def parse_sets(items: list[str]) -> dict[str, Any]:
    """``--set KEY=VALUE`` pairs, values read as JSON (numbers, true/false) else text."""
    values: dict[str, Any] = {}
    for item in items:
        key, _, text = item.partition("=")
        try:
            values[key] = json.loads(text)
        except json.JSONDecodeError:
            values[key] = text
    return values


def rule_name(args: argparse.Namespace) -> str:
    """The rule and its changes, and the training seed where it is not the run's."""
    seed = [] if args.train_seed is None else [f"train_seed={args.train_seed}"]
    return " ".join([args.rule, *sorted(args.set), *seed])


def train_seed(run: dict[str, Any], args: argparse.Namespace) -> int:
    """The seed of the model's weights, batches and dropout: the live run's unless given."""
    return int(run["seed"] if args.train_seed is None else args.train_seed)


def training_plan(args: argparse.Namespace, corpus: PreparedCorpus
                  ) -> tuple[TrainingRule, float, BenchmarkSettings]:
    """The rule, the share of answers the live worker holds out of training (0: none) and
    the benchmark settings that build the model."""
    settings = settings_for(args.config, corpus)
    sets = parse_sets(args.set)
    if args.rule == "benchmark":
        rule, held = settings.training_rule(), 0.0
    else:
        spec = ModelSpec()
        rule, held = spec.training_rule(settings.architecture), spec.eval_fraction
    held = float(sets.pop("eval_fraction", held))
    model = {key: sets.pop(key) for key in MODEL_SETTINGS if key in sets}
    return replace(rule, **sets), held, replace(settings, **model)


def offline_rows(run: dict[str, Any], corpus: PreparedCorpus, args: argparse.Namespace,
                 done: set[tuple[str, int, str]]) -> Iterator[dict[str, Any]]:
    """Train round by round on the run's answers; a row at each of ``--at`` not done, as
    it lands."""
    import spacy

    from spacy_al.benchmark.runner import new_al_nlp
    from spacy_al.pipeline.evaluation import evaluate_docs
    from spacy_al.retraining.service import is_held_out
    from spacy_al.tasks.conversion import answer_doc
    from spacy_al.tasks.hashing import input_hash_of
    from spacy_al.training.trainer import Trainer

    tasks = answered_tasks(args.results, run["run_id"], corpus)
    wanted = [n for n in args.at
              if n <= len(tasks) and (run["run_id"], n, rule_name(args)) not in done]
    if not wanted:
        return
    rule, held, settings = training_plan(args, corpus)
    vocab = spacy.blank("en").vocab
    kept = [not is_held_out({"_input_hash": input_hash_of(t)}, held) for t in tasks]
    docs = [answer_doc(vocab, task, complete=True) for task in tasks]
    trainer = Trainer(corpus.labels, rule, train_seed(run, args),
                      functools.partial(new_al_nlp, settings=settings))
    live = {c["n"]: c
            for c in read_jsonl(run_folder(args.results, run["run_id"]) / "checkpoints.jsonl")}
    test, seconds = corpus.test_docs(), []
    for round_, end in enumerate(range(args.every, max(wanted) + 1, args.every)):
        train = [doc for doc, keep in zip(docs[:end], kept[:end], strict=True) if keep]
        nlp, fitted = trainer.train(train, round_, desc=f"{run['order']} seed {run['seed']}")
        seconds.append(fitted.seconds)
        if end in wanted:
            result = evaluate_docs(nlp, test)
            row = offline_row(run, end, result.f1, live.get(end), args, seconds)
            print(f"  {run['corpus']} {run['order']} seed {run['seed']} @{end} "
                  f"({rule_name(args)}): {result.f1:.3f}, live {row['live_f1']}", flush=True)
            yield row | {"trained_on": len(train)}


def offline_row(run: dict[str, Any], n: int, f1: float, live: dict[str, Any] | None,
                args: argparse.Namespace, seconds: list[float]) -> dict[str, Any]:
    live_f1 = None if live is None else live["f1"]
    return {key: run[key] for key in ("corpus", "order", "seed", "variant", "run_id")} | {
        "live_commit": run["commit"], "n": n, "rule": rule_name(args),
        "offline_f1": round(f1, 4), "live_f1": live_f1,
        "live_trained_on": None if live is None else live.get("n_train"),
        "gap": None if live_f1 is None else round(f1 - live_f1, 4), "every": args.every,
        "train_seconds": round(sum(seconds), 1),
        "slowest_round_seconds": round(max(seconds), 1),
        "config": str(args.config.relative_to(REPO) if args.config.is_relative_to(REPO)
                      else args.config),
        "commit": code_version(), "date": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "hardware": describe_hardware(), "command": " ".join(["python", *sys.argv])}


def run(args: argparse.Namespace) -> None:
    corpus = prepare(corpus_spec(args.corpus), args.cache or args.results / "cache")
    out = args.results / ROWS
    done = {(r["run_id"], r["n"], r.get("rule", "benchmark")) for r in read_jsonl(out)}
    runs = finished_runs(args)
    if not runs:
        raise SystemExit(f"no finished live run of {args.corpus} in {args.results}")
    for live_run in runs:
        for row in offline_rows(live_run, corpus, args, done):
            with out.open("a", encoding="utf8") as rows:
                rows.write(json.dumps(row) + "\n")
    report(args.results)


def report(results: Path) -> None:
    rows = read_jsonl(results / ROWS)
    lines = ["# The live training rule's cost in F1", "",
             "Written by `python benchmarks/live_offline.py report`; how the rows are made: "
             "the docstring of `benchmarks/live_offline.py`. Gap: offline F1 minus the live "
             "model's F1 at the same answer (the live model trains on the answers less its "
             "held-out fifth; the offline rule holds out a tenth for early stopping).", "",
             "| corpus | order | seed | answers | rule | trained on | live F1 | replayed F1 "
             "| gap | training s (slowest round) | live commit |",
             "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for r in sorted(rows, key=lambda r: (r["corpus"], r["n"], r["order"], r["seed"],
                                         r.get("rule", "benchmark"))):
        live = "–" if r["live_f1"] is None else f"{r['live_f1']:.3f}"
        gap = "–" if r["gap"] is None else f"{r['gap']:+.3f}"
        lines.append(f"| {r['corpus']} | {r['order']} | {r['seed']} | {r['n']} | "
                     f"{r.get('rule', 'benchmark')} | {r.get('trained_on', '–')} | {live} | "
                     f"{r['offline_f1']:.3f} | {gap} | {r.get('train_seconds', '–')} "
                     f"({r.get('slowest_round_seconds', '–')}) | {r['live_commit']} |")
    (results / "offline_gap.md").write_text("\n".join(lines) + "\n", encoding="utf8")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.command == "run":
        run(args)
    else:
        report(args.results)


if __name__ == "__main__":
    main()
