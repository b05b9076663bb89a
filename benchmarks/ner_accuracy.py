"""Benchmark: F1 (seqeval, strict IOB2, micro) and words/s of al_ner vs spaCy's stock ner.

Each run is a real ``python -m spacy train`` with a shipped config on a public corpus
from ../shared/corpora, then :func:`spacy_al.pipeline.evaluation.evaluate_docs` on the
test split. Results are appended to a JSONL file (one row per run) and printed as a
table; finished runs are skipped when the script is started again.

    python benchmarks/ner_accuracy.py --corpus conll2003 --arch tok2vec spacy_ner
    python benchmarks/ner_accuracy.py --corpus ontonotes5 --arch transformer \\
        --train-limit 20000 --epochs 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("SPACY_AL_CORPORA", REPO.parent / "shared" / "corpora"))
SPLITS = {
    "conll2003": ("conll2003/train.txt", "conll2003/dev.txt", "conll2003/test.txt"),
    "ontonotes5": ("ontonotes5/train.txt", "ontonotes5/dev.txt", "ontonotes5/test_conll2012.txt"),
    "wnut17": ("wnut17/train.txt", "wnut17/dev.txt", "wnut17/test.txt"),
}
CONFIGS = {
    "transformer": REPO / "configs" / "ner_transformer.cfg",
    "tok2vec": REPO / "configs" / "ner_tok2vec.cfg",
    "spacy_ner": REPO / "configs" / "benchmark" / "spacy_ner_tok2vec.cfg",
}


def train(arch: str, corpus: str, out: Path, args: argparse.Namespace) -> float:
    """Run ``spacy train``; returns the wall-clock seconds of the training run.

    A finished run (``out/train_seconds.json``) is reused, so an interrupted
    benchmark does not train again.
    """
    record = out / "train_seconds.json"
    if record.exists():
        return float(json.loads(record.read_text())["seconds"])
    train_path, dev_path, _ = (CORPORA / p for p in SPLITS[corpus])
    cmd = [
        sys.executable, "-m", "spacy", "train", str(CONFIGS[arch]),
        "--paths.train", str(train_path), "--paths.dev", str(dev_path), "--output", str(out),
        "--corpora.train.limit", str(args.train_limit), "--corpora.dev.limit", str(args.dev_limit),
        "--training.max_epochs", str(args.epochs), "--training.max_steps", "0",
        "--training.patience", "0", "--training.eval_frequency", str(args.eval_frequency),
        "--corpora.train.shuffle", "true", "--corpora.train.seed", str(args.seed),
    ]
    if arch == "transformer":
        steps = args.epochs * max(1, (args.train_limit or 14041) // 32)
        cmd += ["--training.optimizer.learn_rate.total_steps", str(steps),
                "--training.optimizer.learn_rate.warmup_steps", str(max(1, steps // 10))]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    seconds = time.perf_counter() - start
    record.write_text(json.dumps({"seconds": seconds, "command": cmd[1:]}), encoding="utf8")
    return seconds


def evaluate(model: Path, corpus: str) -> dict:
    from spacy_al.corpora import read_docs
    from spacy_al.pipeline.evaluation import evaluate_docs

    nlp = spacy.load(model)
    gold = list(read_docs(CORPORA / SPLITS[corpus][2], nlp.vocab))
    return evaluate_docs(nlp, gold).to_dict()


def run(arch: str, args: argparse.Namespace, results: Path) -> dict:
    # one folder per setting: a finished run is reused only for the same corpus, model,
    # training subset and epochs
    out = args.workdir / f"{args.corpus}-{arch}-{args.train_limit or 'all'}x{args.epochs}"
    seconds = train(arch, args.corpus, out, args)
    # model-last: the model after the fixed number of epochs (model-best depends on
    # when spaCy happened to evaluate on dev, and is the untrained model if never)
    scores = evaluate(out / "model-last", args.corpus)
    row = {
        "corpus": args.corpus, "arch": arch, "train_limit": args.train_limit,
        "epochs": args.epochs, "evaluated": "model-last", "train_seconds": round(seconds, 1),
        "seconds_per_epoch": round(seconds / args.epochs, 1), "seed": args.seed,
        "f1": scores["f1"], "precision": scores["precision"], "recall": scores["recall"],
        "words_per_second": round(scores["words_per_second"]), "test_words": scores["words"],
        "per_type": scores["per_type"], "cpu_count": os.cpu_count(),
    }
    with results.open("a", encoding="utf8") as f:
        f.write(json.dumps(row) + "\n")
    return row


def done(results: Path) -> set[tuple]:
    if not results.exists():
        return set()
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    return {(r["corpus"], r["arch"], r["train_limit"], r["epochs"]) for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=sorted(SPLITS), default="conll2003")
    parser.add_argument("--arch", nargs="+", choices=sorted(CONFIGS), default=sorted(CONFIGS))
    parser.add_argument("--train-limit", type=int, default=0, help="first N sentences (0: all)")
    parser.add_argument("--dev-limit", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--eval-frequency", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=REPO / "training" / "benchmarks")
    parser.add_argument("--results", type=Path, default=REPO / "docs" / "benchmarks" /
                        "ner_accuracy.jsonl")
    args = parser.parse_args()
    args.results.parent.mkdir(parents=True, exist_ok=True)
    print(f"{'corpus':<11}{'arch':<12}{'F1':>7}{'P':>7}{'R':>7}{'s/epoch':>9}{'words/s':>9}")
    for arch in args.arch:
        if (args.corpus, arch, args.train_limit, args.epochs) in done(args.results):
            print(f"{args.corpus:<11}{arch:<12} already in {args.results}")
            continue
        r = run(arch, args, args.results)
        print(f"{r['corpus']:<11}{arch:<12}{100 * r['f1']:7.2f}{100 * r['precision']:7.2f}"
              f"{100 * r['recall']:7.2f}{r['seconds_per_epoch']:9.0f}{r['words_per_second']:9,}")


if __name__ == "__main__":
    main()
