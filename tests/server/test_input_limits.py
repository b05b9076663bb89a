"""Input the server must refuse with a 4xx, writing nothing (defects 2, 3, 4 and 8)."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx

from spacy_al.server.json_body import MAX_BODY
from spacy_al.store.strict_json import MAX_DEPTH
from spacy_al.store.validation import MAX_ANSWER_BYTES, MAX_ERRORS

JSON = {"Content-Type": "application/json"}


def _count(db: Path, table: str = "examples") -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _answer(client: httpx.Client, session: str) -> dict:
    response = client.post("/get_session_questions", json={"session_id": session})
    return dict(response.json()["tasks"][0], answer="accept", spans=[])


def _raw(answer: dict, session: str, inject: str) -> bytes:
    """The body as raw JSON with ``inject`` (raw JSON text) as ``meta.s``."""
    body = json.dumps({"answers": [dict(answer, meta={"s": "@@"})], "session_id": session})
    return body.replace('"@@"', inject).encode()


def test_non_finite_numbers_surrogates_and_deep_nesting_are_refused(manual_server) -> None:
    server, db = manual_server
    with server.client() as client:
        answer = _answer(client, "strict")
        before, datasets = _count(db), _count(db, "datasets")
        cases = {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity",
                 "1e999": "too large", '"\\ud800"': "lone surrogate",
                 '"a\\udfffb"': "lone surrogate", "1" * 30: "64 bits",
                 "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1): "deeper than"}
        for inject, message in cases.items():
            response = client.post("/give_answers", content=_raw(answer, "strict", inject),
                                   headers=JSON)
            assert response.status_code == 400, (inject, response.text)
            assert message in response.json()["error"], (inject, response.json())
        deep = client.post("/give_answers", content=b"[" * 100_000, headers=JSON)
        assert deep.status_code == 400 and "deeper than" in deep.json()["error"]
        key = client.post("/give_answers", headers=JSON,
                          content=_raw(answer, "strict", '{"\\udc00": 1}'))
        assert key.status_code == 400
        assert _count(db) == before and _count(db, "datasets") == datasets
        # the same connection still works (no reset after a refusal)
        ok = client.post("/give_answers", content=_raw(answer, "strict", "1.5"), headers=JSON)
        assert ok.status_code == 200, ok.text


def test_db_out_reads_back_everything(manual_server, tmp_path: Path) -> None:
    server, db = manual_server
    with server.client() as client:
        answer = _answer(client, "export")
        body = _raw(answer, "export", '"\\ud83d\\ude00 ok"')  # a valid pair is fine
        assert client.post("/give_answers", content=body, headers=JSON).status_code == 200
    out = tmp_path / "out.jsonl"
    done = subprocess.run([sys.executable, "-m", "spacy_al", "db-out", "api_test", str(out),
                           "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf8").splitlines()]
    assert any(eg.get("meta", {}).get("s") == "\U0001f600 ok" for eg in lines)


def test_oversized_answer_and_duplicates_in_a_batch(manual_server) -> None:
    server, db = manual_server
    with server.client() as client:
        answer = _answer(client, "big")
        before = _count(db)
        huge = dict(answer, junk="x" * (MAX_ANSWER_BYTES + 10))
        response = client.post("/give_answers", json={"answers": [huge], "session_id": "big"})
        assert response.status_code == 400 and "KiB" in response.json()["error"]
        twice = client.post("/give_answers", json={"answers": [answer, answer],
                                                   "session_id": "big"})
        assert twice.status_code == 400 and "answers[0]" in twice.json()["error"]
        assert _count(db) == before
        once = client.post("/give_answers", json={"answers": [answer], "session_id": "big"})
        assert once.json()["saved"] == 1 and _count(db) == before + 1


def test_error_lists_are_capped(manual_server) -> None:
    server, _ = manual_server
    with server.client() as client:
        response = client.post("/give_answers", json={"answers": [{}] * 900})
        assert response.status_code == 400
        assert len(response.content) < 20_000
        errors = response.json()["errors"]
        assert len(errors) == MAX_ERRORS + 1 and errors[-1] == f"... and {3600 - MAX_ERRORS} more"
        long = client.post("/give_answers", json={"answers": [{"answer": "x" * 100_000}]})
        assert long.status_code == 400 and len(long.content) < 5_000
        many = client.post("/give_answers", json={"answers": [{}] * 2000})
        assert many.status_code == 400 and "smaller batches" in many.json()["error"]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _chunks(total: int, size: int = 1 << 20) -> Iterator[bytes]:
    yield b'{"answers": ["'
    for _ in range(total // size):
        yield b"x" * size


def test_body_limit_is_enforced_while_reading(manual_server) -> None:
    server, db = manual_server
    before, rss = _count(db), _rss_kib(server.proc.pid)
    with server.client() as client:
        try:  # chunked: the server answers 413 and closes as soon as MAX_BODY is passed
            response = client.post("/give_answers", content=_chunks(8 * MAX_BODY), headers=JSON)
            assert response.status_code == 413
            assert response.headers.get("connection") == "close"
        except httpx.TransportError:
            pass  # the server closed the connection while the client was still sending
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:  # a declared length
        sock.sendall(b"POST /give_answers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     b"application/json\r\nContent-Length: 999999999\r\n\r\n{")
        assert sock.recv(200).startswith(b"HTTP/1.1 413")
    assert _rss_kib(server.proc.pid) - rss < 3 * MAX_BODY // 1024
    assert _count(db) == before
    with server.client() as client:
        assert client.get("/health").status_code == 200
