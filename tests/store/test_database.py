"""The SQLite database: schema, durability settings, duplicates, sessions."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from spacy_al.store.database import Database, DatabaseError, connect


def _eg(i: int, session: str = "ds-alice", answer: str = "accept") -> dict:
    return {"text": f"t{i}", "_input_hash": i, "_task_hash": 100 + i, "_session_id": session,
            "answer": answer}


def test_schema_and_pragmas(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")
    tables = {row[0] for row in db._query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"datasets", "examples", "links", "meta"} <= tables
    assert db._query("PRAGMA journal_mode")[0][0] == "wal"
    assert db._query("PRAGMA synchronous")[0][0] == 2  # FULL


def test_add_and_read_examples(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")
    db.add_dataset("ds", {"recipe": "ner.manual"})
    db.add_dataset("ds-alice", session=True)
    assert db.add_examples([_eg(1), _eg(2)], datasets=["ds", "ds-alice"],
                           sessions={"ds-alice": {}}) == 2
    assert db.datasets == ["ds"] and db.sessions == ["ds-alice"]
    assert [eg["text"] for eg in db.get_dataset_examples("ds")] == ["t1", "t2"]
    assert db.count("ds") == 2 and db.count("ds", session_id="ds-alice") == 2
    assert db.get_input_hashes("ds") == {1, 2}
    assert db.get_task_hashes("ds-alice") == {101, 102}
    assert db.get_meta("ds")["recipe"] == "ner.manual"
    # another process sees the committed rows
    rows = sqlite3.connect(tmp_path / "a.db").execute("SELECT COUNT(*) FROM examples").fetchone()
    assert rows[0] == 2


def test_duplicates_stored_once_per_session(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.db")
    assert db.add_examples([_eg(1)], datasets=["ds"]) == 1
    assert db.add_examples([_eg(1, answer="reject")], datasets=["ds"]) == 0
    stored = db.get_dataset_examples("ds")
    assert len(stored) == 1 and stored[0]["answer"] == "reject"  # the latest answer wins
    assert db.add_examples([_eg(1, session="ds-bob")], datasets=["ds"]) == 1
    assert db.count("ds") == 2


def test_concurrent_writers(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")

    def write(offset: int) -> None:
        for i in range(20):
            db.add_examples([_eg(offset + i)], datasets=["ds"])

    threads = [threading.Thread(target=write, args=(k * 100,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert db.count("ds") == 80


def test_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")
    with pytest.raises(KeyError):
        db.add_examples([_eg(1), {"text": "no hashes"}], datasets=["ds"])
    assert db.count("ds") == 0


def test_drop_dataset(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")
    db.add_examples([_eg(1)], datasets=["ds", "ds-alice"])
    db.add_examples([_eg(2)], datasets=["other"])
    assert db.drop_dataset("ds") and not db.drop_dataset("ds")
    assert "ds" not in db and db.count("ds-alice") == 1 and db.count("other") == 1


def test_invalid_names_and_files(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")
    with pytest.raises(DatabaseError):
        db.add_dataset("  ")
    bad = tmp_path / "not-a-db"
    bad.write_bytes(b"garbage" * 1000)
    with pytest.raises(DatabaseError, match="is damaged .file is not a database.*Fix: Restore it"):
        Database(bad)
