"""No way to starve the server: stalled sockets, half-sent bodies, disconnects, shutdown,
and uvicorn's own error page (real servers on 127.0.0.1)."""

from __future__ import annotations

import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import srsly

from spacy_al.server.connections import HEADERS_TIMEOUT, SHUTDOWN_TIMEOUT
from tests.server.conftest import LABELS, MORE

STALLED = 300
FILES = 256


def _args(tmp_path: Path) -> list[str]:
    source = tmp_path / "conn.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in MORE])
    return ["ner.manual", "conn", str(source), "--label", LABELS]


def _stalled(port: int, first_bytes: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(first_bytes)
    return sock


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.mark.slow
def test_health_answers_within_1s_under_300_stalled_sockets(tmp_path: Path,
                                                            server_factory) -> None:
    server = server_factory(_args(tmp_path), tmp_path / "c.db", max_files=FILES)
    port = _port(server.url)
    sockets = [_stalled(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
               for _ in range(STALLED)]
    stop = threading.Event()

    def reopen() -> None:  # an attacker keeps 300 sockets stalled, reopening closed ones
        while not stop.is_set():
            for i, sock in enumerate(sockets):
                sock.settimeout(0.001)
                try:
                    closed = sock.recv(1) == b""
                except (TimeoutError, BlockingIOError):
                    closed = False
                except OSError:
                    closed = True
                if closed:
                    sock.close()
                    try:
                        sockets[i] = _stalled(port, b"GET /health HTTP/1.1\r\n")
                    except OSError:
                        pass
            time.sleep(0.2)

    attacker = threading.Thread(target=reopen, daemon=True)
    attacker.start()
    slowest = 0.0
    try:
        deadline = time.monotonic() + HEADERS_TIMEOUT + 4
        while time.monotonic() < deadline:
            started = time.monotonic()
            reply = httpx.get(server.url + "/health", timeout=1.0, trust_env=False)
            assert reply.status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.25)
    finally:
        stop.set()
        attacker.join(10)
        for sock in sockets:
            sock.close()
    assert slowest <= 1.0
    log = server.log.read_text()
    assert "Too many open files" not in log and len(log) < 20_000, log[-2000:]


def test_disconnects_timeouts_shutdown_and_the_raw_400(tmp_path: Path, server_factory) -> None:
    server = server_factory(_args(tmp_path), tmp_path / "d.db")
    port = _port(server.url)
    body_start = (b"POST /give_answers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                  b"application/json\r\nContent-Length: 5000\r\n\r\n{\"answers\": [")
    for _ in range(20):  # clients that give up mid-body
        _stalled(port, body_start).close()
    raw = _stalled(port, b"NOT HTTP AT ALL\r\n\r\n")
    reply = raw.recv(4096).decode("latin-1").lower()
    assert reply.startswith("http/1.1 400") and "content-security-policy:" in reply
    assert "x-frame-options: deny" in reply and "x-content-type-options: nosniff" in reply
    raw.close()
    time.sleep(1.0)
    log = server.log.read_text()
    assert "Traceback" not in log, log[-3000:]
    assert log.count("the client disconnected before its request was complete") == 20
    with httpx.Client(base_url=server.url, trust_env=False) as client:  # still serving
        assert client.get("/health").status_code == 200
    stalled_body = _stalled(port, body_start)  # a client stalling its body at shutdown
    stalled_headers = _stalled(port, b"GET / HTTP/1.1\r\n")
    started = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(30) == 0
    # uvicorn waits SHUTDOWN_TIMEOUT at most; the rest is the process's exit (2 s idle,
    # more on a loaded machine); before the bound: 31 s
    assert time.monotonic() - started < SHUTDOWN_TIMEOUT + 10
    stalled_body.close()
    stalled_headers.close()
    log = server.log.read_text()
    assert "CancelledError" not in log and "Traceback" not in log, log[-3000:]


@pytest.mark.slow
def test_a_full_disk_answers_507_and_loses_nothing_acknowledged(tmp_path: Path,
                                                               server_factory) -> None:
    """A real full filesystem (a 600 KB tmpfs; root only): 507, never another 5xx."""
    import os
    import subprocess

    from spacy_al.store.database import Database

    disk = tmp_path / "tiny"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs",
                                            str(disk)], capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a 600 KB tmpfs")
    try:
        server = server_factory([*_args(tmp_path), "--pool-cache", str(tmp_path / "pools")],
                                disk / "full.db")
        statuses: list[int] = []
        acked: set[int] = set()
        with httpx.Client(base_url=server.url, timeout=60, trust_env=False) as client:
            while statuses.count(507) < 20 and len(statuses) < 400:
                tasks = client.post("/get_session_questions", json={"session_id": "a"}
                                    ).json()["tasks"]
                for task in tasks:
                    reply = client.post("/give_answers", json={"answers": [dict(
                        task, answer="accept", spans=[], pad="x" * 1500)], "session_id": "a"})
                    statuses.append(reply.status_code)
                    if reply.status_code == 200:
                        acked.add(task["_task_hash"])
                    else:
                        assert "is full" in reply.json()["error"]
        assert 507 in statuses and set(statuses) <= {200, 507}
        server.stop()
        stored = {eg["_task_hash"] for eg in Database(disk / "full.db").get_dataset_examples(
            "conn")}
        assert acked == stored  # acknowledged = stored; refused = not stored
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
