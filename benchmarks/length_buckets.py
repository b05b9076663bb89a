"""What length-bucketed encoder calls save: the embedded MiniLM on CoNLL-2003 sentences.

``al_ner`` runs a batch's encoder rows in groups of similar length
(:meth:`spacy_al.models.windows.PieceBatch.chunks`), each group padded to its longest
row. Side by side on the same random-order sentences and encoder, cut into batches of
``--batch-size`` docs (64: pool scoring and evaluation; 32: a training minibatch):

- ``one group``: a batch's rows sorted, cut only at the 4,096-piece budget (before the
  length buckets: a batch of CoNLL sentences is almost always one group);
- ``buckets``: the current rule (a new group once a row is longer than the group's
  shortest by more than max(8, 25 %) pieces);
- ``sorted pool``: the sample sorted by length before it is cut into batches (a bound:
  it changes which docs share a batch, so it is not what training or scoring does).

Inference: fp32 under no_grad. Training (``--train``): forward and backward of the
sum of the outputs, dropout on; ``--bf16`` adds the same two batchings under bfloat16
autocast (the two levers of a training step together, as ``--bf16-training`` runs them).
Prints padded pieces and seconds per way and writes
``docs/benchmarks/length_buckets_{inference,training}.json``
(``length_buckets_training_bf16.json`` with ``--bf16``).

    nice python benchmarks/length_buckets.py --n 3000
    nice python benchmarks/length_buckets.py --n 1500 --batch-size 32 --train --bf16
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
CORPUS = REPO.parent / "shared" / "corpora" / "conll2003" / "train.txt"
BUDGET = 4096


def run_way(encoder: Any, tokenizer: Any, batches: list[list[list[int]]], buckets: bool,
            train: bool, bf16: bool = False) -> dict[str, float]:
    import torch

    from spacy_al.models.windows import PieceBatch, pad_rows

    padded = real = calls = 0
    start = time.perf_counter()
    encoder.train(train)
    with torch.set_grad_enabled(train):
        for rows in batches:
            batch = PieceBatch(rows, [], torch.zeros(0), torch.zeros(0), torch.zeros(0), 0)
            groups = batch.chunks(BUDGET) if buckets else batch.chunks(BUDGET, slack=10**9)
            outputs = []
            for group in groups:
                ids, mask = pad_rows([rows[r] for r in group], tokenizer)
                padded, real, calls = padded + ids.numel(), real + int(mask.sum()), calls + 1
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
                outputs.append(hidden[mask.bool()].float())
            if train:
                torch.cat(outputs).sum().backward()
                encoder.zero_grad()
    return {"seconds": round(time.perf_counter() - start, 2), "padded_pieces": padded,
            "real_pieces": real, "padding_share": round(1 - real / padded, 4),
            "calls_per_batch": round(calls / len(batches), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="Sentences (first n of train)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--train", action="store_true", help="Time training steps")
    parser.add_argument("--bf16", action="store_true",
                        help="With --train: also both batchings under bfloat16 autocast")
    parser.add_argument("--out", type=Path, default=None, help="JSON output (default: "
                        "docs/benchmarks/length_buckets_{inference,training}.json)")
    args = parser.parse_args()
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    from spacy_al.benchmark.hardware import describe_hardware
    from spacy_al.corpora import read_docs
    from spacy_al.models.embedded import embedded_model_path
    from spacy_al.models.windows import build_piece_batch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    model_dir = str(embedded_model_path())
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    encoder = AutoModel.from_pretrained(model_dir)
    encoder.eval()
    from spacy.vocab import Vocab

    docs = [d for d in read_docs(CORPUS, Vocab()) if len(d)][: args.n]
    order = np.random.default_rng(0).permutation(len(docs))  # a pool sample: random order
    docs = [docs[i] for i in order]
    rows = build_piece_batch(docs, tokenizer, 510).rows
    by_length = sorted(rows, key=len)
    cut = args.batch_size
    batches = [rows[i:i + cut] for i in range(0, len(rows), cut)]
    ways = {"one group": (batches, False, False), "buckets": (batches, True, False),
            "sorted pool": ([by_length[i:i + cut] for i in range(0, len(rows), cut)], True,
                            False)}
    if args.bf16 and args.train:
        ways.update({"one group, bf16": (batches, False, True),
                     "buckets, bf16": (batches, True, True)})
    for bf16 in {False, args.bf16 and args.train}:  # warm up
        run_way(encoder, tokenizer, batches[:3], True, args.train, bf16)
    results = {name: run_way(encoder, tokenizer, b, buckets, args.train, bf16)
               for name, (b, buckets, bf16) in ways.items()}
    base = results["one group"]["seconds"]
    print(f"{len(docs)} sentences, {sum(len(d) for d in docs)} tokens, batches of {cut}\n")
    print("| grouping | padded pieces | padding | calls/batch | seconds | vs one group |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['padded_pieces']:,} | {100 * r['padding_share']:.1f} % | "
              f"{r['calls_per_batch']} | {r['seconds']} | {r['seconds'] / base:.2f}x |")
    mode = "training steps (forward + backward)" if args.train else "inference (no grad)"
    precision = "fp32 and bf16 autocast" if args.bf16 and args.train else "fp32"
    out = {"benchmark": f"length-bucketed encoder calls (embedded MiniLM, {precision}, {mode})",
           "hardware": describe_hardware(), "sentences": len(docs), "batch_size": cut,
           "chunk_budget_pieces": BUDGET, "results": results,
           "command": "python benchmarks/length_buckets.py " + " ".join(sys.argv[1:])}
    out_path: Path = args.out or REPO / "docs" / "benchmarks" / (
        f"length_buckets_{'training' if args.train else 'inference'}"
        f"{'_bf16' if args.bf16 and args.train else ''}.json")
    out_path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf8")
    print(f"\nWrote {out_path}")


if __name__ == "__main__":
    main()
