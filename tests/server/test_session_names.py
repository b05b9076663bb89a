"""Session names live in their own namespace: none reaches another dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.server.controller import Controller
from spacy_al.store.database import Database, DatabaseError
from spacy_al.store.validation import AnswerError


def _manual(source: Path, db: Path, dataset: str = "ds") -> Controller:
    return build_controller("ner.manual", [dataset, str(source), "--label", "PER,ORG,LOC"],
                            db_path=db)


def _answer(ctrl: Controller, session: str) -> dict:
    task = ctrl.get_questions("anna")["tasks"][0]
    return ctrl.give_answers({"answers": [dict(task, answer="accept", spans=[])],
                              "session_id": session})


def test_a_session_named_after_another_dataset_is_refused(source_jsonl: Path,
                                                          tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Database(db).add_dataset("ds-gold")
    ctrl = _manual(source_jsonl, db)
    for session in ("gold", "ds-gold"):
        with pytest.raises(AnswerError, match="would write into the dataset 'ds-gold'"):
            ctrl.get_questions(session)
        with pytest.raises(AnswerError, match="would write into the dataset 'ds-gold'"):
            _answer(ctrl, session)
    assert ctrl.db.count("ds-gold") == 0 and ctrl.db.count("ds") == 0
    assert _answer(ctrl, "silver")["saved"] == 1  # other names still work


def test_a_session_of_another_dataset_is_refused(source_jsonl: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    other = _manual(source_jsonl, db, "ds-a")
    assert _answer(other, "lice")["session_id"] == "ds-a-lice"
    ctrl = _manual(source_jsonl, db)
    with pytest.raises(AnswerError, match="belongs to the dataset 'ds-a'"):
        _answer(ctrl, "a-lice")  # ds + a-lice = ds-a-lice, ds-a's session
    assert ctrl.db.count("ds") == 0


def test_a_dataset_named_like_a_session_dataset_is_refused(source_jsonl: Path,
                                                           tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _answer(_manual(source_jsonl, db), "alice")
    with pytest.raises(DatabaseError, match="'ds-alice' is a session dataset"):
        _manual(source_jsonl, db, "ds-alice")


@pytest.mark.parametrize("raw", ["alice\n", "alice\r", " alice", "a" * 81, "al ice", "", 7])
def test_session_ids_are_matched_in_full(source_jsonl: Path, tmp_path: Path, raw) -> None:
    ctrl = _manual(source_jsonl, tmp_path / "s.db")
    if raw == "":
        assert ctrl.session_id(raw) == ctrl.default_session
        return
    with pytest.raises(AnswerError, match="Invalid session_id"):
        ctrl.session_id(raw)
