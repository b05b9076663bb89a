"""The second hardening pass's probes (issue 36), run by ``server_hardening.py``.

Each probe starts real servers (``spacy-al annotate ner.manual``) or runs real commands
on 127.0.0.1 and temporary files, bounded in count and time:

- ``race``: two sessions answer one sentence at the same instant (one was served it),
  N times: sentences left with two unmarked answers, and whose answer data-to-spacy keeps;
- ``namespace``: answers of session ``gold`` with a dataset ``ds-gold`` present, and a
  ``db-in`` file naming ``_session_id: other_dataset``: rows written outside the dataset;
- ``lock``: a second server on the same file through a symlink and a hard link;
- ``stalled``: 300 stalled sockets against a server under ``ulimit -n 256``: the slowest
  ``/health`` over the header deadline and beyond, the log's size; 50 clients that
  disconnect mid-body; SIGTERM with a stalled client; uvicorn's own 400's headers;
- ``storage``: answers against a database on a 600 KB tmpfs (root only) by status,
  lost acknowledged answers; damaged database files at start and in ``db-out``;
- ``db_in``: a corpus of bad files (all or nothing); ``db-out`` -> ``db-in`` -> ``db-out``.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch(workdir: Path, n_sentences: int, batch: int = 5, *, db: Path | None = None,
           extra: tuple[str, ...] = (), max_files: int | None = None,
           ) -> tuple[subprocess.Popen, str, Path, Path]:
    """A ``ner.manual`` server (dataset ``bench``) on a free port: process, URL, db, log."""
    source = workdir / f"source-{n_sentences}.jsonl"
    source.write_text("".join(json.dumps({"text": f"Sentence {i} names Anna in Paris ."}) + "\n"
                              for i in range(n_sentences)))
    db = db or workdir / f"bench-{time.monotonic_ns()}.db"
    port = free_port()
    log = workdir / f"server-{port}.log"

    def limit() -> None:
        if max_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max_files, max_files))

    with log.open("wb") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "spacy_al", "annotate", "ner.manual", "bench", str(source),
             "--label", "PER,LOC", "--batch-size", str(batch), "--db", str(db),
             "--port", str(port), *extra],
            stdout=handle, stderr=subprocess.STDOUT, cwd=workdir, preexec_fn=limit)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(url + "/health", timeout=1, trust_env=False).status_code == 200:
                return proc, url, db, log
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the server did not start: see {log}")


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(60)


def _rows(db: Path, dataset: str = "bench") -> list[dict[str, Any]]:
    from spacy_al.store.database import Database

    database = Database(db)
    try:
        return database.get_dataset_examples(dataset) if dataset in database else []
    finally:
        database.close()


def _answer(client: httpx.Client, task: dict, session: str, **extra: Any) -> httpx.Response:
    return client.post("/give_answers", json={
        "answers": [dict(task, answer="accept", spans=[], **extra)], "session_id": session})


def race(workdir: Path, races: int = 200) -> dict[str, Any]:
    proc, url, db, _ = launch(workdir, races + 10, batch=1)
    barrier = threading.Barrier(2)
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as anna, \
            httpx.Client(base_url=url, timeout=60, trust_env=False) as bert:
        for _ in range(races):
            task = anna.post("/get_session_questions", json={"session_id": "anna"}
                             ).json()["tasks"][0]

            def post(client: httpx.Client, session: str, task: dict = task) -> None:
                barrier.wait()
                statuses[_answer(client, task, session).status_code] += 1

            threads = [threading.Thread(target=post, args=(c, s))
                       for c, s in ((anna, "anna"), (bert, "bert"))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
    stop(proc)
    by_input: dict[int, list[dict]] = {}
    for eg in _rows(db):
        by_input.setdefault(eg["_input_hash"], []).append(eg)
    unmarked = [sum(1 for eg in egs if "_answered_before_by" not in eg) for egs in
                by_input.values()]
    kept_first = sum(1 for egs in by_input.values() if "_answered_before_by" not in egs[0])
    return {"races": races, "statuses": dict(statuses), "sentences": len(by_input),
            "unmarked_double_answers": sum(1 for n in unmarked if n > 1),
            "no_first_answer": sum(1 for n in unmarked if n == 0),
            "first_committed_is_the_kept_one": kept_first}


def namespace(workdir: Path) -> dict[str, Any]:
    from spacy_al.store.database import Database

    db = workdir / "namespace.db"
    Database(db).add_dataset("bench-gold")
    Database(db).add_dataset("other_dataset")
    proc, url, db, _ = launch(workdir, 20, db=db)
    with httpx.Client(base_url=url, timeout=30, trust_env=False) as client:
        task = client.post("/get_session_questions", json={"session_id": "anna"}
                           ).json()["tasks"][0]
        statuses = [_answer(client, task, session).status_code
                    for session in ("gold", "bench-gold", "gold\n", "other_dataset")]
    stop(proc)
    source = workdir / "other.jsonl"
    source.write_text(json.dumps({"text": "Anna lives in Paris .",
                                  "_session_id": "other_dataset"}) + "\n")
    db_in = subprocess.run([sys.executable, "-m", "spacy_al", "db-in", "bench", str(source),
                            "--db", str(db)], capture_output=True, text=True, timeout=120)
    outside = len(_rows(db, "bench-gold")) + len(_rows(db, "other_dataset"))
    return {"server_statuses_gold_bench-gold_newline_other": statuses,
            "db_in_exit": db_in.returncode, "db_in_output": db_in.stdout.strip()[-200:],
            "rows_written_outside_the_dataset": outside}


def lock(workdir: Path) -> dict[str, Any]:
    proc, _, db, _ = launch(workdir, 20)
    results = {}
    for kind in ("symlink", "hardlink"):
        alias = workdir / f"{kind}-dir" / "alias.db"
        alias.parent.mkdir(exist_ok=True)
        alias.symlink_to(db) if kind == "symlink" else alias.hardlink_to(db)
        second = subprocess.run(
            [sys.executable, "-m", "spacy_al", "annotate", "ner.manual", "bench",
             str(workdir / "source-20.jsonl"), "--label", "PER", "--db", str(alias),
             "--port", str(free_port())], capture_output=True, text=True, timeout=180)
        results[kind] = {"exit": second.returncode,
                         "refused": "in use by another spacy-al server" in second.stderr,
                         "names_pid": f"pid {proc.pid}" in second.stderr}
    stop(proc)
    return results


def _stall(port: int, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(data)
    return sock


def stalled(workdir: Path, n: int = 300, files: int = 256, seconds: float = 15.0
            ) -> dict[str, Any]:
    proc, url, _, log = launch(workdir, 40, max_files=files)
    port = int(url.rsplit(":", 1)[1])
    sockets = [_stall(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n") for _ in range(n)]
    latencies, failures = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        began = time.monotonic()
        try:
            ok = httpx.get(url + "/health", timeout=1.0, trust_env=False).status_code == 200
        except httpx.TransportError:
            ok = False
        failures += not ok
        latencies.append(time.monotonic() - began)
        time.sleep(0.2)
    closed_by_server = sum(1 for sock in sockets if _closed(sock))
    for sock in sockets:
        sock.close()
    body = (b"POST /give_answers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
            b"\r\nContent-Length: 5000\r\n\r\n{\"answers\": [")
    size_before = log.stat().st_size
    for _ in range(50):
        _stall(port, body).close()
    time.sleep(1.5)
    disconnect_log = log.read_text()[size_before:]
    raw = _stall(port, b"NOT HTTP\r\n\r\n")
    raw_400 = raw.recv(4096).decode("latin-1").lower()
    raw.close()
    held = [_stall(port, body), _stall(port, b"GET / HTTP/1.1\r\n")]
    began = time.monotonic()
    exit_code = stop(proc)
    shutdown_s = time.monotonic() - began
    for sock in held:
        sock.close()
    text = log.read_text()
    return {"stalled_sockets": n, "ulimit_n": files, "health_requests": len(latencies),
            "health_failures": failures, "health_max_s": round(max(latencies), 3),
            "stalled_closed_by_the_server": closed_by_server,
            "too_many_open_files_lines": text.count("Too many open files"),
            "log_bytes": len(text.encode()),
            "disconnects": 50, "disconnect_log_lines": len(disconnect_log.splitlines()),
            "disconnect_tracebacks": disconnect_log.count("Traceback"),
            "raw_400_has_security_headers": all(h in raw_400 for h in (
                "content-security-policy:", "x-content-type-options:", "x-frame-options:",
                "referrer-policy:")),
            "sigterm_with_stalled_clients_s": round(shutdown_s, 2), "sigterm_exit": exit_code,
            "cancelled_errors_logged": text.count("CancelledError")}


def _closed(sock: socket.socket) -> bool:
    sock.settimeout(0.01)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def full_disk(workdir: Path, answers: int = 600) -> dict[str, Any]:
    if os.geteuid() != 0:
        return {"skipped": "needs root to mount a 600 KB tmpfs"}
    disk = workdir / "tiny"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)], check=True)
    try:
        proc, url, db, _ = launch(workdir, answers + 20, batch=10, db=disk / "full.db",
                                  extra=("--pool-cache", str(workdir / "pools")))
        statuses: Counter[int] = Counter()
        acked = []
        with httpx.Client(base_url=url, timeout=60, trust_env=False) as client:
            while sum(statuses.values()) < answers:
                tasks = client.post("/get_session_questions", json={"session_id": "a"}
                                    ).json()["tasks"]
                for task in tasks:
                    reply = _answer(client, task, "a", pad="x" * 1500)
                    statuses[reply.status_code] += 1
                    if reply.status_code == 200:
                        acked.append(task["_task_hash"])
        stop(proc)
        stored = {eg["_task_hash"] for eg in _rows(db)}
    finally:
        subprocess.run(["umount", str(disk)], check=False)
    return {"filesystem_kb": 600, "answers_sent": sum(statuses.values()),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "5xx_other_than_507": sum(v for k, v in statuses.items() if k >= 500 and k != 507),
            "acknowledged": len(acked), "acknowledged_lost": len(set(acked) - stored)}


def damaged(workdir: Path) -> dict[str, Any]:
    from spacy_al.store.database import Database
    from spacy_al.tasks import set_hashes

    def filled(path: Path) -> bytes:
        database = Database(path)
        database.add_examples([set_hashes({"text": f"S {i} .", "answer": "accept", "pad": "x" *
                                           300}) for i in range(200)], datasets=["bench"])
        database.close()
        return path.read_bytes()

    good = filled(workdir / "good.db")
    page = 4096
    kinds = {
        "garbage": b"not sqlite" * 500, "empty header": b"\x00" * 100 + good[100:],
        "truncated 100 B": good[:100], "truncated 1 page": good[: page + 100],
        "schema page": good[:100] + os.urandom(page - 100) + good[page:],
        "data pages": good[: 2 * page] + b"\xff" * 4 * page + good[6 * page:],
        "magic": b"SQLite format 4\x00" + good[16:], "page size": good[:16] + b"\x00\x07" +
        good[18:], "tail pages": good[: len(good) - 3 * page] + os.urandom(3 * page)}
    results = {}
    source = workdir / "source-20.jsonl"
    source.write_text(json.dumps({"text": "Anna lives in Paris ."}) + "\n")
    for name, data in kinds.items():
        path = workdir / f"damaged-{name.replace(' ', '_')}.db"
        path.write_bytes(data)
        clean = []
        for command in (["db-out", "bench"], ["annotate", "ner.manual", "bench", str(source),
                                              "--label", "PER", "--port", str(free_port())]):
            run = subprocess.run([sys.executable, "-m", "spacy_al", *command, "--db", str(path)],
                                 capture_output=True, text=True, timeout=120)
            output = run.stdout + run.stderr
            clean.append(run.returncode == 0 or ("Traceback" not in output and str(path) in
                                                 output and "Fix:" in output))
        results[name] = {"db_out_clean": clean[0], "annotate_clean": clean[1]}
    return {"kinds": len(kinds), "clean_everywhere": sum(all(r.values()) for r in
                                                         results.values()), "by_kind": results}


def db_in(workdir: Path, round_trips: int = 50) -> dict[str, Any]:
    from spacy_al.errors import SpacyALError
    from spacy_al.store.database import Database
    from spacy_al.store.export import db_out
    from spacy_al.store.importer import import_file

    text = "Ada Lovelace lived in London"
    good = {"text": text, "spans": [{"start": 0, "end": 12, "label": "PER"}]}
    span = {"start": 0, "end": 12, "token_start": 0, "token_end": 1, "label": "PER"}
    bad: list[dict[str, Any]] = [
           {"_input_hash": "abc"}, {"_input_hash": 2**70}, {"_task_hash": 1.5},
           {"spans": [{**span, "token_end": 9}]}, {"spans": [{**span, "token_start": -1}]},
           {"spans": [span, {**span, "start": 4, "token_start": 1, "label": "ORG"}]},
           {"spans": [{**span, "token_end": 2}]}, {"spans": [{**span, "text": "Ada"}]},
           {"tokens": "abc"}, {"spans": 5}, {"_session_id": "x\n"}, {"answer": "maybe"}]
    lines = [json.dumps({**good, "_session_id": "second", **change}) for change in bad] + [
        '{"text": "\\ud800"}', '{"text": "a", "meta": ' + "[" * 100000 + "]" * 100000 + "}",
        '{"text": "a", "score": NaN}', "[1]", '{"text": ']
    all_or_nothing = clean = 0
    for i, line in enumerate(lines):
        source = workdir / f"bad-{i}.jsonl"
        source.write_text(json.dumps({**good, "_session_id": "first"}) + "\n" + line + "\n")
        database = Database(workdir / f"bad-{i}.db")
        try:
            import_file(database, "bench", source)
        except SpacyALError as err:
            clean += f"{source}, line 2" in str(err)
        all_or_nothing += "bench" not in database
    rng = random.Random(0)
    exact = 0
    for i in range(round_trips):
        floats = [rng.uniform(-1e9, 1e9), 1e-20, 3.141592653589793, 1.7976931348623157e308,
                  5e-324, rng.random() * 10 ** rng.randint(-300, 300)]
        source = workdir / f"rt-{i}.jsonl"
        source.write_text(json.dumps({**good, "meta": {"floats": floats}}) + "\n")
        outputs = []
        for step in range(2):
            database = Database(workdir / f"rt-{i}-{step}.db")
            import_file(database, "bench", source)
            out = workdir / f"rt-{i}-{step}.out.jsonl"
            with out.open("w", encoding="utf8") as handle:
                db_out(database, "bench", handle)
            outputs.append(out.read_bytes())
            source = out
        exact += outputs[0] == outputs[1] and json.loads(outputs[0])["meta"]["floats"] == floats
    return {"bad_files": len(lines), "all_or_nothing": all_or_nothing,
            "clean_error_naming_file_and_line": clean,
            "round_trips": round_trips, "round_trips_exact": exact}


def run_all(workdir: Path) -> dict[str, Any]:
    return {"race": race(workdir), "namespace": namespace(workdir), "lock": lock(workdir),
            "stalled": stalled(workdir), "full_disk": full_disk(workdir),
            "damaged": damaged(workdir), "db_in": db_in(workdir)}
