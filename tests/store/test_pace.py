"""Annotation pace (store/pace.py): seconds per answer and answers per hour per session
from the answers' ``_annotation_ms``; db-stats prints it, db-out keeps the field."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.store.database import Database
from spacy_al.store.pace import MAX_ANNOTATION_MS, Pace, annotation_ms, pace_by_session


def _answer(task_hash: int, ms: Any, session: str = "ds-anna") -> dict[str, Any]:
    answer = {"text": f"sentence {task_hash}", "answer": "accept", "_input_hash": task_hash,
              "_task_hash": task_hash, "_session_id": session}
    if ms is not None:
        answer["_annotation_ms"] = ms
    return answer


def test_known_answers() -> None:
    pace = Pace().add([_answer(1, 10_000), _answer(2, 20_000), _answer(3, 30_000)])
    assert pace.summary() == {"answers": 3, "timed": 3, "seconds_per_answer": 20.0,
                              "answers_per_hour": 180.0}


def test_untimed_answers_count_as_answers_only() -> None:
    pace = Pace().add([_answer(1, 12_000), _answer(2, None), _answer(3, "12"),
                       _answer(4, True), _answer(5, -1), _answer(6, float("nan")),
                       _answer(7, float("inf")), _answer(8, MAX_ANNOTATION_MS + 1)])
    assert pace.summary() == {"answers": 8, "timed": 1, "seconds_per_answer": 12.0,
                              "answers_per_hour": 300.0}
    assert Pace().add([_answer(1, None)]).summary() == {
        "answers": 1, "timed": 0, "seconds_per_answer": None, "answers_per_hour": None}
    zero = Pace().add([_answer(1, 0)])
    assert (zero.seconds_per_answer, zero.answers_per_hour) == (0.0, None)


def test_a_new_answer_to_a_task_replaces_the_old_one_as_in_the_database() -> None:
    pace = Pace().add([_answer(1, 4_000), _answer(2, 6_000)])
    pace.add([_answer(1, 9_000)])                  # undone and answered again: the total time
    assert (pace.answers, pace.timed, pace.seconds) == (2, 2, 15.0)


def test_by_session_sorted_with_answers_without_a_session() -> None:
    examples = [_answer(1, 5_000, "ds-bert"), _answer(2, 10_000, "ds-anna"),
                _answer(3, 20_000, "ds-anna"), {"text": "x", "answer": "accept"}]
    paces = pace_by_session(examples)
    assert list(paces) == ["-", "ds-anna", "ds-bert"]
    assert paces["ds-anna"].seconds_per_answer == 15.0
    assert paces["ds-bert"].answers_per_hour == 720.0
    assert paces["-"].summary()["answers"] == 1


@given(st.lists(st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.integers(),
                          st.floats(allow_nan=True, allow_infinity=True)), max_size=30))
def test_any_values_give_a_consistent_pace(values: list[Any]) -> None:
    pace = Pace().add([_answer(i, v) for i, v in enumerate(values)])
    summary = pace.summary()
    json.dumps(summary, allow_nan=False)           # /progress sends it as strict JSON
    assert summary["answers"] == len(values)
    assert summary["timed"] == sum(annotation_ms(_answer(0, v)) is not None for v in values)
    if summary["answers_per_hour"] is not None:
        assert summary["seconds_per_answer"] is not None
        per_answer = pace.seconds / pace.timed
        assert math.isclose(summary["seconds_per_answer"], per_answer, abs_tol=0.0051)
        assert math.isclose(summary["answers_per_hour"], 3600 / per_answer, abs_tol=0.051)


def test_db_stats_prints_the_pace_and_db_out_keeps_the_times(tmp_path: Path) -> None:
    db = Database(tmp_path / "p.db")
    db.add_examples([_answer(1, 10_000), _answer(2, 14_000), _answer(3, None, "ds-bert")],
                    datasets=["ds"])
    runner = CliRunner()
    result = runner.invoke(app, ["db-stats", "ds", "--db", str(db.path)])
    assert result.exit_code == 0, result.output
    assert ("ds-anna: 2, 12.0 s per answer, 300 answers an hour (active time, 2 timed)"
            in result.stdout), result.stdout
    assert "  ds-bert: 1\n" in result.stdout
    result = runner.invoke(app, ["db-out", "ds", "--db", str(db.path)])
    exported = [json.loads(line) for line in result.stdout.splitlines()]
    assert [eg.get("_annotation_ms") for eg in exported] == [10_000, 14_000, None]
