"""A live ``ner.al-correct`` session on a pool of a million sentences: memory and waits.

Builds a pool file of ``--sentences`` lines (the distinct sentences of the shared
CoNLL-2003 and OntoNotes corpora, repeated with a distinguishing `` #k`` suffix once
they run out), then for each ``--model`` starts ``spacy-al annotate ner.al-correct`` on
127.0.0.1 with a temporary database and measures:

- ``first_question_seconds``: process start to the first question served, the pool
  streamed into its Arrow cache on the way (a first start); ``first_question_cached_seconds``
  the same on a second start that finds the cache;
- ``reranked_after_update_seconds``: from the answer that completes ``--update-every``
  accepted answers to the first questions of the updated model (training included;
  ``train_seconds`` and ``rescore_seconds`` split it); ``whole_rescore_seconds``: the
  worker's seconds re-scoring the whole pool with the updated model (training excluded);
- ``server_peak_rss_mb`` and ``worker_peak_rss_mb``: the peak resident memory (VmHWM:
  anonymous and file-backed pages, the memory map's included) of the server process and
  of its model worker over the first start; ``*_cached_*`` the same over the second
  start (the pool read from its cache, then one update).

Prints a table and writes JSON (``docs/benchmarks/scale.json`` by default)::

    python benchmarks/live_session_scale.py --sentences 1000000 --model default tok2vec
    python benchmarks/live_session_scale.py --sentences 20000 --model tok2vec --json /tmp/s.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from live_server import HOST, free_port, model_stats, stop  # noqa: E402 - after the path
from pool_file import RssWatch, pool_file  # noqa: E402

from spacy_al.benchmark.hardware import describe_hardware  # noqa: E402

LABELS = "PER,ORG,LOC,MISC"
TARGETS = {"rss_mb": 2048, "first_question_seconds": 60, "reranked_after_update_seconds": 60}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--model", nargs="+", default=["default", "tok2vec"],
                        help="default (embedded transformer), tok2vec, or a pipeline path")
    parser.add_argument("--update-every", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the pool file and caches go (default: a temporary folder)")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--json", type=Path, default=REPO / "docs" / "benchmarks" / "scale.json")
    parser.add_argument("recipe_args", nargs=argparse.REMAINDER,
                        help="after --: more ner.al-correct arguments (--worker-threads 2)")
    return parser.parse_args(argv)


def start_server(model: str, pool: Path, work: Path, port: int, update_every: int,
                 extra: list[str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "spacy_al", "annotate", "ner.al-correct", "bench_scale",
               model, str(pool), "--label", LABELS, "--loader", "text",
               "--update-every", str(update_every), "--output", str(work / f"model-{port}"),
               "--db", str(work / "bench.db"), "--host", HOST, "--port", str(port),
               *[a for a in extra if a != "--"]]
    log = (work / f"server-{port}.log").open("wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=work)


def first_questions(url: str, session: str, proc: subprocess.Popen[bytes] | None,
                    timeout: float) -> list[dict[str, Any]]:
    """Ask until the server answers with questions (it listens once the first are ready);
    stop early if ``proc`` (the server, when this script started it) has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            response = httpx.post(url + "/get_session_questions", timeout=30, trust_env=False,
                                  json={"session_id": session})
            tasks = response.json().get("tasks") if response.status_code == 200 else None
            if tasks:
                return list(tasks)
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"no question within {timeout:.0f} s")


def answer_until_update(url: str, tasks: list[dict[str, Any]], n: int,
                        session: str = "bench") -> float:
    """Accept ``n`` questions (the model's spans as they are); return when the last went in."""
    queue, given = list(tasks), 0
    while given < n:
        if not queue:
            queue = first_questions(url, session, None, 120)
        task = queue.pop(0)
        response = httpx.post(url + "/give_answers", timeout=60, trust_env=False,
                              json={"answers": [dict(task, answer="accept")],
                                    "session_id": session})
        response.raise_for_status()
        given += 1
    return time.monotonic()


def wait_for_update(url: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = model_stats(url)
        if stats.get("n_updates", 0) >= 1:
            return stats
        time.sleep(0.2)
    raise SystemExit(f"no model update within {timeout:.0f} s")


def wait_for_whole_rescore(url: str, timeout: float) -> float | None:
    """Seconds the worker took to re-score the whole pool after the update (its history's
    ``whole_rescore_seconds``), once it is there; None if not within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last = (model_stats(url).get("history") or [{}])[-1]
        if last.get("whole_rescore_seconds") is not None:
            return float(last["whole_rescore_seconds"])
        time.sleep(1.0)
    return None


def pool_size(url: str) -> int:
    return int(httpx.get(url + "/progress", timeout=30, trust_env=False).json()["pool_size"])


def wait_for_pool(url: str, first: int, n: int, began: float, timeout: float) -> float | None:
    """Seconds from start until the session holds the whole pool (a first start begins on
    ``first`` sentences and reads the rest in the background), or None if it did not
    within ``timeout``. (The whole pool may hold a few sentences fewer than ``n``: 32-bit
    input hashes of a million texts collide about a hundred times.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        size = pool_size(url)
        if size > first or size >= n:
            return round(time.monotonic() - began, 2)
        time.sleep(0.5)
    return None


def run_model(model: str, pool: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    url = f"http://{HOST}:{port}"
    began = time.monotonic()
    proc = start_server(model, pool, work, port, args.update_every, args.recipe_args)
    watch = RssWatch(proc.pid)
    try:
        tasks = first_questions(url, "bench", proc, args.timeout)
        first = time.monotonic() - began
        first_size = pool_size(url)
        last_answer = answer_until_update(url, tasks, args.update_every)
        stats = wait_for_update(url, args.timeout)
        first_questions(url, "after-update", proc, args.timeout)
        reranked = time.monotonic() - last_answer
        grown = (wait_for_pool(url, first_size, args.sentences, began, args.timeout)
                 if first_size < args.sentences * 0.99 else 0.0)
        stats = model_stats(url)
        whole = pool_size(url)
        whole_rescore = wait_for_whole_rescore(url, args.timeout)
    finally:
        peaks = watch.stop()
        stop(proc)
    port = free_port()
    began = time.monotonic()
    again = start_server(model, pool, work, port, args.update_every, args.recipe_args)
    cached_watch = RssWatch(again.pid)
    try:
        tasks = first_questions(f"http://{HOST}:{port}", "bench-cached", again, args.timeout)
        cached = time.monotonic() - began
        last_answer = answer_until_update(f"http://{HOST}:{port}", tasks, args.update_every,
                                          "bench-cached")
        wait_for_update(f"http://{HOST}:{port}", args.timeout)
        first_questions(f"http://{HOST}:{port}", "after-update-cached", again, args.timeout)
        reranked_cached = time.monotonic() - last_answer
    finally:
        cached_peaks = cached_watch.stop()
        stop(again)
    last = (stats.get("history") or [{}])[-1]
    return {"model": model, "architecture": "tok2vec" if model == "tok2vec" else "transformer",
            "recipe_args": [a for a in args.recipe_args if a != "--"],
            "pool_sentences": args.sentences, "first_pool_size": first_size,
            "whole_pool_size": whole, "server_peak_rss_mb": peaks["server"],
            "worker_peak_rss_mb": peaks["worker"],
            "pool_writer_peak_rss_mb": peaks["pool_writer"],
            "total_peak_rss_mb": round(sum(peaks.values()), 1),
            "pool_grown_seconds": grown,
            "first_question_seconds": round(first, 2),
            "first_question_cached_seconds": round(cached, 2),
            "reranked_after_update_seconds": round(reranked, 2),
            "reranked_after_update_cached_seconds": round(reranked_cached, 2),
            "server_peak_rss_cached_mb": cached_peaks["server"],
            "worker_peak_rss_cached_mb": cached_peaks["worker"],
            "total_peak_rss_cached_mb": round(sum(cached_peaks.values()), 1),
            "train_seconds": last.get("train_seconds"),
            "rescore_seconds": last.get("rescore_seconds"), "rescored": last.get("rescored"),
            "whole_rescore_seconds": whole_rescore,
            "ranked_share_after_update": stats.get("ranked_share")}


def print_table(rows: list[dict[str, Any]]) -> None:
    keys = ("architecture", "pool_sentences", "server_peak_rss_mb", "worker_peak_rss_mb",
            "server_peak_rss_cached_mb", "worker_peak_rss_cached_mb",
            "first_question_seconds", "first_question_cached_seconds",
            "reranked_after_update_seconds", "train_seconds", "rescore_seconds",
            "whole_rescore_seconds")
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row.get(k)) for k in keys))
    for row in rows:
        pair = max(row["server_peak_rss_mb"] + row["worker_peak_rss_mb"],
                   row["server_peak_rss_cached_mb"] + row["worker_peak_rss_cached_mb"])
        met = (pair <= TARGETS["rss_mb"],
               row["first_question_seconds"] <= TARGETS["first_question_seconds"],
               row["reranked_after_update_seconds"] <= TARGETS["reranked_after_update_seconds"])
        print(f"{row['architecture']}: server + worker RSS<=2 GB {met[0]} ({pair:.0f} MB; "
              f"+{row['pool_writer_peak_rss_mb']:.0f} MB pool writer on a first start), "
              f"first question<=60 s {met[1]}, "
              f"re-ranked<=60 s {met[2]}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spacy-al-scale-") as tmp:
        work = args.workdir or Path(tmp)
        pool = pool_file(work, args.sentences)
        rows = []
        for model in args.model:
            for stale in work.glob("bench.db*"):  # a fresh database and cache per model
                subprocess.run(["rm", "-rf", str(stale)], check=True)
            rows.append(run_model(model, pool, work, args))
            print(json.dumps(rows[-1]), flush=True)
    result = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "hardware": describe_hardware(),
              "cpus": os.cpu_count(), "update_every": args.update_every, "targets": TARGETS,
              "live_sessions": rows}
    previous = json.loads(args.json.read_text()) if args.json.is_file() else {}
    ran = {row["model"] for row in rows}  # rows of models not run this time are kept
    result["live_sessions"] = [r for r in previous.get("live_sessions", [])
                               if r.get("model") not in ran] + rows
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**previous, **result}, indent=1) + "\n")
    print_table(rows)


if __name__ == "__main__":
    main()
