"""``db-in``: Prodigy JSONL, DocBin and CoNLL into a dataset; hashes, sessions, no duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.tokens import Doc, DocBin
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.errors import ConfigError, CorpusFormatError
from spacy_al.store.database import Database
from spacy_al.store.export import data_to_spacy
from spacy_al.store.importer import import_file
from spacy_al.tasks import input_hash_of, set_hashes

CONLL = "-DOCSTART- -X- -X- O\n\nACME NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nAnna NNP B-NP B-PER\n"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "a.db")


def test_jsonl_sets_what_is_absent_and_reruns_add_nothing(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "alice.jsonl"
    srsly.write_jsonl(source, [
        {"text": "Ada Lovelace lived in London", "spans": [
            {"start": 0, "end": 12, "label": "PER"}, {"start": 22, "end": 28, "label": "LOC"}]},
        {"text": "Nothing here", "answer": "reject"},
    ])
    result = import_file(db, "ds", source)
    assert (result.read, result.new, result.sessions) == (2, 2, {"ds-alice": 2})
    first, second = db.get_dataset_examples("ds")
    assert first["answer"] == "accept" and second["answer"] == "reject"
    assert first["_session_id"] == "ds-alice" and first["_view_id"] == "ner_manual"
    assert first["_input_hash"] == input_hash_of({"text": first["text"]})
    assert [(s["token_start"], s["token_end"]) for s in first["spans"]] == [(0, 1), (4, 4)]
    assert [t["text"] for t in first["tokens"]] == ["Ada", "Lovelace", "lived", "in", "London"]
    assert "ds-alice" in db.sessions and db.count("ds-alice") == 2
    again = import_file(db, "ds", source)
    assert (again.read, again.new) == (2, 0) and db.count("ds") == 2
    assert import_file(db, "ds", source, session="bob").new == 2  # another session
    assert db.count("ds") == 4


def test_jsonl_keeps_given_hashes_and_sessions(db: Database, tmp_path: Path) -> None:
    task = set_hashes({"text": "Paris", "spans": [], "answer": "ignore",
                       "_session_id": "ds-carol", "_view_id": "ner_manual"})
    task["_input_hash"], task["_task_hash"] = 11, 22  # as stored by another tool
    source = tmp_path / "export.jsonl"
    srsly.write_jsonl(source, [task])
    import_file(db, "ds", source, answer="accept")
    (stored,) = db.get_dataset_examples("ds")
    assert (stored["_input_hash"], stored["_task_hash"]) == (11, 22)
    assert stored["_session_id"] == "ds-carol" and stored["answer"] == "ignore"
    import_file(db, "ds", source, rehash=True)
    assert {eg["_task_hash"] for eg in db.get_dataset_examples("ds")} > {22}


def test_jsonl_errors_name_the_line(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps({"text": "Ada Lovelace"}) + "\n" + json.dumps(
        {"text": "Ada Lovelace", "spans": [{"start": 1, "end": 12, "label": "PER"}]}) + "\n")
    with pytest.raises(CorpusFormatError, match="line 2: span 1-12 .PER. does not start"):
        import_file(db, "ds", source)
    assert "ds" not in db  # nothing written
    source.write_text('{"text": "a"}\n{"text": "b", "meta": {"score": NaN}}\n')
    with pytest.raises(CorpusFormatError, match="line 2: Invalid number NaN"):
        import_file(db, "ds", source)
    assert "ds" not in db
    source.write_text('{"text": "a"}\n{"text": \n')
    with pytest.raises(CorpusFormatError, match="line 2: Invalid JSON: Expecting value"):
        import_file(db, "ds", source)
    with pytest.raises(ConfigError, match="read as text: it holds no annotations"):
        (tmp_path / "t.txt").write_text("Some prose here .\nAnd more prose .\n")
        import_file(db, "ds", tmp_path / "t.txt")
    with pytest.raises(ConfigError, match="Unknown answer"):
        import_file(db, "ds", source, answer="maybe")


def test_conll_named_txt_and_docbin(db: Database, tmp_path: Path) -> None:
    conll = tmp_path / "train.txt"
    conll.write_text(CONLL)
    assert import_file(db, "gold", conll).new == 2
    texts = [(eg["text"], [s["label"] for s in eg["spans"]], eg["_view_id"])
             for eg in db.get_dataset_examples("gold")]
    assert texts == [("ACME rejects", ["ORG"], "ner_manual"), ("Anna", ["PER"], "ner_manual")]
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Bonn", "agreed", ".", "Paris", "too"],
              sent_starts=[True, False, False, True, False])
    doc.set_ents([doc.char_span(0, 4, "LOC")], default="outside")
    partial = Doc(nlp.vocab, words=["Ann", "ran"])
    partial.set_ents([partial.char_span(0, 3, "PER")], default="missing")
    DocBin(docs=[doc, partial]).to_disk(tmp_path / "x.spacy")
    assert import_file(db, "bin", tmp_path / "x.spacy").read == 3  # one task per sentence
    stored = db.get_dataset_examples("bin")
    assert [eg["text"] for eg in stored] == ["Bonn agreed .", "Paris too", "Ann ran"]
    assert [eg["_view_id"] for eg in stored] == ["ner_manual", "ner_manual", "ner"]
    counts = data_to_spacy(db, ["gold"], tmp_path / "out", eval_split=0.0)
    back = list(DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(nlp.vocab))
    assert counts["train"] == 2 and [(e.text, e.label_) for d in back for e in d.ents] == [
        ("ACME", "ORG"), ("Anna", "PER")]


def test_db_in_cli(db: Database, tmp_path: Path) -> None:
    conll = tmp_path / "train.txt"
    conll.write_text(CONLL)
    args = ["db-in", "gold", str(conll), "--db", str(db.path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Imported 2 answers" in result.output and "(2 new, 0 already there)" in result.output
    result = CliRunner().invoke(app, args)
    assert "(0 new, 2 already there)" in result.output and db.count("gold") == 2
    result = CliRunner().invoke(app, ["db-in", "gold", str(tmp_path / "no.jsonl"),
                                      "--db", str(db.path)])
    assert result.exit_code == 1 and "no such file" in result.output
