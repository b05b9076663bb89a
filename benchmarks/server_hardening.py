"""The annotation server after hardening: concurrency, memory under a huge body, kill -9.

Starts ``spacy-al annotate ner.manual`` on 127.0.0.1 (temporary database) and measures:

1. ``--sessions`` annotators x ``--answers`` answers, concurrently (threads), each
   asking for questions and answering them one by one: acknowledged answers lost,
   stored twice, sentences served to two sessions, and the give_answers p50/p95.
2. Server RSS while it rejects a ``--body-mb`` MB chunked POST (sampled every 20 ms).
3. ``--kill-trials`` times: three annotators, ``kill -9`` after at least 15
   acknowledged answers; every acknowledged answer must be stored exactly once.
4. The second pass's probes (``hardening_probes.py``: answer races, session namespace,
   the lock through links, 300 stalled sockets under ``ulimit -n 256``, a full disk,
   damaged files, db-in's bad files and round trips), unless ``--no-probes``.

Only loopback traffic, bounded in count (sessions x answers x 2 requests, one large
body, trials x ~40 requests) and time. Prints a table and writes JSON
(``docs/benchmarks/server_hardening.json`` by default)::

    python benchmarks/server_hardening.py
    python benchmarks/server_hardening.py --kill-trials 5 --body-mb 100
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from hardening_probes import launch, run_all, stop

REPO = Path(__file__).resolve().parents[1]
JSON = {"Content-Type": "application/json"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--answers", type=int, default=60, help="answers per session")
    parser.add_argument("--body-mb", type=int, default=300)
    parser.add_argument("--kill-trials", type=int, default=30)
    parser.add_argument("--no-probes", action="store_true",
                        help="skip the second pass's probes (hardening_probes.py)")
    parser.add_argument("--out", type=Path,
                        default=REPO / "docs" / "benchmarks" / "server_hardening.json")
    return parser.parse_args(argv)


def start(workdir: Path, n_sentences: int, batch: int) -> tuple[subprocess.Popen, str, Path]:
    proc, url, db, _ = launch(workdir, n_sentences, batch)
    return proc, url, db


def stored(db: Path) -> list[dict[str, Any]]:
    from spacy_al.store.database import Database

    database = Database(db)
    try:
        return database.get_dataset_examples("bench")
    finally:
        database.close()


def annotator(url: str, session: str, n: int, out: dict[str, Any], lock: threading.Lock,
              stop_event: threading.Event | None = None) -> None:
    latencies: list[float] = []
    acked: list[tuple[str, str]] = []
    served: list[str] = []
    try:
        with httpx.Client(base_url=url, timeout=60, trust_env=False) as client:
            while len(acked) < n and not (stop_event and stop_event.is_set()):
                tasks = client.post("/get_session_questions",
                                    json={"session_id": session}).json()["tasks"]
                if not tasks:
                    break
                served += [t["_input_hash"] for t in tasks]
                for task in tasks[:n - len(acked)]:
                    body = {"answers": [dict(task, answer="accept")], "session_id": session}
                    began = time.perf_counter()
                    response = client.post("/give_answers", json=body)
                    if response.status_code == 200:
                        latencies.append(time.perf_counter() - began)
                        acked.append((task["_task_hash"], response.json()["session_id"]))
    except httpx.TransportError:
        pass  # killed mid-request (the kill -9 trials)
    with lock:
        out["latencies"] += latencies
        out["acked"] += acked
        out["served"] += [(session, h) for h in served]


def run_annotators(url: str, sessions: int, answers: int,
                   stop_event: threading.Event | None = None) -> tuple[dict, list]:
    out: dict[str, Any] = {"latencies": [], "acked": [], "served": []}
    lock = threading.Lock()
    threads = [threading.Thread(target=annotator,
                                args=(url, f"s{k}", answers, out, lock, stop_event))
               for k in range(sessions)]
    for thread in threads:
        thread.start()
    return out, threads


def concurrency(workdir: Path, sessions: int, answers: int) -> dict[str, Any]:
    proc, url, db = start(workdir, sessions * answers + 100, batch=5)
    began = time.perf_counter()
    out, threads = run_annotators(url, sessions, answers)
    for thread in threads:
        thread.join(600)
    wall = time.perf_counter() - began
    exit_code = stop(proc)
    rows = stored(db)
    keys = Counter((eg["_task_hash"], eg["_session_id"]) for eg in rows)
    by_input = Counter(eg["_input_hash"] for eg in rows)
    sessions_per_input: dict[int, set[str]] = {}
    for session, input_hash in out["served"]:
        sessions_per_input.setdefault(input_hash, set()).add(session)
    ms = np.array(out["latencies"]) * 1000
    return {"sessions": sessions, "answers_per_session": answers,
            "acknowledged": len(out["acked"]), "stored": len(rows),
            "lost": sum(1 for key in out["acked"] if keys[key] == 0),
            "duplicated": sum(c - 1 for c in keys.values() if c > 1)
            + sum(c - 1 for c in by_input.values() if c > 1),
            "served_twice": sum(1 for s in sessions_per_input.values() if len(s) > 1),
            "give_answers_p50_ms": round(float(np.percentile(ms, 50)), 1),
            "give_answers_p95_ms": round(float(np.percentile(ms, 95)), 1),
            "wall_s": round(wall, 1), "sigterm_exit_code": exit_code}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def huge_body(workdir: Path, megabytes: int) -> dict[str, Any]:
    proc, url, _ = start(workdir, 50, batch=5)
    before, peak, done = rss_kib(proc.pid), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(proc.pid))
            time.sleep(0.02)

    def chunks() -> Any:
        yield b'{"answers": ["'
        for _ in range(megabytes):
            yield b"x" * (1 << 20)

    sampler = threading.Thread(target=sample)
    sampler.start()
    began, status = time.perf_counter(), "connection closed by the server"
    try:
        response = httpx.post(url + "/give_answers", content=chunks(), headers=JSON,
                              timeout=120, trust_env=False)
        status = str(response.status_code)
    except httpx.TransportError:
        pass
    seconds = time.perf_counter() - began
    time.sleep(0.3)
    done.set()
    sampler.join()
    healthy = httpx.get(url + "/health", trust_env=False).status_code == 200
    after = rss_kib(proc.pid)
    stop(proc)
    return {"body_mb": megabytes, "response": status, "seconds": round(seconds, 2),
            "rss_before_mb": round(before / 1024, 1), "rss_peak_mb": round(peak[0] / 1024, 1),
            "rss_after_mb": round(after / 1024, 1), "healthy_after": healthy}


def kill_trials(workdir: Path, trials: int) -> dict[str, Any]:
    acked_total, lost, duplicated = 0, 0, 0
    for _ in range(trials):
        proc, url, db = start(workdir, 60, batch=5)
        stop_event = threading.Event()
        out, threads = run_annotators(url, 3, 60, stop_event)
        while len(out["acked"]) < 15 and any(t.is_alive() for t in threads):
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        stop_event.set()
        for thread in threads:
            thread.join(30)
        keys = Counter((eg["_task_hash"], eg["_session_id"]) for eg in stored(db))
        acked_total += len(out["acked"])
        lost += sum(1 for key in out["acked"] if keys[key] == 0)
        duplicated += sum(c - 1 for c in keys.values() if c > 1)
    return {"trials": trials, "acknowledged": acked_total, "lost": lost,
            "duplicated": duplicated}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spacy-al-hardening-") as tmp:
        workdir = Path(tmp)
        result = {"concurrency": concurrency(workdir, args.sessions, args.answers),
                  "huge_body": huge_body(workdir, args.body_mb),
                  "kill_9": kill_trials(workdir, args.kill_trials) if args.kill_trials else {},
                  "issue36": {} if args.no_probes else run_all(workdir),
                  "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}}
    for section in ("concurrency", "huge_body", "kill_9"):
        print(f"\n{section}")
        for key, value in result[section].items():
            print(f"  {key:<24} {value}")
    for probe, values in result["issue36"].items():
        print(f"\n{probe}: {json.dumps(values)[:600]}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return result


if __name__ == "__main__":
    main()
