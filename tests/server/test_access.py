"""Access control on a real server: same-origin JSON writes, Host allow-list, the token,
security headers (issue: "safe to expose", defect 1)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import httpx
import srsly

from tests.server.conftest import LABELS, MORE


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM examples").fetchone()[0])


def _task(client: httpx.Client, session: str, headers: dict[str, str] | None = None) -> dict:
    response = client.post("/get_session_questions", json={"session_id": session},
                           headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()["tasks"][0]


def _args(tmp_path: Path, *extra: str) -> list[str]:
    source = tmp_path / "access.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in MORE])
    return ["ner.manual", "access", str(source), "--label", LABELS, "--batch-size", "2", *extra]


def test_cross_origin_writes_are_refused_and_store_nothing(manual_server: tuple) -> None:
    server, db = manual_server
    with server.client() as client:
        task = _task(client, "victim")
        body = srsly.json_dumps({"answers": [dict(task, answer="reject")],
                                 "session_id": "victim"})
        before = _count(db)
        attacks = [
            {"Origin": "http://evil.example", "Content-Type": "text/plain"},
            {"Origin": "http://evil.example", "Content-Type": "application/json"},
            {"Origin": "null", "Content-Type": "application/json"},
            {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
            {"Content-Type": "text/plain"},
            {"Content-Type": "application/x-www-form-urlencoded"},
        ]
        for headers in attacks:
            response = client.post("/give_answers", content=body, headers=headers)
            assert response.status_code in (403, 415), (headers, response.text)
            assert response.json()["error"], headers
        assert _count(db) == before
        own = {"Origin": server.url, "Sec-Fetch-Site": "same-origin",
               "Content-Type": "application/json"}
        assert client.post("/give_answers", content=body, headers=own).status_code == 200
        assert _count(db) == before + 1


def test_host_allow_list(manual_server: tuple) -> None:
    server, _ = manual_server
    port = server.url.rsplit(":", 1)[1]
    with server.client() as client:
        for host in ("evil.example", f"rebind.attacker.example:{port}", "127.0.0.1.nip.io"):
            response = client.get("/project", headers={"Host": host})
            assert response.status_code == 403 and "--allowed-host" in response.text, host
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
            assert client.get("/project", headers={"Host": host}).status_code == 200, host


def test_security_headers_on_every_response(manual_server: tuple) -> None:
    server, _ = manual_server
    with server.client() as client:
        responses = [client.get("/"), client.get("/project"), client.get("/static/nope.js"),
                     client.post("/give_answers", json={}), client.get("/health"),
                     client.get("/project", headers={"Host": "evil.example"})]
    for response in responses:
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


def test_token_on_loopback(tmp_path: Path, server_factory) -> None:
    server = server_factory(_args(tmp_path, "--token", "s3cret"), tmp_path / "t.db")
    assert "?token=s3cret" in server.log.read_text()
    with server.client() as client:
        assert client.get("/health").json() == {"status": "ok"}  # nothing beyond status
        for path in ("/project", "/progress"):
            assert client.get(path).status_code == 401
            wrong = client.get(path, headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401 and "Authorization: Bearer" in wrong.text
        assert client.post("/get_session_questions", json={}).status_code == 401
        assert client.get("/").status_code == 200  # the page holds no data
        auth = {"Authorization": "Bearer s3cret"}
        assert client.get("/project", headers=auth).status_code == 200
        assert client.get("/health", headers=auth).json()["dataset"] == "access"
        task = _task(client, "alice", auth)
        ok = client.post("/give_answers", headers=auth,
                         json={"answers": [dict(task, answer="accept")], "session_id": "alice"})
        assert ok.status_code == 200


def test_beyond_loopback_generates_a_token(tmp_path: Path, server_factory) -> None:
    server = server_factory(_args(tmp_path), tmp_path / "g.db", host="0.0.0.0")
    log = server.log.read_text()
    match = re.search(r"\?token=([A-Za-z0-9_-]{20,})", log)
    assert match, log
    assert "needs the token" in log
    with server.client() as client:
        assert client.get("/project").status_code == 401
        auth = {"Authorization": f"Bearer {match.group(1)}"}
        assert client.get("/project", headers=auth).status_code == 200


def test_token_from_the_environment(tmp_path: Path, server_factory) -> None:
    server = server_factory(_args(tmp_path), tmp_path / "e.db", host="0.0.0.0",
                            env={"SPACY_AL_TOKEN": "from-env"})
    assert "?token=from-env" in server.log.read_text()
    with server.client() as client:
        assert client.get("/project").status_code == 401
        assert client.get("/project", headers={"Authorization": "Bearer from-env"}
                          ).status_code == 200
