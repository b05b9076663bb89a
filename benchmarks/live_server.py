"""What the benchmarks that drive a real recipe server share: start it, ask, answer, wait.

``start_recipe`` runs ``python -m spacy_al annotate RECIPE ...`` on 127.0.0.1 (a free
port, the database and log in ``workdir``) and returns once ``/health`` answers;
``questions`` / ``give_answer`` talk to it as the web UI does; ``model_stats`` and
``wait_for_model`` read ``/progress`` → ``model``. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_recipe(recipe_args: Sequence[str], workdir: Path, *, db: Path | None = None,
                 env: Mapping[str, str] | None = None, timeout: float = 900.0,
                 log_name: str = "server.log") -> tuple[subprocess.Popen[bytes], str]:
    """Start ``spacy-al annotate RECIPE_ARGS`` on a free port of 127.0.0.1; return the
    process and its URL once ``/health`` answers (exit with the log if it dies first)."""
    port = free_port()
    command = [sys.executable, "-m", "spacy_al", "annotate", *recipe_args,
               "--db", str(db or workdir / "bench.db"), "--host", HOST, "--port", str(port)]
    log_path = workdir / log_name
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                                env={**os.environ, **(env or {})})
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(log_path.read_text(encoding="utf8", errors="replace")[-4000:])
        try:
            if httpx.get(url + "/health", timeout=2, trust_env=False).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"the server did not start in {timeout:.0f} s (log: {log_path})")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server (and so its worker); kill it after 60 s."""
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=60)


def model_stats(url: str) -> dict[str, Any]:
    return dict(httpx.get(url + "/progress", timeout=60, trust_env=False).json()["model"])


def wait_until(url: str, done: Callable[[dict[str, Any]], bool], timeout: float,
               poll: float = 0.5) -> tuple[dict[str, Any], bool]:
    """Poll the model's stats until ``done(stats)``; the last stats and whether it was.
    A model error ends the wait at once (SystemExit)."""
    deadline = time.monotonic() + timeout
    while True:
        stats = model_stats(url)
        if stats.get("error"):
            raise SystemExit(f"the model worker failed: {stats['error']}")
        if done(stats):
            return stats, True
        if time.monotonic() > deadline:
            return stats, False
        time.sleep(poll)


def wait_for_model(url: str, timeout: float = 900) -> dict[str, Any]:
    """The model's stats once it is idle: the pool scored, no training in progress."""
    return wait_until(url, lambda model: model["state"] == "idle", timeout, poll=1.0)[0]


def questions(client: httpx.Client, session: str, timeout: float = 300.0
              ) -> list[dict[str, Any]]:
    """The next batch of questions for ``session`` (empty once the stream is exhausted);
    retried while the server is busy or still preparing its first questions."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = client.post("/get_session_questions", json={"session_id": session})
            if response.status_code == 200:
                return list(response.json().get("tasks") or [])
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"no questions for session {session!r} within {timeout:.0f} s")
        time.sleep(0.5)


def give_answer(client: httpx.Client, session: str, answer: dict[str, Any]) -> None:
    response = client.post("/give_answers", json={"answers": [answer], "session_id": session})
    response.raise_for_status()
