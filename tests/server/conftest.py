"""Fixtures of the annotation tests: small sources, and real servers in subprocesses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import srsly

from tests.conftest import SENTENCES

REPO = Path(__file__).resolve().parents[2]
MORE = [f"Report {i} came from Paris ." for i in range(40)]
LABELS = "PER,ORG,LOC"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """An annotation server running ``spacy-al annotate`` in a subprocess."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30.0, trust_env=False)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def _limit_files(n: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))


def start_server(args: list[str], db: Path, workdir: Path, timeout: float = 180.0,
                 *, host: str = "127.0.0.1", env: dict[str, str] | None = None,
                 max_files: int | None = None) -> Server:
    """Start ``python -m spacy_al annotate ARGS --db DB`` on a free port; wait for /health.
    ``max_files``: the server's file limit (``ulimit -n``)."""
    port = free_port()
    log = workdir / f"server-{port}.log"
    command = [sys.executable, "-m", "spacy_al", "annotate", *args, "--db", str(db),
               "--host", host, "--port", str(port)]
    with log.open("wb") as handle:
        proc = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=workdir,
                                env={**os.environ, **(env or {})},
                                preexec_fn=None if max_files is None else
                                lambda: _limit_files(max_files))
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"server exited ({proc.returncode}):\n{log.read_text()}")
            try:
                if client.get(server.url + "/health").status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"server not up after {timeout} s:\n{log.read_text()}")


def first_questions(args: list[str], db: Path, workdir: Path, session: str = "alice"
                    ) -> list[dict]:
    """Start ``spacy-al annotate ARGS`` on localhost, take one batch of questions, stop."""
    server = start_server(args, db, workdir)
    try:
        with server.client() as client:
            response = client.post("/get_session_questions", json={"session_id": session})
            assert response.status_code == 200, response.text
            tasks: list[dict] = response.json()["tasks"]
    finally:
        server.stop()
    return tasks


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers; every one still running is stopped after the test."""
    servers: list[Server] = []

    def start(args: list[str], db: Path, **options: object) -> Server:
        server = start_server(args, db, tmp_path, **options)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def manual_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """One ``ner.manual`` server (52 sentences, PER/ORG/LOC, batch 4) shared by a module."""
    workdir = tmp_path_factory.mktemp("manual-server")
    source = workdir / "source.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in SENTENCES + MORE])
    db = workdir / "annotations.db"
    server = start_server(["ner.manual", "api_test", str(source), "--label", LABELS,
                           "--batch-size", "4"], db, workdir)
    yield server, db
    server.stop()
