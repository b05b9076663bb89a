"""bfloat16 mixed-precision training against fp32, side by side on one labelled set.

For each seed: a random ``--share`` of the pool's tokens (CoNLL-2003 train, the
transformer benchmark's sample rule), the transformer benchmark's training rule for a
fresh model (Adam 1e-4, head x10, batches of 32, warm-up of 150 updates, early stopping
on a tenth held out, at most 3 passes after it), trained twice from the same seeded
initialisation: fp32, then ``mixed_precision`` (bf16 autocast, fp32 weights and Adam).
Both are evaluated on the test split in fp32. Prints a table and writes
``docs/benchmarks/bf16_training.json``.

    nice python benchmarks/bf16_training.py --share 0.10 --seeds 0 1
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpora" / "conll2003"


def sample(n_tokens: list[int], share: float, seed: int) -> list[int]:
    """Random pool indices (seeded) until ``share`` of the tokens is reached."""
    import numpy as np

    order = np.random.default_rng(seed).permutation(len(n_tokens))
    want, total, picked = share * sum(n_tokens), 0, []
    for i in order:
        if total >= want:
            break
        picked.append(int(i))
        total += n_tokens[i]
    return picked


def run_pair(data: Any, settings: Any, seed: int, share: float) -> list[dict[str, Any]]:
    import dataclasses
    import functools

    from spacy_al.benchmark.runner import new_al_nlp
    from spacy_al.pipeline.evaluation import evaluate_docs
    from spacy_al.training.trainer import Trainer

    chosen = sample(list(data.pool.n_tokens), share, seed)
    docs = data.oracle.reveal(chosen)
    rows = []
    for bf16 in (False, True):
        s = dataclasses.replace(settings, mixed_precision=bf16)
        trainer = Trainer(data.labels, s.training_rule(), seed,
                          functools.partial(new_al_nlp, settings=s))
        nlp, fitted = trainer.train(docs, 0)
        result = evaluate_docs(nlp, data.test)
        rows.append({"seed": seed, "share": share, "sentences": len(docs),
                     "tokens": sum(len(d) for d in docs), "training": "bf16" if bf16 else "fp32",
                     "train_seconds": round(fitted.seconds, 1), "passes": fitted.passes,
                     "seconds_per_pass": round(fitted.seconds / max(1, fitted.passes), 1),
                     "held_out_f1": fitted.held_out_f1, "test_f1": round(result.f1, 4)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--share", type=float, default=0.10)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--test-limit", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "docs/benchmarks/bf16_training.json")
    args = parser.parse_args()
    import torch

    from spacy_al.benchmark.data import load_data
    from spacy_al.benchmark.hardware import describe_hardware
    from spacy_al.benchmark.settings import BenchmarkSettings

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    settings = BenchmarkSettings(
        train=str(CORPUS / "train.txt"), test=str(CORPUS / "test.txt"), corpus="conll2003",
        architecture="transformer", epochs=3, min_steps=150, min_steps_fresh_only=True,
        batch_size=32, learn_rate=1e-4, retrain="continue", holdout=0.1, patience=1,
        test_limit=args.test_limit)
    data = load_data(settings)
    start = time.perf_counter()
    rows = [row for seed in args.seeds for row in run_pair(data, settings, seed, args.share)]
    print("\n| seed | training | passes | s/pass | held-out F1 | test F1 |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['seed']} | {r['training']} | {r['passes']} | {r['seconds_per_pass']} | "
              f"{r['held_out_f1']} | {r['test_f1']} |")
    out = {"benchmark": "bf16 mixed-precision training vs fp32 (transformer, CoNLL-2003)",
           "hardware": describe_hardware(), "rows": rows,
           "wall_seconds": round(time.perf_counter() - start, 1),
           "command": "python benchmarks/bf16_training.py " + " ".join(sys.argv[1:])}
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf8")
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
