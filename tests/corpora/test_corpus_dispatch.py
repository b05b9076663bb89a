"""read_docs dispatch, DocBin reading, corpus_stats and document grouping."""

from __future__ import annotations

import json

import pytest
from spacy.tokens import Doc, DocBin

from spacy_al.corpora import (
    corpus_stats,
    detect_format,
    group_documents,
    merge_sentences,
    read_conll,
    read_docs,
)
from spacy_al.errors import ConfigError, CorpusFormatError

CONLL = "-DOCSTART- O\n\nEU B-ORG\nsaid O\n\nBonn B-LOC\nagreed O\n\n-DOCSTART- O\n\nok O\n"
ONTO = (
    "#begin document (d); part 000\n"
    "d 0 0 Paris NNP * - - - - (GPE) -\n\n"
    "d 0 0 ok UH * - - - - * -\n#end document\n"
)
JSONL = json.dumps({"text": "Paris", "answer": "accept",
                    "spans": [{"start": 0, "end": 5, "label": "GPE"}]}) + "\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.conll", CONLL, "conll"),
        ("a.txt", CONLL, "conll"),
        ("b.gold_conll", ONTO, "ontonotes"),
        ("b.v4_auto_conll", ONTO, "ontonotes"),
        ("b.txt", ONTO, "ontonotes"),
        ("c.jsonl", JSONL, "jsonl"),
        ("c.txt", JSONL, "jsonl"),
    ],
)
def test_detect_format(write_file, name: str, content: str, expected: str) -> None:
    assert detect_format(write_file(name, content)) == expected


def test_read_docs_every_format(write_file, vocab, tmp_path) -> None:
    conll = write_file("a.conll", CONLL)
    docs = list(read_docs(conll, vocab))
    assert [d.text for d in docs] == ["EU said", "Bonn agreed", "ok"]
    assert list(read_docs(conll, vocab, format="conll", scheme="IOB2"))[0].ents[0].label_ == "ORG"
    onto = write_file("b.gold_conll", ONTO)
    assert [d.text for d in read_docs(onto, vocab)] == ["Paris", "ok"]
    assert [d.text for d in read_docs(tmp_path, vocab)] == ["Paris", "ok"]  # folder
    assert [e.text for d in read_docs(write_file("c.jsonl", JSONL), vocab) for e in d.ents] == [
        "Paris"]
    doc_bin = DocBin(docs=docs, store_user_data=True)
    (tmp_path / "spacy").mkdir()
    doc_bin.to_disk(tmp_path / "spacy" / "x.spacy")
    back = list(read_docs(tmp_path / "spacy" / "x.spacy", vocab))
    assert [d.text for d in back] == ["EU said", "Bonn agreed", "ok"]
    assert back[0].user_data["source"] == f"{conll}:3"
    assert len(list(read_docs(tmp_path / "spacy", vocab))) == 3
    with pytest.raises(ConfigError, match="--scheme do"):
        read_docs(tmp_path / "spacy" / "x.spacy", vocab, scheme="IOB2")


def test_read_docs_errors(write_file, vocab, tmp_path) -> None:
    with pytest.raises(CorpusFormatError, match="unknown loader 'xml'.*--loader with one of auto"):
        read_docs(write_file("a.conll", CONLL), vocab, format="xml")
    with pytest.raises(CorpusFormatError, match="no such file"):
        read_docs(tmp_path / "missing.conll", vocab)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusFormatError, match="cannot tell the corpus format"):
        read_docs(tmp_path / "empty", vocab)


def test_corpus_stats_and_grouping(write_file, vocab) -> None:
    docs = list(read_conll(write_file("a.conll", CONLL), vocab))
    expected = {"docs": 3, "sentences": 3, "tokens": 5, "entities": 2, "duplicates": 0,
                "per_type": {"LOC": 1, "ORG": 1}}
    assert corpus_stats(docs) == expected
    grouped = list(group_documents(docs))
    assert [d.text for d in grouped] == ["EU said Bonn agreed", "ok"]
    assert [s.text for s in grouped[0].sents] == ["EU said", "Bonn agreed"]
    assert [(e.text, e.label_) for e in grouped[0].ents] == [("EU", "ORG"), ("Bonn", "LOC")]
    assert corpus_stats(grouped) == {**expected, "docs": 2}


def test_group_documents_keeps_docs_without_a_document(vocab) -> None:
    docs = [Doc(vocab, words=["a"]), Doc(vocab, words=["b"])]
    assert list(group_documents(docs)) == docs
    merged = merge_sentences(docs)
    assert merged.text == "a b" and len(list(merged.sents)) == 2
