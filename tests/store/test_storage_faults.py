"""Storage faults answered, not crashed: a damaged or read-only database gives a clear error
naming the file and the fix in every command; a full disk a 507, the answer not acknowledged."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import srsly
from starlette.testclient import TestClient
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.server.app import make_app
from spacy_al.store.database import Database
from spacy_al.tasks import set_hashes

PAGE = 4096


def _filled(path: Path, n: int = 300) -> Path:
    db = Database(path)
    db.add_examples([set_hashes({"text": f"Sentence number {i} is here .", "answer": "accept",
                                 "_session_id": "ds-a", "pad": "x" * 200}) for i in range(n)],
                    datasets=["ds"])
    db.close()  # checkpointed: everything is in the main file
    return path


def _garbage_header(path: Path) -> None:
    path.write_bytes(b"this is not an SQLite database" * 200)


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: PAGE + 100])


def _zeroed_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[2 * PAGE: 6 * PAGE] = b"\xff" * (4 * PAGE)
    path.write_bytes(bytes(data))


def _bad_schema_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100:PAGE] = os.urandom(PAGE - 100)  # the schema (page 1 after the header)
    path.write_bytes(bytes(data))


DAMAGE = {"garbage": _garbage_header, "truncated": _truncated, "zeroed pages": _zeroed_pages,
          "schema page": _bad_schema_page}
COMMANDS = {
    "db-out": ["db-out", "ds"],
    "db-stats": ["db-stats", "ds"],
    "db-stats all": ["db-stats"],
    "db-drop": ["db-drop", "ds"],
    "data-to-spacy": ["data-to-spacy", "{tmp}/out", "--ner", "ds"],
    "db-in": ["db-in", "ds", "{tmp}/in.jsonl"],
    "annotate": ["annotate", "ner.manual", "ds", "{tmp}/in.jsonl", "--label", "PER"],
}


def _run(command: list[str], db: Path, tmp_path: Path) -> tuple[int, str]:
    args = [arg.format(tmp=tmp_path) for arg in command] + ["--db", str(db)]
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{command}: {result.exception!r}"
    return result.exit_code, result.output


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_database_is_named_with_the_fix_in_every_command(tmp_path: Path,
                                                                   damage: str) -> None:
    srsly.write_jsonl(tmp_path / "in.jsonl", [{"text": "Anna lives in Paris ."}])
    db = _filled(tmp_path / "damaged.db")
    DAMAGE[damage](db)
    failed = 0
    for name, command in COMMANDS.items():
        code, output = _run(command, db, tmp_path)
        if code == 0:  # a command that never reads the damaged pages may succeed
            continue
        failed += 1
        assert code == 1 and str(db) in output and "Fix:" in output, f"{name}: {output}"
        assert "Traceback" not in output
    assert failed >= 3  # every damage is met by the commands that read everything


@pytest.fixture
def read_only_db(tmp_path: Path) -> Iterator[Path]:
    """A database on a read-only filesystem (root: a tmpfs remounted read-only), else a
    read-only file in a read-only folder."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                          capture_output=True).returncode != 0:
            pytest.skip("root, but cannot mount a tmpfs here")
        _filled(folder / "ro.db")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder / "ro.db"
        subprocess.run(["umount", str(folder)], check=True)
        return
    _filled(folder / "ro.db")
    (folder / "ro.db").chmod(0o444)
    folder.chmod(0o555)
    yield folder / "ro.db"
    folder.chmod(0o755)


def test_a_read_only_database_is_named_with_the_fix(tmp_path: Path, read_only_db: Path) -> None:
    srsly.write_jsonl(tmp_path / "in.jsonl", [{"text": "Anna lives in Paris ."}])
    for name in ("db-in", "db-drop", "annotate"):
        code, output = _run(COMMANDS[name], read_only_db, tmp_path)
        assert code == 1 and str(read_only_db) in output and "Fix:" in output, output
        assert "writable" in output or "read-only" in output, output


def test_a_full_database_answers_507_and_acknowledges_nothing_it_lost(tmp_path: Path) -> None:
    source = tmp_path / "s.jsonl"
    srsly.write_jsonl(source, [{"text": f"Report {i} came from Paris ."} for i in range(400)])
    ctrl = build_controller("ner.manual", ["ds", str(source), "--label", "PER,LOC",
                                           "--batch-size", "5"], db_path=tmp_path / "full.db")
    pages = ctrl.db._conn.execute("PRAGMA page_count").fetchone()[0]
    ctrl.db._conn.execute(f"PRAGMA max_page_count = {pages + 4}")  # SQLite's own size limit
    acked, refused, statuses = [], [], []
    with TestClient(make_app(ctrl), base_url="http://127.0.0.1") as client:
        for _ in range(40):
            tasks = client.post("/get_session_questions", json={"session_id": "a"}).json()
            answers = [dict(t, answer="accept", spans=[], pad="y" * 2000) for t in tasks["tasks"]]
            reply = client.post("/give_answers", json={"answers": answers, "session_id": "a"})
            statuses.append(reply.status_code)
            (acked if reply.status_code == 200 else refused).extend(answers)
            if reply.status_code == 507:
                assert "is full" in reply.json()["error"] and "Fix:" in reply.json()["error"]
                assert "content-security-policy" in reply.headers
        assert 507 in statuses and set(statuses) <= {200, 507}
        stored = {eg["_task_hash"] for eg in ctrl.db.get_dataset_examples("ds")}
        assert stored == {a["_task_hash"] for a in acked}  # acknowledged = stored, no more
        ctrl.db._conn.execute("PRAGMA max_page_count = 1000000")  # space again: resend works
        again = client.post("/give_answers", json={"answers": refused[:5], "session_id": "a"})
        assert again.status_code == 200, again.text
