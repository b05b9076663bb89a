"""``iaa``: db-in two annotators' JSONL, then span F1 and Cohen's kappa computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srsly
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.cli.iaa_command import iaa
from spacy_al.store.agreement import agreement, cohen_kappa, iob_tags
from spacy_al.store.database import Database
from spacy_al.store.importer import import_file
from spacy_al.tasks import TokenSpan

S1 = "Ada Lovelace met Bob in London"  # 6 tokens
S2 = "Paris is big"  # 3 tokens


def _span(text: str, word: str, label: str) -> dict:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    rows = [
        ("alice", S1, [("Ada Lovelace", "PER"), ("Bob", "PER"), ("London", "LOC")], "accept"),
        ("bob", S1, [("Ada Lovelace", "PER"), ("Bob", "ORG"), ("London", "LOC")], "accept"),
        ("alice", S2, [("Paris", "LOC")], "accept"),
        ("bob", S2, [], "accept"),
        ("alice", "Only alice saw this", [], "accept"),  # one session: not compared
        ("bob", "Rejected by bob", [], "reject"),
        ("alice", "Rejected by bob", [], "accept"),
    ]
    source = tmp_path / "two_annotators.jsonl"
    srsly.write_jsonl(source, [{"text": text, "_session_id": f"ner-{who}", "answer": answer,
                                "spans": [_span(text, w, label) for w, label in spans]}
                               for who, text, spans, answer in rows])
    database = Database(tmp_path / "a.db")
    assert import_file(database, "ner", source).new == len(rows)
    return database


def test_hand_computed_f1_and_kappa(db: Database, tmp_path: Path) -> None:
    # pair (alice, bob): tp 2 (Ada Lovelace PER, London LOC), bob only: Bob ORG (fp 1),
    # alice only: Bob PER, Paris LOC (fn 2) -> P 2/3, R 2/4, F1 2*2 / (2*2 + 1 + 2) = 4/7.
    # tokens: alice B-PER I-PER O B-PER O B-LOC | B-LOC O O
    #         bob   B-PER I-PER O B-ORG O B-LOC | O     O O  -> p_o = 7/9,
    # p_e = (B-PER 2*1 + I-PER 1*1 + O 4*5 + B-LOC 2*1) / 81 = 25/81,
    # kappa = (7/9 - 25/81) / (1 - 25/81) = 38/56 = 19/28.
    result = iaa("ner", db.path)
    assert result["sentences"] == 2 and result["sessions"] == ["ner-alice", "ner-bob"]
    assert result["micro_precision"] == pytest.approx(2 / 3)
    assert result["micro_recall"] == pytest.approx(0.5)
    assert result["micro_f1"] == pytest.approx(4 / 7)
    assert result["kappa"] == pytest.approx(19 / 28)
    per_label = {k: (v["tp"], v["fp"], v["fn"]) for k, v in result["per_label"].items()}
    assert per_label == {"LOC": (1, 0, 1), "ORG": (0, 1, 0), "PER": (1, 0, 1)}
    assert result["per_label"]["PER"]["f1"] == pytest.approx(2 / 3)
    (pair,) = result["pairs"]
    assert (pair["a"], pair["b"], pair["sentences"]) == ("ner-alice", "ner-bob", 2)
    assert pair["f1"] == pytest.approx(4 / 7) and pair["kappa"] == pytest.approx(19 / 28)
    out = tmp_path / "iaa.json"
    run = CliRunner().invoke(app, ["iaa", "ner", "--db", str(db.path), "--json", str(out)])
    assert run.exit_code == 0, run.output
    assert json.loads(out.read_text())["micro_f1"] == pytest.approx(4 / 7)
    assert "micro" in run.output and "0.571" in run.output and "0.679" in run.output
    assert "2 sentences annotated by 2+ of 2 sessions" in run.output
    solo = tmp_path / "solo.jsonl"
    srsly.write_jsonl(solo, [{"text": S1}, {"text": S2}])  # one session only
    import_file(db, "solo", solo)
    run = CliRunner().invoke(app, ["iaa", "solo", "--db", str(db.path)])
    assert run.exit_code == 1 and "two or more sessions" in run.output
    run = CliRunner().invoke(app, ["iaa", "empty_one", "--db", str(db.path)])
    assert run.exit_code == 1 and "is not in" in run.output


def test_three_sessions_and_edge_cases() -> None:
    def answer(session: str, spans: list[tuple[int, int, str]], n: int = 3) -> dict:
        tokens = [{"text": "w", "start": 2 * i, "end": 2 * i + 1, "id": i} for i in range(n)]
        return {"_input_hash": 1, "_session_id": session, "answer": "accept", "tokens": tokens,
                "spans": [{"token_start": s, "token_end": e - 1, "label": lab}
                          for s, e, lab in spans]}
    same = [answer("a", [(0, 1, "X")]), answer("b", [(0, 1, "X")]), answer("c", [(0, 1, "X")])]
    result = agreement(same)
    assert len(result.pairs) == 3 and result.micro.f1 == 1.0 and result.kappa == 1.0
    assert agreement([answer("a", []), answer("b", [])]).micro.f1 == 1.0  # nothing to miss
    assert agreement([answer("a", []), answer("b", [], n=4)]).skipped == 1
    latest = agreement([answer("a", [(0, 1, "X")]), answer("b", []), answer("b", [(0, 1, "X")])])
    assert latest.micro.f1 == 1.0  # a session's latest answer counts
    assert iob_tags(4, [TokenSpan(1, 3, "X")]) == ["O", "B-X", "I-X", "O"]
    assert cohen_kappa([("A", "A"), ("B", "B")]) == 1.0
    assert cohen_kappa([("A", "B"), ("B", "A")]) == pytest.approx(-1.0)
