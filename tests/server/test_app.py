"""The HTTP API against a real server on localhost (uvicorn in a subprocess)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from spacy_al.store.database import Database

TOKEN_KEYS = {"text", "start", "end", "id"}


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM examples").fetchone()[0])


def _span(task: dict, token_start: int, token_end: int, label: str) -> dict:
    tokens = task["tokens"]
    return {"start": tokens[token_start]["start"], "end": tokens[token_end]["end"],
            "token_start": token_start, "token_end": token_end, "label": label}


def _questions(client: Any, session: str | None = None) -> dict:
    body = {} if session is None else {"session_id": session}
    response = client.post("/get_session_questions", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_health_project_and_ui(manual_server: tuple) -> None:
    server, _ = manual_server
    with server.client() as client:
        assert client.get("/health").json()["status"] == "ok"
        project = client.get("/project").json()
        assert project["recipe"] == "ner.manual" and project["dataset"] == "api_test"
        assert project["labels"] == ["PER", "ORG", "LOC"] and project["view_id"] == "ner_manual"
        assert project["config"]["batch_size"] == 4
        index = client.get("/")
        assert index.status_code == 200 and "<html" in index.text.lower()
        assert client.get("/static/app.js").status_code == 200
        assert client.get("/static/nope.js").status_code == 404


def test_task_format(manual_server: tuple) -> None:
    server, _ = manual_server
    with server.client() as client:
        data = _questions(client, "format")
    assert data["total"] >= 0 and isinstance(data["progress"], float)
    assert len(data["tasks"]) == 4
    for task in data["tasks"]:
        assert {"text", "tokens", "spans", "meta", "_input_hash", "_task_hash", "_session_id",
                "_view_id"} <= set(task)
        assert task["_session_id"] == "api_test-format" and task["_view_id"] == "ner_manual"
        assert all(TOKEN_KEYS <= set(token) for token in task["tokens"])
        assert all(task["text"][t["start"]:t["end"]] == t["text"] for t in task["tokens"])


def test_answers_are_committed_before_the_ack(manual_server: tuple) -> None:
    server, db = manual_server
    with server.client() as client:
        task = _questions(client, "commit")["tasks"][0]
        before = _count(db)
        answered = dict(task, answer="accept", spans=[dict(_span(task, 0, 0, "PER"), foo=1)])
        response = client.post("/give_answers", json={"answers": [answered],
                                                      "session_id": "commit"})
        assert response.status_code == 200, response.text
        assert _count(db) == before + 1  # read by another connection right after the 200
        assert response.json()["total"] >= 1
        progress = client.get("/progress", params={"session_id": "commit"}).json()
        assert progress["session_total"] == 1 and progress["total"] >= 1
    stored = Database(db).get_dataset_examples("api_test", session_id="api_test-commit")
    assert stored[0]["spans"] == [_span(task, 0, 0, "PER")]  # unknown span keys dropped
    assert stored[0]["answer"] == "accept"
    assert "api_test-commit" in Database(db).sessions


def test_named_sessions_get_different_questions(manual_server: tuple) -> None:
    server, _ = manual_server
    with server.client() as client:
        alice = {t["_input_hash"] for t in _questions(client, "alice")["tasks"]}
        bob = {t["_input_hash"] for t in _questions(client, "bob")["tasks"]}
    assert alice and not alice & bob


def _bad_cases(task: dict) -> dict[str, tuple[Any, str]]:
    n = len(task["tokens"])
    ok = dict(task, answer="accept", spans=[])
    return {
        "unknown label": ({"answers": [dict(ok, spans=[_span(task, 0, 0, "FOO")])]},
                          "label 'FOO' is not one of PER, ORG, LOC"),
        "out of bounds": ({"answers": [dict(ok, spans=[dict(_span(task, 0, 0, "PER"),
                                                             token_end=n + 3)])]},
                          "out of bounds"),
        "end before start": ({"answers": [dict(ok, spans=[dict(_span(task, 1, 1, "PER"),
                                                                token_start=1, token_end=0)])]},
                             "token_end 0 is before token_start 1"),
        "unknown task hash": ({"answers": [dict(ok, _task_hash=ok["_task_hash"] + 1)]},
                              "unknown task"),
        "unknown input": ({"answers": [dict(ok, _input_hash=12345, _task_hash=678)]},
                          "unknown task"),
        "bad answer": ({"answers": [dict(ok, answer="maybe")]}, "must be one of accept"),
        "offsets": ({"answers": [dict(ok, spans=[dict(_span(task, 0, 0, "PER"), end=1)])]},
                    "do not match tokens"),
        "overlap": ({"answers": [dict(ok, spans=[_span(task, 0, 1, "PER"),
                                                  _span(task, 1, 1, "ORG")])]}, "overlaps"),
        "text": ({"answers": [dict(ok, text=ok["text"] + "!")]}, "does not match the text"),
        "tokens": ({"answers": [dict(ok, tokens=ok["tokens"][:-1])]}, "tokens"),
        "no answers": ({"session_id": "x"}, "needs 'answers'"),
        "not an object": ([ok], "JSON object"),
        "bad session": ({"answers": [ok], "session_id": "a b/c"}, "Invalid session_id"),
        "one bad of two": ({"answers": [ok, dict(ok, answer=None)]}, "answers[1]"),
    }


def test_bad_input_gets_400_and_writes_nothing(manual_server: tuple) -> None:
    server, db = manual_server
    with server.client() as client:
        task = _questions(client, "bad")["tasks"][0]
        before = _count(db)
        for name, (body, message) in _bad_cases(task).items():
            response = client.post("/give_answers", json=body)
            assert response.status_code == 400, (name, response.text)
            assert message in response.json()["error"], (name, response.json())
        for raw in (b"{not json", b"", b"\xff\xfe"):
            response = client.post("/give_answers", content=raw,
                                   headers={"Content-Type": "application/json"})
            assert response.status_code == 400 and response.json()["error"], raw
        json_type = {"Content-Type": "application/json"}
        assert client.post("/get_session_questions", content=b"[1,",
                           headers=json_type).status_code == 400
        assert client.post("/get_session_questions", content=b"[1,").status_code == 415
        assert _count(db) == before


@pytest.mark.parametrize("body", [{}, None])
def test_default_session(manual_server: tuple, body: dict | None) -> None:
    server, _ = manual_server
    with server.client() as client:
        response = client.post("/get_session_questions", json=body) if body is not None else \
            client.post("/get_session_questions")
        assert response.status_code == 200
        default = client.get("/project").json()["default_session"]
        assert all(t["_session_id"] == default for t in response.json()["tasks"])


def test_resent_answers_are_stored_once(manual_server: tuple) -> None:
    server, db = manual_server
    with server.client() as client:
        tasks = _questions(client, "resend")["tasks"]
        body = {"answers": [dict(t, answer="accept") for t in tasks[:3]], "session_id": "resend"}
        first = client.post("/give_answers", json=body).json()["total"]
        body["answers"][0]["answer"] = "reject"
        assert client.post("/give_answers", json=body).json()["total"] == first
    stored = Database(db).get_dataset_examples("api_test", session_id="api_test-resend")
    assert len(stored) == 3 and stored[0]["answer"] == "reject"


def test_the_session_query_parameter_works_on_every_endpoint(manual_server: tuple) -> None:
    server, db = manual_server
    with server.client() as client:
        for key in ("session", "session_id"):
            name = f"query-{key}"
            asked = client.post("/get_session_questions", params={key: name}, json={})
            assert asked.json()["session_id"] == f"api_test-{name}", asked.text
            task = asked.json()["tasks"][0]
            given = client.post("/give_answers", params={key: name},
                                json={"answers": [dict(task, answer="accept", spans=[])]})
            assert given.json()["session_id"] == f"api_test-{name}", given.text
            progress = client.get("/progress", params={key: name}).json()
            assert progress["session_id"] == f"api_test-{name}"
            assert progress["session_total"] == 1
        body_wins = client.post("/get_session_questions", params={"session": "q"},
                                json={"session_id": "body"})
        assert body_wins.json()["session_id"] == "api_test-body"
    assert Database(db).count("api_test", session_id="api_test-query-session") == 1
