"""How fast the live worker re-scores a pool: sentences per second of ``ModelService.rank``
(the embedded transformer, int8 as the worker ranks by default), side by side in one run:

- ``shuffled batches``: batches of ``score_batch_size`` sentences in the shuffled order,
  as ``rank`` scored before length bucketing (emulated: one ``rank`` call per batch);
- ``length batches``: ``rank`` on the worker's chunks of 256 sentences, each scored in
  batches of similar length (``pipeline.pool_scoring.length_batches``);
- ``length batches, pieces cached``: the same with the sentences' sub-word pieces kept
  from an earlier scoring (``models.windows.PieceCache``), as in every re-scoring after
  the first; the two rows above empty the cache before each call (tokenized each time).

- ``... frozen N, lower states kept``: ``--frozen-layers N`` (``frozen_layers``): the lower
  N layers' output kept from an earlier scoring too, so only the upper layers run.

Each at 1 and 2 torch threads. The pools are the live benchmark's (``live_corpora``), a
seeded sample of ``--sentences`` each; the table also says how long a 20,000-sentence
pool would take at each rate (the issue's bound: 60 s on 2 cores)::

    python benchmarks/rescoring_speed.py --corpus wikigold wnut17 --sentences 1024
    python benchmarks/rescoring_speed.py --frozen-layers 0 2 4 --json /tmp/frozen.json
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
sys.path.insert(0, str(REPO / "benchmarks"))
from live_corpora import corpus_spec, prepare  # noqa: E402 - after the path

from spacy_al.benchmark.hardware import code_version, describe_hardware  # noqa: E402

CHUNK = 256  # the worker's re-scoring chunk (retraining/worker.py)
POOL = 20_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", nargs="+", default=["wikigold", "wnut17"])
    parser.add_argument("--sentences", type=int, default=1024)
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--frozen-layers", nargs="+", type=int, default=[0],
                        help="models to measure by their frozen_layers (0: fine-tune all)")
    parser.add_argument("--cache", type=Path, default=REPO / "docs" / "benchmarks" / "live"
                        / "cache", help="the live benchmark's corpus files")
    parser.add_argument("--json", type=Path,
                        default=REPO / "docs" / "benchmarks" / "rescoring_speed.json")
    return parser.parse_args(argv)


def timed(rank: Any, chunks: list[list[int]], pieces: Any | None) -> float:
    """Seconds to rank the chunks (``pieces``: a cache emptied before each call)."""
    began = time.perf_counter()
    for chunk in chunks:
        if pieces is not None:
            pieces.clear()
        rank(chunk)
    return time.perf_counter() - began


def piece_cache(nlp: Any) -> Any:
    """The transformer encoder's piece cache."""
    return next(node.attrs["hf"].pieces for node in nlp.get_pipe("al_ner").model.walk()
                if "hf" in node.attrs)


def batchings(frozen: int, size: int) -> list[tuple[str, int, bool]]:
    """(name, sentences per ``rank`` call, whether an earlier scoring's caches are kept)."""
    if frozen:
        return [(f"length batches, frozen {frozen}, lower states kept", CHUNK, True)]
    return [("shuffled batches", size, False), ("length batches", CHUNK, False),
            ("length batches, pieces cached", CHUNK, True)]


def measure(corpus: str, args: argparse.Namespace, frozen: int) -> list[dict[str, Any]]:
    import numpy as np
    import torch

    from spacy_al.retraining.model_spec import ModelSpec
    from spacy_al.retraining.service import ModelService
    from spacy_al.tasks import PoolItem
    from spacy_al.tasks.hashing import input_hash_of

    prepared = prepare(corpus_spec(corpus), args.cache)
    with prepared.pool.open(encoding="utf8") as lines:
        tasks = [json.loads(line) for line in lines]
    spec = ModelSpec(labels=prepared.labels, frozen_layers=frozen)
    service = ModelService(spec)
    items = [PoolItem(input_hash_of(task), task["text"], task["tokens"]) for task in tasks]
    chosen = np.random.default_rng(0).choice(len(items), min(args.sentences, len(items)),
                                             replace=False)
    service.set_pool([items[i] for i in chosen])
    hashes = list(service.items)
    service.rank(hashes[:64])  # warm-up: the int8 copy, first calls
    rows = []
    for threads in args.threads:
        torch.set_num_threads(threads)
        size = spec.score_batch_size
        pieces = piece_cache(service.nlp)
        for name, step, cached in batchings(frozen, size):
            order = [hashes[i] for i in np.random.default_rng(1).permutation(len(hashes))]
            chunks = [order[k:k + step] for k in range(0, len(order), step)]
            if cached:
                timed(service.rank, chunks, None)  # the first scoring fills the cache
            seconds = timed(service.rank, chunks, None if cached else pieces)
            rate = len(hashes) / seconds
            rows.append({"corpus": corpus, "threads": threads, "batching": name,
                         "frozen_layers": frozen,
                         "sentences": len(hashes), "seconds": round(seconds, 2),
                         "sentences_per_second": round(rate, 1),
                         "mean_tokens": round(float(np.mean([len(service.items[h].tokens)
                                                             for h in hashes])), 1),
                         "seconds_for_20000": round(POOL / rate, 1)})
            print(f"{corpus:10} {threads} thread(s) {name:45} {rate:7.1f} sentences/s, "
                  f"20,000 in {POOL / rate:6.1f} s", flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    rows = [row for corpus in args.corpus for frozen in args.frozen_layers
            for row in measure(corpus, args, frozen)]

    result = {"benchmark": "live worker re-scoring speed (ModelService.rank, embedded "
                           "MiniLM, int8, MNLP)", "rows": rows, "commit": code_version(),
              "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
              "hardware": describe_hardware(), "load_average": os.getloadavg(),
              "command": " ".join(["python", *sys.argv])}
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf8")
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
