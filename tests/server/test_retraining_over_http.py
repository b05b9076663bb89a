"""Model in the loop over HTTP: a real server, the model in its worker process."""

from __future__ import annotations

import time
from pathlib import Path

import spacy


def test_answers_retrain_the_model_in_the_background(
    tok2vec_nlp_path: Path, source_jsonl: Path, tmp_path: Path, server_factory
) -> None:
    output = tmp_path / "retrained"
    server = server_factory(["ner.al-correct", "loop", str(tok2vec_nlp_path), str(source_jsonl),
                             "--update-every", "4", "--output", str(output),
                             "--batch-size", "4", "--rerank-candidates", "2",
                             "--rerank-sample", "1"], tmp_path / "loop.db")
    with server.client() as client:
        project = client.get("/project").json()
        assert project["view_id"] == "ner_manual" and project["labels"] == ["PER", "ORG", "LOC"]
        tasks = client.post("/get_session_questions", json={"session_id": "a"}).json()["tasks"]
        assert len(tasks) == 4 and all("score" in t["meta"] for t in tasks)
        started = time.perf_counter()
        response = client.post("/give_answers", json={
            "answers": [dict(t, answer="accept") for t in tasks], "session_id": "a"})
        assert response.status_code == 200 and response.json()["total"] == 4
        assert time.perf_counter() - started < 5.0  # the 200 does not wait for training
        deadline = time.monotonic() + 120
        while ((model := client.get("/progress").json()["model"])["n_updates"] < 1
               or model["ranked_share"] < 1.0):  # 3 candidates first, then the other 5
            assert time.monotonic() < deadline, model
            assert model["error"] is None, model["error"]
            time.sleep(0.2)
        assert model["n_accepted"] == 4 and model["last_train_seconds"] > 0
        assert model["history"][-1]["rescored"] == 3 and model["history"][-1]["pool"] == 8
        more = client.post("/get_session_questions", json={"session_id": "a"}).json()["tasks"]
        assert more and all(t["meta"]["model_version"] == 1 for t in more)
        assert not {t["_input_hash"] for t in tasks} & {t["_input_hash"] for t in more}
        children = _children(server.proc.pid)
        assert children is None or children, "no model worker process found"
    assert "al_ner" in spacy.load(output).pipe_names
    server.kill()  # kill -9: the model worker notices its closed stdin and exits
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in children or []):
        assert time.monotonic() < deadline, "the model worker outlived its server"
        time.sleep(0.2)


def _children(pid: int) -> list[int] | None:
    """Child process ids (None where /proc cannot tell)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else None


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"
