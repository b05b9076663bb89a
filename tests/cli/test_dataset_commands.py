"""Prodigy's dataset commands: stats / db-stats, drop / db-drop, progress, db-merge,
print-dataset, on a real database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import srsly
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.errors import ConfigError
from spacy_al.store.database import Database
from spacy_al.store.dataset_report import merge_datasets, period_of, progress, render_task
from spacy_al.store.importer import import_file

ROWS = [
    {"text": "Angela Merkel visited Paris .", "spans": [
        {"start": 0, "end": 13, "label": "PER"}, {"start": 22, "end": 27, "label": "LOC"}]},
    {"text": "Nothing here .", "answer": "reject"},
    {"text": "Apple hired John .", "answer": "ignore"},
]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    source = tmp_path / "gold.jsonl"
    srsly.write_jsonl(source, ROWS)
    database = Database(tmp_path / "a.db")
    import_file(database, "news", source, session="alice")
    return database


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_stats_and_db_stats_print_kinds_not_a_dict(db: Database) -> None:
    for name in ("stats", "db-stats"):
        out = run(name, "news", "--db", str(db.path))
        assert "Annotations   3 (accept 1, reject 1, ignore 1)" in out
        assert "Sentences     3" in out and "news-alice: 3" in out
        assert "{" not in out and "}" not in out
    assert "news" in run("stats", "--db", str(db.path))


def test_drop_and_db_drop(db: Database, tmp_path: Path) -> None:
    run("db-merge", "news", "copy", "--db", str(db.path))
    assert "Dropped copy." in run("drop", "copy", "--db", str(db.path))
    result = CliRunner().invoke(app, ["db-drop", "copy", "--db", str(db.path)])
    assert result.exit_code == 1 and "No dataset 'copy'" in result.output


def test_db_merge_keeps_every_answer_and_refuses_its_input(db: Database) -> None:
    assert merge_datasets(db, ["news"], "final", dry=True) == (3, 0)
    assert "final" not in db
    out = run("db-merge", "news", "final", "--db", str(db.path))
    assert "Merged 3 answers from news into final (3 new)." in out
    assert db.get_dataset_examples("final") == db.get_dataset_examples("news")
    assert merge_datasets(db, ["news"], "final") == (3, 0)  # nothing twice
    with pytest.raises(ConfigError, match="one of the merged datasets"):
        merge_datasets(db, ["news", "final"], "final")
    result = CliRunner().invoke(app, ["db-merge", "news,nope", "x", "--db", str(db.path)])
    assert result.exit_code == 1 and "Dataset 'nope' is not in" in result.output


def test_progress_counts_answers_and_sentences_per_interval(db: Database) -> None:
    rows = progress(db, ["news", "news"], "day")
    assert len(rows) == 1
    today = time.strftime("%Y-%m-%d")
    assert (rows[0].period, rows[0].new_answers, rows[0].new_sentences,
            rows[0].total_answers, rows[0].total_sentences) == (today, 3, 3, 3, 3)
    out = run("progress", "news", "--interval", "year", "--db", str(db.path))
    assert time.strftime("%Y") in out.splitlines()[1]
    assert period_of(1_700_000_000, "quarter") in ("2023-Q4", "2023-Q3")
    assert period_of(1_700_000_000, "week").startswith("2023-W")
    result = CliRunner().invoke(app, ["progress", "news", "-i", "decade", "--db",
                                      str(db.path)])
    assert result.exit_code == 1 and "Use --interval one of day, week" in result.output


def test_print_dataset_marks_the_entities(db: Database) -> None:
    out = run("print-dataset", "news", "--db", str(db.path))
    assert "accept news-alice  [Angela Merkel PER] visited [Paris LOC] ." in out
    assert "reject news-alice  Nothing here ." in out
    only = run("print-dataset", "news", "--answer", "ignore", "--db", str(db.path))
    assert only.strip() == "ignore news-alice  Apple hired John ."
    overlapping = {"text": "New York City", "spans": [
        {"start": 0, "end": 8, "label": "LOC"}, {"start": 4, "end": 13, "label": "X"}]}
    assert render_task(overlapping) == "[New York LOC] City"
