"""The controller in-process: sessions, resume, exclusion, recipe callbacks, plain streams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.server.controller import Controller
from spacy_al.store.database import Database
from spacy_al.store.validation import AnswerError


def _manual(source: Path, db: Path, *extra: str) -> Controller:
    return build_controller("ner.manual", ["ds", str(source), "--label", "PER,ORG,LOC",
                                           "--batch-size", "3", *extra], db_path=db)


def _accept(tasks: list[dict]) -> list[dict]:
    return [dict(t, answer="accept") for t in tasks]


def test_restart_resumes_without_repeating(source_jsonl: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = _manual(source_jsonl, db)
    tasks = first.get_questions("alice")["tasks"]
    first.give_answers({"answers": _accept(tasks[:2]), "session_id": "alice"})
    first.db.close()
    second = _manual(source_jsonl, db)
    again = second.get_questions("alice")
    assert again["total"] == 2
    assert not {t["_input_hash"] for t in tasks[:2]} & {t["_input_hash"] for t in again["tasks"]}
    assert second.progress("alice")["session_total"] == 2


def test_exclude_other_datasets(source_jsonl: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = _manual(source_jsonl, db)
    done = first.get_questions("a")["tasks"]
    first.give_answers({"answers": _accept(done), "session_id": "a"})
    other = build_controller("ner.manual", ["other", str(source_jsonl), "--label", "PER",
                                            "--exclude", "ds"], db_path=db)
    served = other.get_questions("a")["tasks"]
    assert not {t["_input_hash"] for t in done} & {t["_input_hash"] for t in served}


def test_feed_overlap_each_session_sees_all(source_jsonl: Path, tmp_path: Path) -> None:
    ctrl = _manual(source_jsonl, tmp_path / "c.db", "--feed-overlap", "--order", "sequential")
    alice = ctrl.get_questions("alice")["tasks"]
    ctrl.give_answers({"answers": _accept(alice), "session_id": "alice"})
    bob = ctrl.get_questions("bob")["tasks"]
    assert [t["_input_hash"] for t in bob] == [t["_input_hash"] for t in alice]
    assert ctrl.get_questions("alice")["tasks"][0]["_input_hash"] not in {
        t["_input_hash"] for t in alice}


def test_random_order_is_seeded(source_jsonl: Path, tmp_path: Path) -> None:
    def first_texts(seed: str) -> list[str]:
        ctrl = _manual(source_jsonl, tmp_path / f"{seed}.db", "--order", "random", "--seed", seed)
        return [t["text"] for t in ctrl.get_questions("a")["tasks"]]

    assert first_texts("1") == first_texts("1")
    sequential = [t["text"] for t in _manual(source_jsonl, tmp_path / "s.db")
                  .get_questions("a")["tasks"]]
    assert sequential[0] == "Angela Merkel visited Paris in May ."


def _plain_recipe(calls: list[str]) -> dict[str, Any]:
    def update(answers: list[dict]) -> None:
        calls.append(f"update {len(answers)}")

    def validate_answer(answer: dict) -> None:
        if answer["answer"] == "accept" and not answer.get("spans"):
            raise ValueError("accept needs at least one span")

    def before_db(answers: list[dict]) -> list[dict]:
        return [dict(a, checked=True) for a in answers]

    return {"dataset": "plain", "view_id": "ner_manual",
            "stream": ({"text": f"Text {i} here", "meta": {"i": i}} for i in range(5)),
            "update": update, "validate_answer": validate_answer, "before_db": before_db,
            "on_exit": lambda ctrl: calls.append("exit"), "config": {"labels": ["PER"]}}


def test_plain_generator_stream_and_callbacks(tmp_path: Path) -> None:
    calls: list[str] = []
    ctrl = Controller(_plain_recipe(calls), Database(tmp_path / "c.db"), recipe="plain")
    tasks = ctrl.get_questions(None)["tasks"]
    assert [t["meta"]["i"] for t in tasks] == [0, 1, 2, 3, 4]
    assert all(t["tokens"] and t["_task_hash"] for t in tasks)
    with pytest.raises(AnswerError, match="at least one span"):
        ctrl.give_answers({"answers": _accept(tasks[:1])})
    span = {"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "PER"}
    result = ctrl.give_answers({"answers": [dict(tasks[0], answer="accept", spans=[span])]})
    assert result["total"] == 1 and calls == ["update 1"]
    assert ctrl.db.get_dataset_examples("plain")[0]["checked"] is True
    ctrl.close()
    assert calls[-1] == "exit"


def test_missing_components(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="stream"):
        Controller({"dataset": "x", "view_id": "ner"}, Database(tmp_path / "c.db"))
