"""Annotation latency under load: N simulated annotators while the model retrains.

Starts ``spacy-al annotate ner.al-correct`` on 127.0.0.1 (a temporary database and
output folder), then runs ``--annotators`` simulated annotators concurrently. Each
one answers ``--answers`` tasks: it "reads" a task for a random think time, accepts
the model's spans, and measures *submit-answer-then-get-next*: ``POST /give_answers``
(one answer) followed by ``POST /get_session_questions``. With ``--update-every``
small the model retrains all the time, so most samples are taken while it trains.

Traffic goes to 127.0.0.1 only; the number of requests is bounded by
``annotators x answers x 2``. Prints a table and writes JSON
(``docs/benchmarks/annotation_latency.json`` by default)::

    python benchmarks/annotation_latency.py                      # embedded model, WikiGold
    python benchmarks/annotation_latency.py --model tok2vec --answers 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_server import start_recipe, stop, wait_for_model  # noqa: E402 - after the path

TARGET_P95_MS = 50.0
REPO = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--answers", type=int, default=25, help="answers per annotator")
    parser.add_argument("--model", default="default", help="default, tok2vec or a path")
    parser.add_argument("--source", default="wikigold")
    parser.add_argument("--update-every", type=int, default=20)
    parser.add_argument("--think", type=float, nargs=2, default=(0.3, 1.5),
                        metavar=("MIN", "MAX"), help="seconds an annotator reads a task")
    parser.add_argument("--json", type=Path,
                        default=REPO / "docs" / "benchmarks" / "annotation_latency.json")
    parser.add_argument("--limit", type=int, default=None, help="sentences read from SOURCE")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def start_server(args: argparse.Namespace, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    recipe = ["ner.al-correct", "bench_latency", args.model, args.source,
              "--update-every", str(args.update_every), "--output", str(workdir / "model")]
    if args.limit:
        recipe += ["--limit", str(args.limit)]
    return start_recipe(recipe, workdir)


class Recorder:
    """Latency samples, tagged with whether the model was training at the time."""

    def __init__(self) -> None:
        self.training = False
        self.samples: list[dict[str, Any]] = []
        self.load_before = [round(x, 2) for x in os.getloadavg()]

    async def watch(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            model = (await client.get("/progress")).json().get("model", {})
            self.training = model.get("state") == "training"
            await asyncio.sleep(0.2)


async def annotator(name: str, url: str, args: argparse.Namespace, rec: Recorder,
                    rng: random.Random) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60, trust_env=False) as client:
        body = {"session_id": name}
        queue = (await client.post("/get_session_questions", json=body)).json()["tasks"]
        for _ in range(args.answers):
            if not queue:
                break
            task = queue.pop(0)
            await asyncio.sleep(rng.uniform(*args.think))
            training = rec.training
            start = time.perf_counter()
            response = await client.post("/give_answers", json={
                "answers": [dict(task, answer="accept")], "session_id": name})
            response.raise_for_status()
            middle = time.perf_counter()
            more = (await client.post("/get_session_questions", json=body)).json()["tasks"]
            end = time.perf_counter()
            seen = {t["_task_hash"] for t in queue}
            queue.extend(t for t in more if t["_task_hash"] not in seen)
            rec.samples.append({"pair": end - start, "give": middle - start,
                                "get": end - middle, "training": training or rec.training})


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ms = np.asarray(values) * 1000
    return {"n": len(values), "p50": round(float(np.percentile(ms, 50)), 2),
            "p95": round(float(np.percentile(ms, 95)), 2),
            "p99": round(float(np.percentile(ms, 99)), 2), "max": round(float(ms.max()), 2),
            "mean": round(float(ms.mean()), 2)}


async def run(args: argparse.Namespace, url: str) -> tuple[Recorder, float]:
    rec, stop = Recorder(), asyncio.Event()
    rng = random.Random(args.seed)
    async with httpx.AsyncClient(base_url=url, timeout=60, trust_env=False) as client:
        watcher = asyncio.create_task(rec.watch(client, stop))
        started = time.perf_counter()
        await asyncio.gather(*(annotator(f"bench{k}", url, args, rec,
                                         random.Random(rng.random()))
                               for k in range(args.annotators)))
        elapsed = time.perf_counter() - started
        stop.set()
        await watcher
    return rec, elapsed


def report(args: argparse.Namespace, rec: Recorder, elapsed: float,
           model: dict[str, Any]) -> dict[str, Any]:
    during = [s for s in rec.samples if s["training"]]
    history = model.get("history", [])
    train = [h["train_seconds"] for h in history]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "load_average_before": rec.load_before,
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "config": {"annotators": args.annotators, "answers_per_annotator": args.answers,
                   "model": args.model, "source": args.source,
                   "update_every": args.update_every, "think_seconds": list(args.think)},
        "elapsed_seconds": round(elapsed, 2),
        "latency_ms": {
            "submit_then_next": percentiles([s["pair"] for s in rec.samples]),
            "submit_then_next_while_training": percentiles([s["pair"] for s in during]),
            "give_answers": percentiles([s["give"] for s in rec.samples]),
            "get_session_questions": percentiles([s["get"] for s in rec.samples])},
        "target_p95_ms": TARGET_P95_MS,
        "retraining": {"n_updates": model.get("n_updates"), "train_seconds": train,
                       "mean_train_seconds": round(float(np.mean(train)), 2) if train else None,
                       "n_train": [h["n_train"] for h in history],
                       "rescore_seconds": [h["rescore_seconds"] for h in history],
                       "dev_f1": [h["dev_f1"] for h in history]},
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"\n{'latency (ms)':<34}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for name, row in result["latency_ms"].items():
        if row.get("n"):
            print(f"{name:<34}{row['n']:>6}{row['p50']:>9}{row['p95']:>9}{row['p99']:>9}"
                  f"{row['max']:>9}")
    p95 = result["latency_ms"]["submit_then_next"].get("p95")
    verdict = "met" if p95 and p95 <= TARGET_P95_MS else "NOT met"
    print(f"target p95 <= {TARGET_P95_MS} ms: {verdict}")
    retrain = result["retraining"]
    print(f"retraining: {retrain['n_updates']} updates, train seconds {retrain['train_seconds']} "
          f"on {retrain['n_train']} sentences; re-scoring seconds {retrain['rescore_seconds']}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spacy-al-bench-") as tmp:
        proc, url = start_server(args, Path(tmp))
        try:
            wait_for_model(url)  # the initial scoring of the whole pool is over
            rec, elapsed = asyncio.run(run(args, url))
            model = wait_for_model(url)
        finally:
            stop(proc)
    result = report(args, rec, elapsed, model)
    print_table(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
