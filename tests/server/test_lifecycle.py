"""One server per database file (defect 5) and a clean exit on SIGTERM / SIGINT (defect 8)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import srsly

from spacy_al.server.db_lock import DatabaseInUseError, ServerLock
from spacy_al.store.database import Database
from tests.server.conftest import LABELS, MORE, free_port


def _args(tmp_path: Path) -> list[str]:
    source = tmp_path / "life.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in MORE])
    return ["ner.manual", "life", str(source), "--label", LABELS, "--batch-size", "3"]


def test_second_server_on_the_same_database_refuses(tmp_path: Path, server_factory) -> None:
    db = tmp_path / "shared.db"
    first = server_factory(_args(tmp_path), db)
    command = [sys.executable, "-m", "spacy_al", "annotate", *_args(tmp_path), "--db", str(db),
               "--port", str(free_port())]
    second = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert second.returncode == 1, second.stdout + second.stderr
    assert str(db) in second.stderr and "in use by another spacy-al server" in second.stderr
    assert f"pid {first.proc.pid}" in second.stderr and first.url in second.stderr
    with first.client() as client:  # the first one is unaffected
        assert client.get("/health").status_code == 200
    first.stop()
    again = server_factory(_args(tmp_path), db)  # the lock goes with the process
    again.kill()
    server_factory(_args(tmp_path), db)  # ... even after kill -9


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_cleanly_after_the_last_commit(tmp_path: Path, server_factory,
                                                    sig: signal.Signals) -> None:
    db = tmp_path / f"sig{int(sig)}.db"
    server = server_factory(_args(tmp_path), db)
    with server.client() as client:
        tasks = client.post("/get_session_questions", json={"session_id": "a"}).json()["tasks"]
        answers = [dict(t, answer="accept") for t in tasks]
        assert client.post("/give_answers", json={"answers": answers, "session_id": "a"}
                           ).status_code == 200
    server.proc.send_signal(sig)
    assert server.proc.wait(60) == 0, server.log.read_text()
    assert Database(db).count("life") == len(tasks)


SLOW_RECIPE = """
import time
from spacy_al.recipe_runtime.decorator import recipe


@recipe("slow.load")
def slow_load(dataset: str):
    open("loading", "w").close()
    time.sleep(120)  # a model that takes long to load
    raise AssertionError("not stopped")
"""


def _default_sigint() -> None:
    """SIGINT as a terminal gives it: a shell without job control starts background jobs
    (a test run under ``nohup ... &``) with SIGINT ignored, and Python keeps it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_the_recipe_loads_stops_it_cleanly(tmp_path: Path,
                                                           sig: signal.Signals) -> None:
    import time

    recipe_file = tmp_path / "slow.py"
    recipe_file.write_text(SLOW_RECIPE)
    db = tmp_path / "slow.db"
    command = [sys.executable, "-m", "spacy_al", "annotate", "slow.load", "ds", "-F",
               str(recipe_file), "--db", str(db), "--port", str(free_port())]
    proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)
    deadline = time.monotonic() + 90
    while not (tmp_path / "loading").exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, out + err
    assert "stopped while the recipe was loading" in err
    with ServerLock(db, {"url": "test", "recipe": "slow.load"}):
        pass  # the database lock went with it: a new server may start on the same file


@pytest.mark.parametrize("link", ["symlink", "hardlink", "dotdot"])
def test_the_lock_holds_through_any_path_to_the_file(tmp_path: Path, link: str) -> None:
    db = tmp_path / "real" / "shared.db"
    db.parent.mkdir()
    Database(db).close()
    other = tmp_path / "elsewhere"
    other.mkdir()
    alias = {"symlink": other / "alias.db", "hardlink": other / "alias.db",
             "dotdot": other / ".." / "real" / "shared.db"}[link]
    if link == "symlink":
        alias.symlink_to(db)
    elif link == "hardlink":
        alias.hardlink_to(db)
    with ServerLock(db, {"url": "http://127.0.0.1:1", "recipe": "ner.manual"}):
        with pytest.raises(DatabaseInUseError) as caught:
            ServerLock(alias, {"url": "second", "recipe": "ner.manual"}).acquire()
        assert str(alias) in str(caught.value) and f"pid {os.getpid()}" in str(caught.value)
    ServerLock(alias, {"url": "second", "recipe": "ner.manual"}).acquire().release()


def test_a_second_server_through_a_hard_link_refuses(tmp_path: Path, server_factory) -> None:
    db = tmp_path / "shared.db"
    first = server_factory(_args(tmp_path), db)
    alias = tmp_path / "other" / "alias.db"
    alias.parent.mkdir()
    alias.hardlink_to(db)
    command = [sys.executable, "-m", "spacy_al", "annotate", *_args(tmp_path), "--db",
               str(alias), "--port", str(free_port())]
    second = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert second.returncode == 1, second.stdout + second.stderr
    assert "in use by another spacy-al server" in second.stderr
    assert f"pid {first.proc.pid}" in second.stderr
