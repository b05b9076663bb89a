"""OntoNotes CoNLL-2012 reader on small crafted files (made here, not copied)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from spacy_al.corpora import read_ontonotes
from spacy_al.corpora.ontonotes import find_ontonotes_files
from spacy_al.errors import CorpusFormatError


def row(doc: str, i: int, word: str, ne: str, extra: str = "*") -> str:
    """One CoNLL-2012 row: 12 columns (no predicate), or 13 with ``extra``."""
    cols = [doc, "0", str(i), word, "NNP", "*", "-", "-", "-", "-", ne]
    if extra:
        cols.append(extra)
    cols.append("-")
    return "   ".join(cols)


def document(name: str, sentences: list[list[tuple[str, str]]], part: str = "000") -> str:
    lines = [f"#begin document ({name}); part {part}"]
    for sentence in sentences:
        lines += [row(name, i, word, ne) for i, (word, ne) in enumerate(sentence)]
        lines.append("")
    lines.append("#end document")
    return "\n".join(lines) + "\n"


SENTENCES = [
    [("David", "(PERSON*"), ("Coller", "*)"), (",", "*"), ("VOA", "(ORG)")],
    [("the", "(GPE*"), ("West", "*"), ("Bank", "*)"), ("again", "*")],
]


def ents(doc: Doc) -> list[tuple[str, str]]:
    return [(ent.text, ent.label_) for ent in doc.ents]


def test_reads_brackets_documents_and_sources(write_file, vocab) -> None:
    name = "bn/x/00/x_0001"
    text = document(name, SENTENCES) + document(name, [[("Hi", "*")]], "001")
    path = write_file("x_0001.gold_conll", text)
    docs = list(read_ontonotes(path, vocab))
    assert [d.text for d in docs] == ["David Coller , VOA", "the West Bank again", "Hi"]
    assert ents(docs[0]) == [("David Coller", "PERSON"), ("VOA", "ORG")]
    assert ents(docs[1]) == [("the West Bank", "GPE")]
    assert docs[0].user_data == {"source": f"{path}:2", "document": "bn/x/00/x_0001; part 000"}
    assert docs[1].user_data["source"] == f"{path}:7"
    assert docs[2].user_data["document"] == "bn/x/00/x_0001; part 001"


def test_folder_prefers_gold_files_and_skips_unannotated(write_file, vocab, tmp_path) -> None:
    write_file("data/a/a_1.gold_conll", document("a/a_1", SENTENCES))
    write_file("data/a/a_1.auto_conll", document("a/a_1", SENTENCES))
    write_file("data/b/b_2.gold_conll", document("b/b_2", [[("plain", "*"), ("text", "*")]]))
    files = find_ontonotes_files(tmp_path / "data")
    assert [f.name for f in files] == ["a_1.gold_conll", "b_2.gold_conll"]
    assert len(list(read_ontonotes(tmp_path / "data", vocab))) == 3
    kept = list(read_ontonotes(tmp_path / "data", vocab, skip_docs_without_entities=True))
    assert len(kept) == 2


def test_predicate_columns_may_differ_between_sentences(write_file, vocab) -> None:
    lines = ["#begin document (d); part 000", row("d", 0, "a", "*", extra=""), "",
             row("d", 0, "b", "(NORP)", extra="(V*)"), "#end document"]
    docs = list(read_ontonotes(write_file("d.gold_conll", "\n".join(lines) + "\n"), vocab))
    assert ents(docs[1]) == [("b", "NORP")]


@pytest.mark.parametrize(
    ("sentence", "line", "needle"),
    [
        ([("a", "(PER*"), ("b", "*")], 2, "not closed"),
        ([("a", "*"), ("b", "*)")], 3, "never opened"),
        ([("a", "(PER*"), ("b", "(ORG*"), ("c", "*))")], 3, "opens inside the PER entity"),
        ([("a", "PER")], 2, "cannot read the named-entity cell 'PER'"),
    ],
)
def test_bracket_errors(write_file, vocab, sentence, line, needle) -> None:
    path = write_file("bad.gold_conll", document("d", [sentence]))
    with pytest.raises(CorpusFormatError) as err:
        list(read_ontonotes(path, vocab))
    assert needle in str(err.value) and f"{path}, line {line}:" in str(err.value)
    assert "Fix:" in str(err.value)


def test_wrong_number_of_columns(write_file, vocab) -> None:
    lines = ["#begin document (d); part 000", row("d", 0, "a", "*"), row("d", 1, "b", "*", "")]
    path = write_file("cols.gold_conll", "\n".join(lines) + "\n")
    needle = r"line 3: expected 13 columns \(as on line 2\), found 12"
    with pytest.raises(CorpusFormatError, match=needle):
        list(read_ontonotes(path, vocab))
    path = write_file("short.gold_conll", "d 0 0 a NNP * - - -\n")
    with pytest.raises(CorpusFormatError, match="line 1: expected at least 12 columns"):
        list(read_ontonotes(path, vocab))


def test_missing_blank_line_is_caught_by_word_index(write_file, vocab) -> None:
    lines = ["#begin document (d); part 000", row("d", 0, "a", "*"), row("d", 0, "b", "*")]
    path = write_file("idx.gold_conll", "\n".join(lines) + "\n")
    with pytest.raises(CorpusFormatError, match="line 3: word index '0', expected 1"):
        list(read_ontonotes(path, vocab))


def test_empty_file_and_missing_path(write_file, vocab, tmp_path) -> None:
    path = write_file("empty.gold_conll", "#begin document (d); part 000\n#end document\n")
    with pytest.raises(CorpusFormatError, match="no sentences found"):
        list(read_ontonotes(path, vocab))
    with pytest.raises(CorpusFormatError, match="no such file or folder"):
        read_ontonotes(tmp_path / "missing", vocab)
    (tmp_path / "emptydir").mkdir()
    with pytest.raises(CorpusFormatError, match="no \\*_conll"):
        read_ontonotes(tmp_path / "emptydir", vocab)


def test_invalid_utf8(write_file, vocab) -> None:
    data = document("d", SENTENCES).encode() + row("d", 0, "Z\xfcrich", "*").encode("latin-1")
    path = write_file("enc.gold_conll", data)
    with pytest.raises(CorpusFormatError, match="invalid UTF-8") as err:
        list(read_ontonotes(path, vocab))
    assert err.value.line == 13
