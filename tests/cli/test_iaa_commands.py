"""metric.iaa.span / .binary / .doc: the coefficients by hand, the commands on a real
database with two sessions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import srsly
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.store.database import Database
from spacy_al.store.decision_agreement import (
    decision_agreement,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)
from spacy_al.store.importer import import_file

A, R = "accept", "reject"


def test_coefficients_by_hand() -> None:
    units = [[A, A], [A, R], [R, R], [A, A]]
    assert percent_agreement(units) == 0.75
    # coincidences: o_aa 4, o_ar = o_ra 1, o_rr 2; n_a 5, n_r 3, n 8: 1 - 7 * 2 / 30
    assert krippendorff_alpha(units) == pytest.approx(1 - 14 / 30)
    # pi_a = (1 + .5 + 0 + 1) / 4 = .625; p_e = 2 * .625 * .375; (.75 - p_e) / (1 - p_e)
    p_e = 2 * 0.625 * 0.375
    assert gwet_ac1(units) == pytest.approx((0.75 - p_e) / (1 - p_e))
    assert percent_agreement([[A, A, R]]) == pytest.approx(1 / 3)  # 2 of 6 ordered pairs
    assert krippendorff_alpha([[A, A], [R, R]]) == 1.0
    assert math.isnan(percent_agreement([[A]]))


def _teach(text: str, start: int, end: int, who: str, answer: str) -> dict:
    return {"text": text, "spans": [{"start": start, "end": end, "label": "PER"}],
            "_view_id": "ner", "_session_id": f"news-{who}", "answer": answer}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    rows = [
        _teach("Ada met Bob", 0, 3, "alice", A), _teach("Ada met Bob", 0, 3, "bob", A),
        _teach("Ada met Bob", 8, 11, "alice", A), _teach("Ada met Bob", 8, 11, "bob", R),
        _teach("Cy ran", 0, 2, "alice", R), _teach("Cy ran", 0, 2, "bob", R),
        _teach("Dee sat", 0, 3, "alice", A), _teach("Dee sat", 0, 3, "bob", A),
        _teach("Eve ate", 0, 3, "alice", "ignore"), _teach("Eve ate", 0, 3, "bob", A),
    ]
    source = tmp_path / "teach.jsonl"
    srsly.write_jsonl(source, rows)
    database = Database(tmp_path / "a.db")
    import_file(database, "news", source)
    return database


def test_binary_compares_answers_to_the_same_question(db: Database, tmp_path: Path) -> None:
    result = decision_agreement(db.get_dataset_examples("news"), "binary")
    assert (result.units, result.sessions, result.decisions) == (4, 2, 8)
    assert result.percent == 0.75 and result.krippendorff_alpha == pytest.approx(1 - 14 / 30)
    out = tmp_path / "iaa.json"
    cli = CliRunner().invoke(app, ["metric.iaa.binary", "news", "--db", str(db.path),
                                   "--json", str(out)])
    assert cli.exit_code == 0, cli.output
    assert "Percent (Simple) Agreement    0.7500" in cli.output
    assert "Krippendorff's Alpha          0.5333" in cli.output
    assert json.loads(out.read_text())["gwet_ac1"] == pytest.approx(result.gwet_ac1)


def test_doc_compares_whole_sentences(db: Database) -> None:
    result = decision_agreement(db.get_dataset_examples("news"), "doc")
    # per sentence each session's latest decision: Ada (alice A, bob R), Cy, Dee, Eve (one)
    assert (result.units, result.percent) == (3, pytest.approx(2 / 3))
    cli = CliRunner().invoke(app, ["metric.iaa.doc", "news", "--db", str(db.path)])
    assert cli.exit_code == 0 and "Percent (Simple) Agreement    0.6667" in cli.output


def test_span_is_iaa_and_nothing_to_compare_says_so(db: Database, tmp_path: Path) -> None:
    for name in ("metric.iaa.span", "iaa"):
        cli = CliRunner().invoke(app, [name, "news", "--db", str(db.path)])
        assert cli.exit_code == 1 and "No sentence of news has accepted ner_manual" in cli.output
    solo = tmp_path / "solo.jsonl"
    srsly.write_jsonl(solo, [_teach("Ada met Bob", 0, 3, "alice", A)])
    import_file(db, "solo", solo)
    cli = CliRunner().invoke(app, ["metric.iaa.binary", "solo", "--db", str(db.path)])
    assert cli.exit_code == 1 and "No question of solo was accepted or rejected" in cli.output
