"""Prodigy-style JSONL reader."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from spacy.tokens import Doc

from spacy_al.corpora import read_jsonl
from spacy_al.errors import CorpusFormatError


def jsonl(*rows: Any) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)


def ents(doc: Doc) -> list[tuple[str, str]]:
    return [(ent.text, ent.label_) for ent in doc.ents]


TEXT = "Angela Merkel visited Paris."
PER = {"start": 0, "end": 13, "label": "PER"}
ACCEPT = {"text": TEXT, "answer": "accept", "_input_hash": 1, "_task_hash": 2,
          "spans": [PER, {"start": 22, "end": 27, "label": "LOC"}]}


def test_accept_reject_ignore_and_counts(write_file, vocab) -> None:
    path = write_file("a.jsonl", jsonl(ACCEPT, {**ACCEPT, "answer": "reject"}, "",
                                       {**ACCEPT, "answer": "ignore"}, {"text": "No ents.",
                                                                        "answer": "accept"}))
    counts: Counter[str] = Counter()
    docs = list(read_jsonl(path, vocab, counts=counts))
    assert counts == {"accept": 2, "reject": 1, "ignore": 1}
    assert [t.text for t in docs[0]] == ["Angela", "Merkel", "visited", "Paris", "."]
    assert docs[0].text == TEXT
    assert ents(docs[0]) == [("Angela Merkel", "PER"), ("Paris", "LOC")]
    assert docs[0].user_data == {"source": f"{path}:1", "answer": "accept",
                                 "_input_hash": 1, "_task_hash": 2}
    assert docs[1].user_data["source"] == f"{path}:5"
    assert docs[1].ents == () and docs[1].has_annotation("ENT_IOB")


def test_tokens_given(write_file, vocab) -> None:
    text = "New York-based"
    tokens = [{"text": "New", "start": 0, "end": 3, "id": 0, "ws": True},
              {"text": "York", "start": 4, "end": 8, "id": 1},
              {"text": "-", "start": 8, "end": 9, "id": 2, "ws": False},
              {"text": "based", "start": 9, "end": 14, "id": 3}]
    spans = [{"start": 0, "end": 8, "label": "GPE", "token_start": 0, "token_end": 1}]
    path = write_file("t.jsonl", jsonl({"text": text, "tokens": tokens, "spans": spans,
                                         "answer": "accept"}))
    (doc,) = read_jsonl(path, vocab)
    assert [t.text for t in doc] == ["New", "York", "-", "based"] and doc.text == text
    assert ents(doc) == [("New York", "GPE")]


def test_token_only_spans(write_file, vocab) -> None:
    tokens = [{"text": w, "start": s, "end": s + len(w), "id": i}
              for i, (w, s) in enumerate([("I", 0), ("like", 2), ("Rome", 7)])]
    row = {"text": "I like Rome", "tokens": tokens, "answer": "accept",
           "spans": [{"token_start": 2, "token_end": 2, "label": "LOC"}]}
    (doc,) = read_jsonl(write_file("t.jsonl", jsonl(row)), vocab)
    assert ents(doc) == [("Rome", "LOC")]


def test_unanswered_rows(write_file, vocab) -> None:
    raw = {"text": TEXT, "spans": [{"start": 0, "end": 13, "label": "PER"}]}
    path = write_file("raw.jsonl", jsonl(raw, {"text": "Plain text ."}))
    docs = list(read_jsonl(path, vocab))
    assert len(docs) == 2
    assert not docs[0].has_annotation("ENT_IOB")  # unlabelled: entities missing, not O
    assert [(s.text, s.label_) for s in docs[0].spans["suggested"]] == [("Angela Merkel", "PER")]
    assert docs[0].user_data["answer"] is None
    (gold, _) = read_jsonl(path, vocab, unanswered="accept")
    assert ents(gold) == [("Angela Merkel", "PER")]
    counts: Counter[str] = Counter()
    assert list(read_jsonl(path, vocab, unanswered="skip", counts=counts)) == []
    assert counts == {"unanswered_skipped": 2}
    with pytest.raises(ValueError, match="unanswered must be one of"):
        read_jsonl(path, vocab, unanswered="maybe")


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ('{"text": "a", "answer": "accept"', "invalid JSON"),
        ("[1, 2]", "expected a JSON object, found list"),
        ({"answer": "accept"}, "no `text` string"),
        ({"text": "abc", "answer": "maybe"}, "unknown answer 'maybe'"),
        ({"text": "abc", "answer": "accept", "spans": [{"start": 0, "end": 9, "label": "X"}]},
         "span 0 (X, characters 0-9) lies outside the text (length 3)"),
        ({"text": "abc", "answer": "accept", "spans": [{"start": -1, "end": 2, "label": "X"}]},
         "lies outside the text"),
        ({"text": TEXT, "answer": "accept", "spans": [{"start": 0, "end": 3, "label": "PER"}]},
         "span 0 (PER, characters 0-3) 'Ang' does not start and end on token boundaries"),
        ({"text": TEXT, "answer": "accept", "spans": [{"start": 0, "end": 6}]}, "has no label"),
        ({"text": TEXT, "answer": "accept",
          "spans": [PER, {"start": 7, "end": 13, "label": "X"}]},
         "entity spans overlap"),
        ({"text": TEXT, "answer": "accept",
          "spans": [{"start": 0, "end": 6, "label": "PER", "token_start": 1, "token_end": 1}]},
         "disagree with the characters"),
        ({"text": "ab", "answer": "accept", "tokens": [{"text": "b", "start": 0, "end": 1}]},
         "token 0 'b' does not match the text"),
        ({"text": "ab", "answer": "accept", "spans": [{"token_start": 3, "token_end": 3,
                                                       "label": "X"}]}, "valid token range"),
    ],
)
def test_errors_name_file_and_line(write_file, vocab, row: Any, needle: str) -> None:
    path = write_file("bad.jsonl", jsonl(ACCEPT, row))
    with pytest.raises(CorpusFormatError) as err:
        list(read_jsonl(path, vocab))
    assert needle in str(err.value)
    assert f"{path}, line 2:" in str(err.value) and "Fix:" in str(err.value)


def test_empty_file_and_invalid_utf8(write_file, vocab) -> None:
    with pytest.raises(CorpusFormatError, match="no tasks found"):
        list(read_jsonl(write_file("empty.jsonl", "\n\n"), vocab))
    data = jsonl(ACCEPT).encode() + b'{"text": "Z\xfcrich", "answer": "accept"}\n'
    with pytest.raises(CorpusFormatError, match="line 2: invalid UTF-8"):
        list(read_jsonl(write_file("latin1.jsonl", data), vocab))
