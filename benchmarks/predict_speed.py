"""Benchmark: prediction words/s and test F1 of trained pipelines, side by side.

Loads the pipelines ``benchmarks/ner_accuracy.py`` trained (the newest
``training/benchmarks/<corpus>-<arch>-<subset>x<epochs>/model-last``) and predicts
the test split with ``nlp.pipe``: the transformer in fp32 and with int8 dynamic
quantization (``quantize = true``, set at load time), al_ner on tok2vec, and spaCy's
stock ``ner``. Prints a table and writes JSON. Run it on a quiet machine: words/s is
wall-clock.

    python benchmarks/predict_speed.py --corpus conll2003 --threads 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path
from typing import Any

import spacy
import torch

REPO = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("SPACY_AL_CORPORA", REPO.parent / "shared" / "corpora"))
TEST = {"conll2003": "conll2003/test.txt", "ontonotes5": "ontonotes5/test_conll2012.txt"}
QUANTIZED = {"components": {"al_ner": {"model": {"quantize": True}}}}
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "transformer": ("transformer", {}),
    "transformer-int8": ("transformer", QUANTIZED),
    "tok2vec": ("tok2vec", {}),
    "spacy_ner": ("spacy_ner", {}),
}


def measure(model: Path, overrides: dict[str, Any], gold: list, batch_size: int) -> dict:
    from spacy_al.pipeline.evaluation import evaluate_docs

    nlp = spacy.load(model, config=overrides)
    evaluate_docs(nlp, gold[:batch_size], batch_size=batch_size)  # warm-up (int8 copy, caches)
    result = evaluate_docs(nlp, gold, batch_size=batch_size)
    return {"f1": round(result.f1, 4), "precision": round(result.precision, 4),
            "recall": round(result.recall, 4), "words": result.words,
            "seconds": round(result.seconds, 2),
            "words_per_second": round(result.words_per_second)}


def newest_model(workdir: Path, corpus: str, arch: str) -> Path | None:
    """The most recently trained ``model-last`` of ``arch`` on ``corpus`` (any subset)."""
    found = [p for p in workdir.glob(f"{corpus}-{arch}-*/model-last") if p.is_dir()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def shown(path: Path) -> str:
    """``path`` relative to the repository where it lies inside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=sorted(TEST), default="conll2003")
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--limit", type=int, default=0, help="first N test sentences (0: all)")
    parser.add_argument("--workdir", type=Path, default=REPO / "training" / "benchmarks")
    parser.add_argument("--output", type=Path,
                        default=REPO / "docs" / "benchmarks" / "predict_speed.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from spacy_al.corpora import read_docs

    gold = list(read_docs(CORPORA / TEST[args.corpus], spacy.blank("en").vocab))
    gold = gold[: args.limit] if args.limit else gold
    rows = []
    print(f"{'variant':<18}{'F1':>7}{'words/s':>10}")
    for name in args.variants:
        arch, overrides = VARIANTS[name]
        model = newest_model(args.workdir, args.corpus, arch)
        if model is None:
            print(f"{name:<18} skipped: no {args.workdir}/{args.corpus}-{arch}-*/model-last"
                  " (train it with benchmarks/ner_accuracy.py)")
            continue
        row = {"variant": name, "model": shown(model), **measure(
            model, overrides, gold, args.batch_size)}
        rows.append(row)
        print(f"{name:<18}{100 * row['f1']:7.2f}{row['words_per_second']:10,}")
    report = {"corpus": args.corpus, "threads": args.threads, "batch_size": args.batch_size,
              "cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine(),
              "torch": torch.__version__, "rows": rows}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf8")


if __name__ == "__main__":
    main()
