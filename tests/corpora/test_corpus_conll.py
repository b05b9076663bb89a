"""Column CoNLL reader on small crafted files."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from spacy_al.corpora import detect_conll_scheme, read_conll
from spacy_al.errors import CorpusFormatError


def ents(doc: Doc) -> list[tuple[str, str]]:
    return [(ent.text, ent.label_) for ent in doc.ents]


def read(path: Path, vocab: Vocab, **options: object) -> list[Doc]:
    return list(read_conll(path, vocab, **options))  # type: ignore[arg-type]


IOB1 = """-DOCSTART- -X- O O

ACME NNP I-NP I-ORG
rejects VBZ I-VP O
Dutch JJ I-NP I-MISC
call NN I-NP O
. . O O

Lena NNP I-NP I-PER
Varga NNP I-NP I-PER
met VBD I-VP O
Anna NNP I-NP I-PER
Smith NNP I-NP I-PER
, , O O
Bob NNP B-NP B-PER
. . O O
"""


def test_iob1_file(write_file, vocab) -> None:
    path = write_file("iob1.txt", IOB1)
    assert detect_conll_scheme(path) == "IOB1"
    docs = read(path, vocab)
    assert len(docs) == 2
    assert [t.text for t in docs[0]] == ["ACME", "rejects", "Dutch", "call", "."]
    assert ents(docs[0]) == [("ACME", "ORG"), ("Dutch", "MISC")]
    assert ents(docs[1]) == [("Lena Varga", "PER"), ("Anna Smith", "PER"), ("Bob", "PER")]
    assert docs[0].user_data["source"] == f"{path}:3"
    assert docs[1].user_data["source"] == f"{path}:9"
    assert docs[0].user_data["document"] == f"{path}:1"
    assert docs[0].has_annotation("ENT_IOB")


def test_iob1_adjacent_same_type_uses_b(write_file, vocab) -> None:
    path = write_file("adj.txt", "Paris I-LOC\nLondon B-LOC\nRome I-LOC\nand O\nBerlin I-LOC\n")
    (doc,) = read(path, vocab)
    assert ents(doc) == [("Paris", "LOC"), ("London Rome", "LOC"), ("Berlin", "LOC")]


def test_io_file(write_file, vocab) -> None:
    text = "-DOCSTART- O\n\nCapsule I-ORG\nCorp I-ORG\nin O\nNew I-LOC\nYork I-LOC\nCity I-LOC\n"
    path = write_file("io.txt", text)
    assert detect_conll_scheme(path) == "IO"
    (doc,) = read(path, vocab)
    assert ents(doc) == [("Capsule Corp", "ORG"), ("New York City", "LOC")]


@pytest.mark.parametrize("last", ["L", "E"])
def test_biluo_and_bioes_files(write_file, vocab, last: str) -> None:
    single = "U" if last == "L" else "S"
    text = f"Angela B-PER\nMerkel {last}-PER\nin O\nBerlin {single}-LOC\n"
    path = write_file("biluo.txt", text)
    assert detect_conll_scheme(path) == "BILUO"
    (doc,) = read(path, vocab)
    assert ents(doc) == [("Angela Merkel", "PER"), ("Berlin", "LOC")]


def test_iob2_tab_separated_with_spaces_in_tokens(write_file, vocab) -> None:
    path = write_file("tab.tsv", "New York\tB-LOC\nis\tO\nbig\tO\n")
    (doc,) = read(path, vocab, sep="\t", scheme="BIO")
    assert [t.text for t in doc] == ["New York", "is", "big"]
    assert ents(doc) == [("New York", "LOC")]


def test_tag_first_columns(write_file, vocab) -> None:
    text = "\nB-Rating\t2\nI-Rating\tstar\nO\trestaurants\nB-Location\tnearby\n\nO\thi\n"
    path = write_file("mit.bio", text)
    docs = read(path, vocab, token_col=1, tag_col=0, sep="\t")
    assert [t.text for t in docs[0]] == ["2", "star", "restaurants", "nearby"]
    assert ents(docs[0]) == [("2 star", "Rating"), ("nearby", "Location")]
    assert ents(docs[1]) == []


def test_tag_first_without_options_suggests_swapping(write_file, vocab) -> None:
    path = write_file("mit.bio", "B-Rating\t2\nO\tplaces\n")
    with pytest.raises(CorpusFormatError, match="--token-col 1 --tag-col 0") as err:
        read(path, vocab)
    assert err.value.line == 1 and str(path) in str(err.value)


def test_crlf_and_bom(write_file, vocab) -> None:
    data = "\ufeffACME B-ORG\r\nrejects O\r\n\r\nUtrecht B-LOC\r\n".encode()
    path = write_file("crlf.txt", data)
    docs = read(path, vocab)
    assert [t.text for t in docs[0]] == ["ACME", "rejects"]
    assert ents(docs[0]) == [("ACME", "ORG")]
    assert ents(docs[1]) == [("Utrecht", "LOC")]
    assert docs[1].user_data["source"] == f"{path}:4"


def test_comments_and_hash_tokens(write_file, vocab) -> None:
    text = (
        "# sent_id = 1\n# text = #love it\n#love\tO\nit\tO\n\n"
        "# a comment inside the file\n#\tB-MISC\ntags\tI-MISC\n"
    )
    path = write_file("hash.txt", text)
    docs = read(path, vocab)
    assert [[t.text for t in d] for d in docs] == [["#love", "it"], ["#", "tags"]]
    assert ents(docs[1]) == [("# tags", "MISC")]
    assert docs[0].user_data["source"] == f"{path}:3"


def test_whitespace_only_lines_separate_sentences(write_file, vocab) -> None:
    path = write_file("wnut.txt", "a\tO\nb\tB-person\n\t\nc\tO\n  \nd\tO\n")
    assert len(read(path, vocab)) == 3
    assert len(read(path, vocab, sep="\t")) == 3


def test_docstart_without_blank_line_ends_sentence(write_file, vocab) -> None:
    path = write_file("docs.txt", "a O\n-DOCSTART- O\nb O\n\n-DOCSTART- O\n\nc O\n")
    docs = read(path, vocab)
    assert [d.text for d in docs] == ["a", "b", "c"]
    assert "document" not in docs[0].user_data
    assert docs[1].user_data["document"] == f"{path}:2"
    assert docs[2].user_data["document"] == f"{path}:5"


def test_iob2_repair_keeps_every_token(write_file, vocab) -> None:
    path = write_file("bad.txt", "the O\nUN I-ORG\nmet O\nB B-PER\nx I-LOC\n")
    with pytest.raises(CorpusFormatError) as err:
        read(path, vocab, scheme="IOB2")
    assert err.value.line == 2 and "I-ORG follows O" in str(err.value)
    (doc,) = read(path, vocab, scheme="IOB2", strict=False)
    assert len(doc) == 5
    assert ents(doc) == [("UN", "ORG"), ("B", "PER"), ("x", "LOC")]


def test_no_entities_is_complete_annotation(write_file, vocab) -> None:
    (doc,) = read(write_file("o.txt", "nothing O\nhere O\n"), vocab)
    assert doc.ents == () and doc.has_annotation("ENT_IOB")
    assert all(t.ent_iob_ == "O" for t in doc)


# ---- errors: each names the file and the line, and says how to fix it ----


@pytest.mark.parametrize(
    ("text", "options", "line", "needle"),
    [
        ("a O\nb c O\n", {}, 2, "expected 2 columns (as on line 1), found 3"),
        ("a O\nb X-PER\n", {}, 2, "unknown tag 'X-PER'"),
        ("a O\nb B-\n", {}, 2, "unknown tag 'B-'"),
        ("a O\nb PER\n", {}, 2, "unknown tag 'PER'"),
        ("a O\nb I-PER\n", {"scheme": "IOB2"}, 2, "I-PER follows O"),
        ("a O\nb L-PER\n", {"scheme": "BILUO"}, 2, "L-PER without a preceding B-PER"),
        ("a B-PER\nb O\n", {"scheme": "BIOES"}, 2, "not closed"),
        ("a O\nb U-PER\n", {"scheme": "IOB1"}, 2, "does not belong to the IOB1 scheme"),
        ("a O\nb O\n", {"tag_col": 3}, 1, "--tag-col 3 names no column: the line has 2 column"),
    ],
)
def test_errors_name_file_line_and_fix(write_file, vocab, text, options, line, needle) -> None:
    path = write_file("bad.conll", text)
    with pytest.raises(CorpusFormatError) as err:
        read(path, vocab, **options)
    message = str(err.value)
    assert needle in message
    assert f"{path}, line {line}:" in message
    assert err.value.line == line and err.value.path == str(path)
    assert "Fix:" in message


def test_unknown_scheme_name(write_file, vocab) -> None:
    path = write_file("ok.conll", "a O\n")
    with pytest.raises(CorpusFormatError, match="unknown tagging scheme 'IOBX'") as err:
        read_conll(path, vocab, scheme="IOBX")  # raised at once, before reading
    assert str(path) in str(err.value) and "Fix:" in str(err.value)


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"", "the file is empty"), (b"\n\n# only a comment\n-DOCSTART- O\n\n", "none of its 5")],
)
def test_empty_file(write_file, vocab, content: bytes, needle: str) -> None:
    path = write_file("empty.conll", content)
    with pytest.raises(CorpusFormatError, match="no sentences found") as err:
        read(path, vocab)
    assert needle in str(err.value) and str(path) in str(err.value)


def test_invalid_utf8_names_the_line(write_file, vocab) -> None:
    data = b"Zurich B-LOC\n\n" + "Zürich B-LOC\n".encode("latin-1")
    path = write_file("latin1.conll", data)
    with pytest.raises(CorpusFormatError, match="invalid UTF-8") as err:
        read(path, vocab)
    assert err.value.line == 3 and f"{path}, line 3" in str(err.value)


def test_missing_file(tmp_path, vocab) -> None:
    with pytest.raises(CorpusFormatError, match="cannot open"):
        read(tmp_path / "nope.conll", vocab)


def test_only_newline_ends_a_line(write_file, vocab) -> None:
    path = write_file("u.tsv", "a\u2028b\tO\nc\x85\tO\n\nlast\tB-X")  # no final newline
    docs = read(path, vocab, sep="\t")
    assert [[t.text for t in d] for d in docs] == [["a\u2028b", "c\x85"], ["last"]]
    assert docs[1].user_data["source"] == f"{path}:4"
    assert ents(docs[1]) == [("last", "X")]
