"""Hypothesis strategies for fuzzing every endpoint, and the check of one request."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

PATHS = ["/", "/project", "/get_session_questions", "/give_answers", "/progress", "/health",
         "/static/app.js", "/static/../database.db", "/nope"]
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain", None]
ANSWER_KEYS = ["answer", "_input_hash", "_task_hash", "text", "tokens", "spans", "meta",
               "_session_id", "label", "extra"]
SPAN_KEYS = ["start", "end", "token_start", "token_end", "label", "text", "score"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["accept", "reject", "ignore", "PER", "LOC", "\ud800", "alice", ""]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


@st.composite
def mutated_answer(draw: st.DrawFn, task: dict[str, Any]) -> dict[str, Any]:
    """A served task with a few fields replaced, dropped, or spans made up."""
    answer = dict(task, answer=draw(st.sampled_from(["accept", "reject", "ignore"])))
    for key in draw(st.lists(st.sampled_from(ANSWER_KEYS), max_size=3)):
        if draw(st.booleans()):
            answer[key] = draw(values)
        else:
            answer.pop(key, None)
    if draw(st.booleans()):
        n = len(task.get("tokens") or [1])
        span_value = st.one_of(st.integers(-2, n + 2), values)
        answer["spans"] = draw(st.lists(st.fixed_dictionaries(
            {}, optional={key: span_value for key in SPAN_KEYS}), max_size=3))
    return answer


@st.composite
def request_case(draw: st.DrawFn, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """One request: method, path, headers, query and body (JSON text or raw bytes)."""
    path = draw(st.one_of(st.sampled_from(["/give_answers", "/get_session_questions"]),
                          st.sampled_from(PATHS)))
    own = "POST" if path in ("/give_answers", "/get_session_questions") else "GET"
    method = draw(st.sampled_from([own] * 4 + ["POST", "GET", "PUT"]))
    kind = draw(st.sampled_from(["answers", "answers", "json", "raw", "none"]))
    session = draw(st.one_of(st.none(), st.sampled_from(["alice", "bob"]), values))
    if kind == "answers":
        answers = draw(st.lists(st.one_of(mutated_answer(draw(st.sampled_from(tasks))), values),
                                max_size=3))
        body: bytes | None = json.dumps({"answers": answers, "session_id": session}).encode()
    elif kind == "json":
        body = json.dumps(draw(values)).encode()
    elif kind == "raw":
        body = draw(st.one_of(st.binary(max_size=64), st.sampled_from(
            [b"[" * 5000, b"{" * 3000, b'{"answers": [NaN]}', b'"\\ud800"', b"1e999"])))
    else:
        body = None
    headers = {}
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if content_type:
        headers["Content-Type"] = content_type
    if draw(st.sampled_from([False] * 9 + [True])):
        headers["Origin"] = draw(st.sampled_from(["http://evil.example", "null"]))
    text = str(session).encode("utf-8", "replace").decode("utf-8")  # a URL is UTF-8
    query = {} if session is None or draw(st.booleans()) else {"session_id": text}
    return {"method": method, "url": path, "content": body, "headers": headers,
            "params": query}


def counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return tuple(int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                     for table in ("examples", "links", "datasets"))  # type: ignore[return-value]


def check_response(status: int, before: tuple[int, ...], after: tuple[int, ...],
                   statuses: Counter[int]) -> None:
    statuses[status] += 1
    assert status < 500, f"server error {status}"
    if status >= 400:
        assert after == before, f"a {status} wrote to the database: {before} -> {after}"
