"""Benchmark pool scoring: words/s and peak memory per acquisition strategy.

Scores ``--n`` CoNLL-2003 training sentences with the embedded model
(``create_al_nlp(labels, architecture="transformer")``, MiniLM) once per strategy,
each run in a fresh process so that its peak RSS is its own, then prints a table,
the ratio of BALD (T = 10) time to MNLP time for ``head`` and ``full`` MC dropout,
and (with ``--scale``) MNLP's peak RSS at ``--n`` and at ``--scale`` sentences.
The pool is a generator: sentences are read lazily (cycling through the file
when more are asked than it holds), so memory should not grow with the pool.

    python benchmarks/score_pool.py --n 5000 --scale 50000
    python benchmarks/score_pool.py --n 500 --strategies mnlp bald-head

``mnlp-int8`` and ``bald-head-int8`` predict with the int8 encoder (``quantize = true``).

Targets: MNLP >= 5,000 words/s on 2 CPU cores; BALD-head <= 1.5x MNLP time;
peak RSS within 10% from 5,000 to 50,000 sentences.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "conll2003" / "train.txt"
LABELS = ("PER", "ORG", "LOC", "MISC")
RUNS: dict[str, dict[str, Any]] = {
    "mnlp": {"strategy": "mnlp"},
    "token_entropy": {"strategy": "token_entropy"},
    "least_confidence": {"strategy": "least_confidence"},
    "margin": {"strategy": "margin"},
    "random": {"strategy": "random"},
    "bald-head": {"strategy": "bald", "options": {"n_samples": 10, "mc_dropout": "head"}},
    "bald-full": {"strategy": "bald", "options": {"n_samples": 10, "mc_dropout": "full"}},
    "mnlp-int8": {"strategy": "mnlp", "quantize": True},
    "bald-head-int8": {"strategy": "bald", "quantize": True,
                       "options": {"n_samples": 10, "mc_dropout": "head"}},
}
"""``-int8`` runs predict with the int8 (dynamically quantized) encoder."""


def read_sentences(path: Path) -> Iterator[list[str]]:
    """Word lists of a column CoNLL file (first column), ``-DOCSTART-`` skipped."""
    words: list[str] = []
    with path.open(encoding="utf8") as lines:
        for line in lines:
            token = line.split(maxsplit=1)[0] if line.strip() else None
            if token is None or token == "-DOCSTART-":
                if words:
                    yield words
                words = []
            else:
                words.append(token)
    if words:
        yield words


def pool_words(path: Path, n: int) -> Iterator[list[str]]:
    """``n`` sentences, lazily, cycling through the file if it holds fewer."""
    cycle = itertools.chain.from_iterable(read_sentences(path) for _ in itertools.count())
    return itertools.islice(cycle, n)


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    """One timed run in this process: load the model, warm up, score the pool."""
    import torch
    from spacy.tokens import Doc

    from spacy_al.acquisition import build_strategy
    from spacy_al.pipeline.build import create_al_nlp
    from spacy_al.pipeline.pool_scoring import score_pool

    torch.set_num_threads(spec["threads"])
    nlp = create_al_nlp(LABELS, architecture=spec["architecture"], model_name=spec["model"],
                        quantize=bool(spec.get("quantize", False)))
    strategy = build_strategy(spec["strategy"], spec.get("options", {}))
    path, n, batch = Path(spec["corpus"]), spec["n"], spec["batch_size"]
    warm = [Doc(nlp.vocab, words=w) for w in pool_words(path, batch)]
    score_pool(nlp, warm, strategy, batch_size=batch, progress=False)
    rss_loaded = peak_rss_mb()
    docs = (Doc(nlp.vocab, words=words) for words in pool_words(path, n))
    start = time.perf_counter()
    result = score_pool(nlp, docs, strategy, batch_size=batch, k=100, progress=False)
    seconds = time.perf_counter() - start
    words = int(result.n_tokens.sum())
    return {
        "sentences": len(result.scores),
        "words": words,
        "seconds": round(seconds, 3),
        "words_per_s": round(words / seconds, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_after_warmup_mb": round(rss_loaded, 1),
    }


def run_isolated(name: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its numbers."""
    spec = {
        **RUNS[name],
        "n": n,
        "corpus": str(args.corpus),
        "batch_size": args.batch_size,
        "threads": args.threads,
        "architecture": args.architecture,
        "model": args.model,
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"run {name!r} failed:\n{done.stderr[-4000:]}")
    return {"run": name, **json.loads(done.stdout.strip().splitlines()[-1])}


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'run':<18}{'sents':>8}{'words':>9}{'s':>9}{'words/s':>10}{'peak MiB':>10}")
    for r in rows:
        print(
            f"{r['run']:<18}{r['sentences']:>8}{r['words']:>9}{r['seconds']:>9.2f}"
            f"{r['words_per_s']:>10.0f}{r['peak_rss_mb']:>10.0f}"
        )


def summarize(rows: list[dict[str, Any]], scaled: dict[str, Any] | None) -> dict[str, Any]:
    """Ratios against MNLP and the memory growth from ``--n`` to ``--scale``."""
    by_name = {r["run"]: r for r in rows}
    summary: dict[str, Any] = {}
    mnlp = by_name.get("mnlp")
    for mode in ("head", "full"):
        bald = by_name.get(f"bald-{mode}")
        if mnlp and bald:
            summary[f"bald_{mode}_over_mnlp_time"] = round(bald["seconds"] / mnlp["seconds"], 3)
    mnlp8, bald8 = by_name.get("mnlp-int8"), by_name.get("bald-head-int8")
    if mnlp8 and bald8:
        summary["bald_head_over_mnlp_time_int8"] = round(bald8["seconds"] / mnlp8["seconds"], 3)
    if mnlp and scaled:
        summary["peak_rss_growth"] = round(scaled["peak_rss_mb"] / mnlp["peak_rss_mb"] - 1, 4)
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="sentences per run")
    parser.add_argument("--scale", type=int, default=0, help="also run MNLP at this pool size")
    parser.add_argument("--strategies", nargs="+", default=list(RUNS), choices=list(RUNS))
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--architecture", default="transformer", choices=["transformer", "tok2vec"])
    parser.add_argument("--model", default=None, help="encoder name or path (default: embedded)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", type=Path, default=REPO / "docs" / "benchmarks" / "scoring.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return
    rows = []
    for name in args.strategies:
        rows.append(run_isolated(name, args.n, args))
        print(f"  done {name}: {rows[-1]['words_per_s']:.0f} words/s", file=sys.stderr)
    scaled = run_isolated("mnlp", args.scale, args) if args.scale else None
    print_table(rows + ([{**scaled, "run": f"mnlp@{args.scale}"}] if scaled else []))
    summary = summarize(rows, scaled)
    for key, value in summary.items():
        print(f"{key}: {value}")
    report: dict[str, Any] = {
        "settings": {k: str(v) for k, v in vars(args).items() if k != "worker"}}
    report.update(runs=rows, scaled=scaled, summary=summary)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
