"""Reservations cannot be drained (defect 6); second answers are kept and marked (defect 7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import srsly

from spacy_al.store.database import Database

N = 300


def _server(tmp_path: Path, server_factory):  # noqa: ANN202
    source = tmp_path / "pool.jsonl"
    srsly.write_jsonl(source, [{"text": f"Item {i} was seen in Berlin ."} for i in range(N)])
    db = tmp_path / "pool.db"
    args = ["ner.manual", "pool", str(source), "--label", "LOC", "--batch-size", "5"]
    return server_factory(args, db), db


def _ask(client: httpx.Client, session: str) -> list[dict]:
    response = client.post("/get_session_questions", json={"session_id": session})
    assert response.status_code == 200, response.text
    return response.json()["tasks"]


def test_made_up_sessions_cannot_drain_the_pool(tmp_path: Path, server_factory) -> None:
    server, _ = _server(tmp_path, server_factory)
    with server.client() as client:
        for k in range(140):  # 140 made-up sessions, each asking 5 times without answering
            for _ in range(5):
                assert len(_ask(client, f"flood-{k}")) == 5
        alice = _ask(client, "alice")
        assert len(alice) == 5  # a real annotator still gets questions at once
        progress = client.get("/progress", params={"session_id": "alice"}).json()
        assert progress["remaining"] == N


def test_asking_again_returns_the_reserved_tasks(tmp_path: Path, server_factory) -> None:
    server, _ = _server(tmp_path, server_factory)
    with server.client() as client:
        seen: list[int] = []
        for _ in range(10):
            seen += [t["_input_hash"] for t in _ask(client, "bob")]
        assert len(set(seen)) == 20  # max(20, 2 x batch) reserved, then the same ones again


def test_second_answers_are_kept_marked_and_resolved(tmp_path: Path, server_factory) -> None:
    server, db = _server(tmp_path, server_factory)
    with server.client() as client:
        task = _ask(client, "anna")[0]
        # bert answers a task never served to him (anna holds it): the first answer
        unserved = {"answers": [dict(task, answer="accept", spans=[],
                                     _answered_before_by="forged")], "session_id": "bert"}
        assert client.post("/give_answers", json=unserved).status_code == 200
        # anna's late answer is stored too (nothing lost), marked as a second answer
        late = {"answers": [dict(task, answer="accept", spans=[])], "session_id": "anna"}
        assert client.post("/give_answers", json=late).json()["saved"] == 1
    stored = Database(db).get_dataset_examples("pool")
    assert len(stored) == 2
    assert stored[0]["_session_id"] == "pool-bert" and "_answered_before_by" not in stored[0]
    assert stored[1]["_answered_before_by"] == "pool-bert"
    stats = subprocess.run([sys.executable, "-m", "spacy_al", "db-stats", "pool", "--db",
                            str(db)], capture_output=True, text=True, timeout=120)
    assert "second answers: 1 answer(s) to 1 sentence(s)" in stats.stdout.lower(), stats.stdout
    out = tmp_path / "spacy"
    export = subprocess.run([sys.executable, "-m", "spacy_al", "data-to-spacy", str(out),
                             "--ner", "pool", "--db", str(db), "--eval-split", "0"],
                            capture_output=True, text=True, timeout=120)
    assert export.returncode == 0, export.stderr
    assert "(1 sentences)" in export.stdout and "dropped 1 later answer" in export.stdout
