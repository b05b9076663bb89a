"""Exports: db-out (JSONL, CoNLL), data-to-spacy (DocBin train/dev), and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.store.database import Database
from spacy_al.store.export import data_to_spacy, db_out, merge_answers
from spacy_al.tasks import doc_tokens, set_hashes


def _task(text: str, spans: list[tuple[int, int, str]], answer: str = "accept",
          view_id: str = "ner_manual", session: str = "ds-a") -> dict:
    doc = spacy.blank("en")(text)
    tokens = doc_tokens(doc)
    task = {"text": text, "tokens": tokens, "answer": answer, "_view_id": view_id,
            "_session_id": session,
            "spans": [{"start": tokens[s]["start"], "end": tokens[e]["end"], "token_start": s,
                       "token_end": e, "label": label} for s, e, label in spans]}
    return set_hashes(task, task_keys=("spans",) if view_id == "ner" else ())


def _db(tmp_path: Path) -> Database:
    db = Database(tmp_path / "e.db")
    examples = [
        _task("Anna lives in Paris", [(0, 0, "PER"), (3, 3, "LOC")]),
        _task("Bob works at Acme", [(0, 0, "PER")], answer="reject"),
        _task("Carl met Dana", [(0, 0, "PER")], view_id="ner"),
        _task("Carl met Dana", [(2, 2, "PER")], view_id="ner"),
        _task("Eve is here", [], answer="ignore"),
        _task("Fay saw Rome", [(2, 2, "LOC")]),
    ]
    db.add_examples(examples, datasets=["ds"])
    return db


def test_merge_answers(tmp_path: Path) -> None:
    merged = merge_answers(_db(tmp_path).get_dataset_examples("ds"))
    assert [(task["text"], complete) for task, complete in merged] == [
        ("Anna lives in Paris", True), ("Carl met Dana", False), ("Fay saw Rome", True)]
    assert len(merged[1][0]["spans"]) == 2  # binary answers of one sentence combined


def test_data_to_spacy(tmp_path: Path) -> None:
    counts = data_to_spacy(_db(tmp_path), ["ds"], tmp_path / "corpus", eval_split=0.34,
                           conll=True)
    assert counts["train"] + counts["dev"] == 3 and counts["dev"] == 1
    vocab = spacy.blank("en").vocab
    docs = [doc for name in ("train", "dev")
            for doc in DocBin().from_disk(tmp_path / "corpus" / f"{name}.spacy").get_docs(vocab)]
    by_text = {doc.text: doc for doc in docs}
    assert [t.ent_iob_ for t in by_text["Carl met Dana"]] == ["B", "", "B"]  # partial: missing
    assert [t.ent_iob_ for t in by_text["Anna lives in Paris"]] == ["B", "O", "O", "B"]
    conll = (tmp_path / "corpus" / "train.conll").read_text() + \
        (tmp_path / "corpus" / "dev.conll").read_text()
    assert "Anna\tB-PER" in conll and "Carl" not in conll


def test_db_out_jsonl_and_conll(tmp_path: Path) -> None:
    db = _db(tmp_path)
    out = io.StringIO()
    assert db_out(db, "ds", out) == 6
    assert [json.loads(line)["answer"] for line in out.getvalue().splitlines()][:2] == [
        "accept", "reject"]
    out = io.StringIO()
    assert db_out(db, "ds", out, format="conll") == 2
    assert out.getvalue().startswith("Anna\tB-PER\nlives\tO\n")


def test_cli_commands(tmp_path: Path) -> None:
    db = _db(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["db-out", "ds", "--db", str(db.path)])
    assert result.exit_code == 0 and len(result.stdout.strip().splitlines()) == 6
    result = runner.invoke(app, ["db-out", "ds", str(tmp_path / "x.jsonl"), "--db",
                                 str(db.path), "--answer", "accept"])
    assert result.exit_code == 0 and len((tmp_path / "x.jsonl").read_text().splitlines()) == 4
    result = runner.invoke(app, ["data-to-spacy", str(tmp_path / "c"), "--ner", "ds",
                                 "--db", str(db.path)])
    assert result.exit_code == 0 and (tmp_path / "c" / "train.spacy").is_file()
    result = runner.invoke(app, ["db-out", "nope", "--db", str(db.path)])
    assert result.exit_code == 1 and "not in" in result.output
    result = runner.invoke(app, ["db-stats", "--db", str(db.path)])
    assert "ds" in result.stdout
    result = runner.invoke(app, ["db-drop", "ds", "--db", str(db.path)])
    assert result.exit_code == 0 and "ds" not in Database(db.path).datasets


def test_annotate_cli_help_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["annotate"])
    assert result.exit_code == 0 and "ner.al-correct" in result.stdout
    result = runner.invoke(app, ["annotate", "ner.manual", "--help"])
    assert result.exit_code == 0 and "--order" in result.stdout and "by hand" in result.stdout
    result = runner.invoke(app, ["annotate", "ner.nope", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "Unknown recipe" in result.output
    result = runner.invoke(app, ["annotate", "ner.manual", "ds", str(tmp_path / "none.jsonl"),
                                 "--label", "PER", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "no such file" in result.output
