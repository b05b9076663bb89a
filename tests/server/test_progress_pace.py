"""/progress reports the session's pace (store/pace.py) from the answers' _annotation_ms."""

from __future__ import annotations

from pathlib import Path

from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.server.controller import Controller


def _manual(source: Path, db: Path) -> Controller:
    return build_controller("ner.manual", ["ds", str(source), "--label", "PER,ORG,LOC",
                                           "--batch-size", "3"], db_path=db)


def test_progress_reports_the_sessions_pace_and_keeps_it_over_a_restart(
    source_jsonl: Path, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    first = _manual(source_jsonl, db)
    assert first.progress("alice")["pace"] == {"answers": 0, "timed": 0,
                                               "seconds_per_answer": None,
                                               "answers_per_hour": None}
    tasks = first.get_questions("alice")["tasks"]
    timed = [dict(tasks[0], answer="accept", _annotation_ms=8000),
             dict(tasks[1], answer="accept", _annotation_ms=4000)]
    first.give_answers({"answers": timed, "session_id": "alice"})
    assert first.progress("alice")["pace"] == {"answers": 2, "timed": 2,
                                               "seconds_per_answer": 6.0,
                                               "answers_per_hour": 600.0}
    # answered again (undo): the new total time replaces the old one; an untimed answer
    again = [dict(tasks[0], answer="accept", _annotation_ms=11000),
             dict(tasks[2], answer="reject")]
    first.give_answers({"answers": again, "session_id": "alice"})
    pace = first.progress("alice")["pace"]
    assert (pace["answers"], pace["timed"], pace["seconds_per_answer"]) == (3, 2, 7.5)
    assert first.progress("bob")["pace"]["answers"] == 0, "per session"
    first.db.close()
    second = _manual(source_jsonl, db)
    assert second.progress("alice")["pace"] == pace
