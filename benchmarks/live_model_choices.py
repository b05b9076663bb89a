"""What the live worker's options change for the annotator, measured on saved live models.

For each MODEL (a pipeline the live worker saved, e.g. a live-loop checkpoint) and a
seeded sample of a gold pool (``benchmarks/live_loop.py``'s ``gold.jsonl``) it runs the
worker's own ranking (:class:`spacy_al.retraining.service.ModelService`) and reports:

- pre-annotation: per ``--min-confidence`` threshold, the spans shown and the corrections
  (added, removed, relabelled) needed to reach gold, on the sample as random order serves
  it and on the quarter of it the strategy ranks first (what AL order serves), with the
  estimated seconds of the cost model (``live_costs.PRIMARY``);
- the first batch (``--window`` questions) under the strategy alone, ``--cost-aware``,
  DiverseTopK and both: tokens, one- or two-token lines, gold spans, seconds and gold spans
  per minute.

    python benchmarks/live_model_choices.py MODEL [MODEL ...] --gold GOLD.jsonl \
        --sample 400 --out docs/benchmarks/live/model_choices.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from live_costs import PRIMARY, corrections  # noqa: E402 - after the path

from spacy_al.acquisition.selectors import build_diverse_top_k, select_top_k  # noqa: E402
from spacy_al.benchmark.hardware import code_version, describe_hardware  # noqa: E402
from spacy_al.recipe_runtime.sources import load_source  # noqa: E402
from spacy_al.retraining.model_spec import ANNOTATION_SECONDS  # noqa: E402
from spacy_al.retraining.predictions import per_second, rerank  # noqa: E402
from spacy_al.retraining.service import ModelService, ModelSpec  # noqa: E402
from spacy_al.tasks import PoolItem  # noqa: E402

THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.9)


def gold_by_words(path: Path) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    with path.open(encoding="utf8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return {tuple(t["text"] for t in r["tokens"]): r.get("spans") or [] for r in records}


def words(item: PoolItem) -> tuple[str, ...]:
    return tuple(t["text"] for t in item.tokens)


def service_for(model: Path, items: list[PoolItem], **options: Any) -> ModelService:
    service = ModelService(ModelSpec(model=str(model), stop_set_size=0, threads=1, **options))
    service.set_pool(items)
    return service


def effort(tasks: list[dict[str, Any]], items: dict[int, PoolItem],
           gold: dict[tuple[str, ...], list[dict[str, Any]]]) -> dict[str, Any]:
    """Spans shown, corrections and estimated seconds over ``tasks``."""
    shown = added = removed = relabelled = n_gold = tokens = 0
    seconds = 0.0
    for task in tasks:
        item = items[task["_input_hash"]]
        truth = gold[words(item)]
        fixes = corrections(task["spans"], truth)
        shown += len(task["spans"])
        n_gold += len(truth)
        tokens += len(item.tokens)
        added, removed, relabelled = (added + fixes.added, removed + fixes.removed,
                                      relabelled + fixes.relabelled)
        seconds += PRIMARY.seconds(len(item.tokens), fixes.total)
    return {"sentences": len(tasks), "tokens": tokens, "gold_spans": n_gold,
            "shown_spans": shown, "added": added, "removed": removed,
            "relabelled": relabelled, "corrections": added + removed + relabelled,
            "seconds": round(seconds, 1)}


def pre_annotation(model: Path, items: list[PoolItem], gold: dict, top: int
                   ) -> list[dict[str, Any]]:
    by_hash = {item.input_hash: item for item in items}
    hashes = [item.input_hash for item in items]
    rows = []
    order: list[int] | None = None
    for threshold in THRESHOLDS:
        tasks = service_for(model, items, min_confidence=threshold).rank(hashes)
        if order is None:  # the strategy's order (the threshold does not change it)
            order = [t["_input_hash"] for t in tasks]
        by_task = {t["_input_hash"]: t for t in tasks}
        rows.append({"min_confidence": threshold,
                     "random_order": effort([by_task[h] for h in hashes], by_hash, gold),
                     "al_order_top": effort([by_task[h] for h in order[:top]], by_hash, gold)})
    return rows


def first_batches(model: Path, items: list[PoolItem], gold: dict, window: int
                  ) -> dict[str, dict[str, Any]]:
    by_hash = {item.input_hash: item for item in items}
    service = service_for(model, items)
    tasks = service.rank([item.input_hash for item in items])
    vectors = dict(service.vectors)
    plain = {t["_input_hash"]: float(t["meta"]["score"]) for t in tasks}
    costly = {h: per_second(s, len(by_hash[h].tokens), ANNOTATION_SECONDS)
              for h, s in plain.items()}
    batches = {}
    for name, keys, selector in [("strategy", plain, select_top_k),
                                 ("cost_aware", costly, select_top_k),
                                 ("diverse", plain, build_diverse_top_k()),
                                 ("cost_aware_diverse", costly, build_diverse_top_k())]:
        ranked = rerank([dict(t, _rank=keys[t["_input_hash"]]) for t in tasks], selector,
                        window, vectors)[:window]
        row = effort(ranked, by_hash, gold)
        row["short_lines"] = sum(len(by_hash[t["_input_hash"]].tokens) <= 2 for t in ranked)
        row["gold_spans_per_minute"] = round(60 * row["gold_spans"] / row["seconds"], 3)
        batches[name] = row
    return batches


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--window", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    gold = gold_by_words(args.gold)
    pool = load_source(args.gold, loader="jsonl")
    chosen = np.random.default_rng(args.seed).choice(len(pool), size=args.sample, replace=False)
    items = [pool[i] for i in sorted(chosen)]
    results = []
    for model in args.models:
        began = time.perf_counter()
        meta = json.loads((model / "meta.json").read_text("utf8"))
        update = meta.get("spacy_al", {}).get("annotation_update", {})
        results.append({"model": model.name, "version": update.get("version"),
                        "n_train": update.get("n_train"),
                        "pre_annotation": pre_annotation(model, items, gold, args.sample // 4),
                        "first_batch": first_batches(model, items, gold, args.window),
                        "seconds": round(time.perf_counter() - began, 1)})
        print(json.dumps(results[-1], indent=1), flush=True)
    out = {"command": " ".join(["python", *sys.argv]), "commit": code_version(),
           "hardware": describe_hardware(), "gold": str(args.gold), "sample": args.sample,
           "seed": args.seed, "cost_model": PRIMARY.source,
           "annotation_seconds": ANNOTATION_SECONDS, "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf8")


if __name__ == "__main__":
    main()
