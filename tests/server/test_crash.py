"""Crash safety: kill -9 right after acknowledged answers, restart, nothing lost or doubled."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import srsly

from spacy_al.store.database import Database

N_SENTENCES = 60


def _source(tmp_path: Path) -> Path:
    path = tmp_path / "crash.jsonl"
    srsly.write_jsonl(path, [{"text": f"Sentence {i} mentions Paris and Anna ."}
                             for i in range(N_SENTENCES)])
    return path


def _args(source: Path) -> list[str]:
    return ["ner.manual", "crash", str(source), "--label", "PER,LOC", "--batch-size", "5"]


def _annotate(client: Any, session: str, acked: list[tuple[int, str]], stop: threading.Event,
              lock: threading.Lock) -> None:
    """Answer one task per request until told to stop; record each acknowledged answer."""
    try:
        while not stop.is_set():
            response = client.post("/get_session_questions", json={"session_id": session})
            tasks = response.json()["tasks"] if response.status_code == 200 else []
            if not tasks:
                return
            for task in tasks:
                body = {"answers": [dict(task, answer="accept")], "session_id": session}
                response = client.post("/give_answers", json=body)
                if response.status_code == 200:
                    with lock:
                        acked.append((task["_task_hash"], response.json()["session_id"]))
    except httpx.TransportError:  # the server was killed mid-request
        return


def test_kill_9_keeps_every_acknowledged_answer_once(tmp_path: Path, server_factory) -> None:
    source, db = _source(tmp_path), tmp_path / "crash.db"
    server = server_factory(_args(source), db)
    acked: list[tuple[int, str]] = []
    lock, stop = threading.Lock(), threading.Event()
    clients = [server.client() for _ in range(3)]
    workers = [threading.Thread(target=_annotate, args=(c, f"s{k}", acked, stop, lock))
               for k, c in enumerate(clients)]
    for worker in workers:
        worker.start()
    while len(acked) < 15 and any(w.is_alive() for w in workers):
        threading.Event().wait(0.01)
    server.kill()  # SIGKILL while answers may still be in flight
    stop.set()
    for worker in workers:
        worker.join(30)
    for client in clients:
        client.close()
    acknowledged = list(acked)
    assert len(acknowledged) >= 15

    stored = Database(db).get_dataset_examples("crash")
    keys = Counter((eg["_task_hash"], eg["_session_id"]) for eg in stored)
    assert all(keys[key] == 1 for key in acknowledged), "an acknowledged answer is missing"
    assert max(keys.values()) == 1, "an answer is stored twice"

    # restart: resumes where it stopped, never asks an answered question again
    server = server_factory(_args(source), db)
    answered = {eg["_input_hash"] for eg in stored}
    with server.client() as client:
        assert client.get("/progress").json()["total"] == len(stored)
        served: set[int] = set()
        while tasks := client.post("/get_session_questions",
                                   json={"session_id": "s0"}).json()["tasks"]:
            served |= {t["_input_hash"] for t in tasks}
            client.post("/give_answers", json={"answers": [dict(t, answer="ignore")
                                                           for t in tasks], "session_id": "s0"})
    assert not served & answered
    assert len(served | answered) == N_SENTENCES
    assert Database(db).count("crash") == N_SENTENCES

