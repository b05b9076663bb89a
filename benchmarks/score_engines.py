"""Benchmark ``spacy-al score`` engines: words/s of local, and of local Ray on 1 and 2 workers.

Writes ``--n`` CoNLL-2003 training sentences (cycling through the file) as a text pool,
trains a small tok2vec ``al_ner`` a few steps on the first gold sentences (or takes
``--model``), then runs ``score_to_jsonl`` on the same pool and model with
``--engine local`` and with ``--engine ray`` on 1 and 2 actors (a local Ray started
with ``num_cpus=2`` before the timed call, so Ray's own start is not counted; actor
start-up and model loading are). The pool goes to one Arrow pool cache first, so no
timed run reads the corpus. Each run's output is hashed: all must be the same bytes.

    nice python benchmarks/score_engines.py --n 20000 --strategy bald
    python benchmarks/score_engines.py --pool pool-1000000.txt --n 10000 \
        --architecture transformer-int8 --strategy mnlp   # the first lines of a bigger pool

``--architecture transformer`` / ``transformer-int8``: the embedded MiniLM (its head
untrained: scoring costs the same), int8 encoder for the latter.

Target: Ray at most 15 % slower than local on the same cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from score_pool import CORPUS, LABELS, pool_words

REPO = Path(__file__).resolve().parents[1]
RUNS = (("local", 1), ("ray", 1), ("ray", 2))


def write_text_pool(path: Path, n: int) -> int:
    """``n`` sentences, one per line (words joined by spaces); returns the words."""
    words = 0
    with path.open("w", encoding="utf8") as out:
        for sentence in pool_words(CORPUS, n):
            out.write(" ".join(sentence) + "\n")
            words += len(sentence)
    return words


def train_model(folder: Path, steps: int) -> Path:
    """A tok2vec al_ner trained ``steps`` updates on the first 256 gold sentences."""
    import itertools

    from spacy.training import Example
    from thinc.api import Adam, fix_random_seed

    from spacy_al.corpora import read_docs
    from spacy_al.pipeline.build import create_al_nlp

    fix_random_seed(0)
    nlp = create_al_nlp(LABELS, architecture="tok2vec")
    gold = list(itertools.islice(read_docs(CORPUS, nlp.vocab, loader="conll"), 256))
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in gold]
    optimizer = Adam(1e-3)
    for step in range(steps):
        batch = examples[(step * 32) % len(examples):][:32]
        nlp.update(batch, sgd=optimizer, drop=0.1)
    nlp.to_disk(folder)
    return folder


def build_model(folder: Path, architecture: str, steps: int) -> Path:
    """The pipeline to score with: a trained tok2vec, or the embedded transformer."""
    if architecture == "tok2vec":
        return train_model(folder, steps)
    from spacy_al.pipeline.build import create_al_nlp

    nlp = create_al_nlp(LABELS, architecture="transformer",
                        quantize=architecture == "transformer-int8")
    nlp.to_disk(folder)
    return folder


def copy_lines(source: Path, target: Path, n: int) -> int:
    """The first ``n`` lines of ``source`` (a bigger text pool); returns the words."""
    words = 0
    with source.open(encoding="utf8") as lines, target.open("w", encoding="utf8") as out:
        for i, line in enumerate(lines):
            if i >= n:
                break
            out.write(line)
            words += len(line.split())
    return words


def timed_run(engine: str, workers: int, args: argparse.Namespace, model: Path, pool: Path,
              cache: Path, out: Path) -> dict[str, Any]:
    """One ``score_to_jsonl`` call; Ray (if asked) is started before and stopped after."""
    from spacy_al.scoring import score_to_jsonl

    if engine == "ray":
        import ray

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        report = score_to_jsonl(model, pool, out, strategy=args.strategy, top=args.top,
                                batch_size=args.batch_size, engine=engine,
                                num_workers=workers, pool_cache=cache)
    finally:
        if engine == "ray":
            ray.shutdown()
    return {"engine": engine, "workers": workers, "sentences": report.entries,
            "words": report.words, "scoring_seconds": round(report.scoring_seconds, 2),
            "total_seconds": round(report.total_seconds, 2),
            "words_per_s": round(report.words_per_second, 1),
            "output_sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
            "load_average_after": round(os.getloadavg()[0], 2)}


def add_steady_state(row: dict[str, Any], tiny: dict[str, Any]) -> dict[str, Any]:
    """The start-up cost (a run on a one-chunk pool: actors, imports, model load) and the
    throughput once running: (words - tiny words) / (seconds - tiny seconds)."""
    seconds = row["scoring_seconds"] - tiny["scoring_seconds"]
    return {**row, "startup_seconds": tiny["scoring_seconds"],
            "steady_words_per_s": round((row["words"] - tiny["words"]) / seconds, 1)
            if seconds > 0 else None}


def print_table(rows: list[dict[str, Any]]) -> None:
    local = rows[0]["scoring_seconds"]
    print(f"{'engine':<8}{'workers':>8}{'sents':>8}{'words':>9}{'s':>9}{'words/s':>10}"
          f"{'vs local':>10}{'startup s':>11}{'steady w/s':>12}")
    for r in rows:
        steady = r.get("steady_words_per_s") or 0
        print(f"{r['engine']:<8}{r['workers']:>8}{r['sentences']:>8}{r['words']:>9}"
              f"{r['scoring_seconds']:>9.2f}{r['words_per_s']:>10.0f}"
              f"{r['scoring_seconds'] / local - 1:>+10.1%}{r['startup_seconds']:>11.2f}"
              f"{steady:>12.0f}")


def parse_runs(runs: list[str]) -> list[tuple[str, int]]:
    """``["local:1", "ray:2"]`` as ``[("local", 1), ("ray", 2)]``."""
    return [(run.split(":")[0], int(run.split(":")[1]) if ":" in run else 1) for run in runs]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="sentences in the pool")
    parser.add_argument("--strategy", default="bald")
    parser.add_argument("--top", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=20, help="training steps of the model")
    parser.add_argument("--runs", nargs="+", default=[f"{e}:{w}" for e, w in RUNS],
                        help="engine:workers, the first is the baseline (default: %(default)s)")
    parser.add_argument("--model", type=Path, default=None, help="al_ner pipeline folder")
    parser.add_argument("--architecture", default="tok2vec",
                        choices=("tok2vec", "transformer", "transformer-int8"),
                        help="the model built when no --model is given")
    parser.add_argument("--into-scale", type=Path, default=None,
                        help="also record the runs under score/<architecture> of this JSON "
                        "(docs/benchmarks/scale.json)")
    parser.add_argument("--pool", type=Path, default=None,
                        help="take the first --n lines of this text pool (default: CoNLL)")
    parser.add_argument("--json", type=Path,
                        default=REPO / "docs" / "benchmarks" / "score_engines.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    from spacy_al.benchmark.hardware import cpu_model

    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="score-engines-") as tmp:
        work = Path(tmp)
        pool, tiny_pool = work / "pool.txt", work / "tiny.txt"
        if args.pool is not None:
            copy_lines(args.pool, pool, args.n)
            copy_lines(args.pool, tiny_pool, args.batch_size)
        else:
            write_text_pool(pool, args.n)
            write_text_pool(tiny_pool, args.batch_size)
        model = args.model or build_model(work / "model", args.architecture, args.steps)
        cache = work / "cache"
        from spacy_al.scoring import score_to_jsonl

        score_to_jsonl(model, pool, work / "warm.jsonl", strategy=args.strategy, top=10,
                       batch_size=args.batch_size, pool_cache=cache)  # ingest + warm-up
        rows = []
        for engine, workers in parse_runs(args.runs):
            tiny = timed_run(engine, workers, args, model, tiny_pool, work / "tiny-cache",
                             work / "tiny.jsonl")
            row = timed_run(engine, workers, args, model, pool, cache,
                            work / f"{engine}-{workers}.jsonl")
            rows.append(add_steady_state(row, tiny))
            print(f"  done {engine} x{workers}: {rows[-1]['words_per_s']:.0f} words/s",
                  file=sys.stderr)
    print_table(rows)
    same = len({r["output_sha256"] for r in rows}) == 1
    print(f"outputs identical: {same}")
    settings = {k: str(v) for k, v in vars(args).items()}
    report = {"cpu": cpu_model(), "cores": os.cpu_count(), "settings": settings,
              "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": rows,
              "outputs_identical": same,
              "time_over_first": {f"{r['engine']}:{r['workers']}": round(
                  r["scoring_seconds"] / rows[0]["scoring_seconds"] - 1, 4) for r in rows}}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf8")
    print(f"wrote {args.json}")
    if args.into_scale is not None:
        into_scale(args.into_scale, args, report)


def into_scale(path: Path, args: argparse.Namespace, report: dict[str, Any]) -> None:
    """Record ``report`` under ``score.<architecture>`` of the scale benchmark's JSON."""
    scale = json.loads(path.read_text(encoding="utf8")) if path.is_file() else {}
    scale.setdefault("score", {})[args.architecture] = {
        "pool": str(args.pool) if args.pool else "CoNLL-2003 train, cycled",
        "sentences_scored": args.n, "strategy": args.strategy, "date": report["date"],
        "cpu": report["cpu"], "cores": report["cores"],
        "words_per_s": {f"{r['engine']}:{r['workers']}": r["words_per_s"]
                        for r in report["runs"]},
        "steady_words_per_s": {f"{r['engine']}:{r['workers']}": r["steady_words_per_s"]
                               for r in report["runs"]},
        "startup_seconds": {f"{r['engine']}:{r['workers']}": r["startup_seconds"]
                            for r in report["runs"]},
        "time_over_local": report["time_over_first"],
        "outputs_identical": report["outputs_identical"]}
    path.write_text(json.dumps(scale, indent=1) + "\n", encoding="utf8")
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
