"""The store writes only what reads back, and resolves second answers (defects 2, 3, 7)."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from spacy_al.store.database import Database, DatabaseError
from spacy_al.store.export import db_out, json_line, resolve_second_answers


def _eg(i: int, session: str = "ds-alice", **extra: object) -> dict:
    return {"text": f"t{i}", "_input_hash": i, "_task_hash": 100 + i, "_session_id": session,
            "answer": "accept", **extra}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "\ud800", {"k": object()}])
def test_unreadable_answers_write_nothing(tmp_path: Path, bad: object) -> None:
    db = Database(tmp_path / "s.db")
    with pytest.raises(DatabaseError, match="Cannot store the answer to task 102"):
        db.add_examples([_eg(1), _eg(2, meta={"s": bad})], datasets=["ds", "ds-alice"],
                        sessions={"ds-alice": {"dataset": "ds"}})
    assert db.count("ds") == 0 and "ds-alice" not in db and "ds" not in db


def test_session_datasets_are_created_in_the_same_transaction(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.db")
    db.add_dataset("ds")
    db.add_examples([_eg(1)], datasets=["ds", "ds-alice"], sessions={"ds-alice": {"dataset": "ds"}})
    assert db.sessions == ["ds-alice"] and db.get_meta("ds-alice")["dataset"] == "ds"


def test_first_sessions(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.db")
    db.add_examples([_eg(1, "ds-bert"), _eg(2, "ds-bert")], datasets=["ds"])
    db.add_examples([_eg(1, "ds-anna")], datasets=["ds"])
    assert db.first_sessions("ds") == {1: "ds-bert", 2: "ds-bert"}
    assert db.first_sessions("ds", "task_hash") == {101: "ds-bert", 102: "ds-bert"}


def test_db_out_survives_nan_stored_by_older_versions(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.db")
    db.add_examples([_eg(1), _eg(2)], datasets=["ds"])
    with sqlite3.connect(tmp_path / "s.db") as conn:  # as an older server stored it
        conn.execute("UPDATE examples SET content = ? WHERE task_hash = 102",
                     (json.dumps(_eg(2, meta={"s": float("nan")})),))
    handle = io.StringIO()
    assert db_out(db, "ds", handle) == 2
    lines = [json.loads(line) for line in handle.getvalue().splitlines()]
    assert lines[1]["meta"] == {"s": None}
    assert json_line({"a": float("inf"), "b": ["\ud800"]}) == '{"a":null,"b":["?"]}'


def test_resolve_second_answers() -> None:
    first, late = _eg(1, "ds-bert"), _eg(1, "ds-anna", _answered_before_by="ds-bert")
    alone = _eg(2, "ds-anna", _answered_before_by="ds-gone")  # its first answer was dropped
    kept, dropped = resolve_second_answers([first, late, alone, _eg(3)])
    assert kept == [first, alone, _eg(3)] and dropped == 1
