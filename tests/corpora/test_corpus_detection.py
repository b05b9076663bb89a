"""The one content-based detection: CoNLL is never text, text is never CoNLL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spacy_al.corpora import detect_format, read_docs
from spacy_al.corpora.detection import detect_text_format
from spacy_al.corpora.tags import parse_tag
from spacy_al.errors import CorpusFormatError
from tests.conftest import SENTENCES

CONLL2003 = (
    "-DOCSTART- -X- -X- O\n\nACME NNP B-NP B-ORG\nrejects VBZ B-VP O\nDutch JJ B-NP B-MISC\n"
    "call NN I-NP O\n. . O O\n\nAnna NNP B-NP B-PER\nBerglund NNP I-NP I-PER\n"
)
TEXT = "\n".join(SENTENCES) + "\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("train.txt", CONLL2003, "conll"),  # CoNLL-2003's own file name
        ("train.txt", CONLL2003.replace(" ", "\t"), "conll"),
        ("wnut.txt", "@paulwalk\tO\nIt\tO\n's\tO\n\nok\tB-person\n", "conll"),
        ("mit.bio", "B-Rating\t2\nI-Rating\tstar\nO\tplaces\n", "conll"),  # tag first
        ("tabs.tsv", "New York\tB-LOC\nis\tO\n", "conll"),  # a token with a space
        ("one.conll", "Paris B-LOC\n", "conll"),  # one line, but a CoNLL name
        ("comments.txt", "# sent_id = 1\nParis B-LOC\nis O\n", "conll"),
        ("lines.txt", TEXT, "text"),
        ("lines.txt", "First line here.\n\nSecond line, there.\n", "text"),
        ("words.txt", "Paris\nLondon\nBerlin\n", "text"),
        ("tags.txt", "Go to O\nThe Big O is here .\nSee you\n", "text"),
        ("hashes.txt", "# a heading\n# another\n", "text"),
        ("tasks.txt", json.dumps({"text": "Paris"}) + "\n", "jsonl"),
        ("broken.jsonl", '{"text": "Paris"\n', "jsonl"),  # the reader names the bad line
        ("onto.txt", "#begin document (d); part 000\nd 0 0 Paris NNP * (GPE) -\n", "ontonotes"),
    ],
)
def test_detect_format(write_file, name: str, content: str, expected: str) -> None:
    assert detect_format(write_file(name, content)) == expected


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("Paris O\n", 1, "a single token line"),
        ("ACME B-ORG\nrejects O\nDutch B-MISC\nthe call was rejected\nhere O\n", 4,
         "4 of 5 lines are token lines"),
        ("-DOCSTART- -X- O\n\nACME B-ORG\nthis line is broken\n", 4, r"-DOCSTART- line \(line 1\)"),
        ("ACME NNP\nsaid VBD\nno DT\n\nAnna NNP\nsaid VBD\nyes UH\n", 1,
         "the tag column holds no tags"),
    ],
)
def test_ambiguous_files_stop_with_the_file_and_line(
    write_file, content: str, line: int, message: str
) -> None:
    path = write_file("data.txt", content)
    with pytest.raises(CorpusFormatError, match=message) as info:
        detect_format(path)
    assert info.value.path == str(path) and info.value.line == line
    assert "--loader conll" in str(info.value) and "--loader text" in str(info.value)


def test_empty_and_missing(write_file, tmp_path: Path) -> None:
    with pytest.raises(CorpusFormatError, match="holds no text"):
        detect_format(write_file("empty.txt", "\n \n"))
    with pytest.raises(CorpusFormatError, match="no such file"):
        detect_format(tmp_path / "missing.txt")


def test_read_docs_follows_detection(write_file, vocab) -> None:
    conll = write_file("train.txt", CONLL2003)
    assert [d.text for d in read_docs(conll, vocab)] == ["ACME rejects Dutch call .",
                                                         "Anna Berglund"]
    text = write_file("lines.txt", TEXT)
    docs = list(read_docs(text, vocab))
    assert [d.text for d in docs] == SENTENCES and not any(d.ents for d in docs)
    assert docs[1].user_data["source"] == f"{text}:2"
    with pytest.raises(CorpusFormatError, match="column file.*--loader conll") as info:
        read_docs(conll, vocab, loader="text")  # would ask every token line as a sentence
    assert info.value.line == 3
    with pytest.raises(ValueError, match="disagree"):
        read_docs(conll, vocab, format="jsonl", loader="conll")


_WORD = st.one_of(
    st.text(st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=8),
    st.sampled_from(["O", "B-PER", "I-LOC", "U-ORG", "-DOCSTART-", "#", "{", "}", "E-X"]),
)
_LINE = st.lists(_WORD, min_size=1, max_size=9).map(" ".join)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINE, min_size=2, max_size=25), blank_every=st.integers(0, 6))
def test_random_text_is_never_conll(write_file, lines: list[str], blank_every: int) -> None:
    """Lines of words (tags among them) whose word counts vary: never read as CoNLL."""
    content = [line.split() for line in lines if not line.startswith(("#", "-DOCSTART-"))]
    if len({len(words) for words in content}) < 2:
        lines = [*lines, "a b c d e f g h i j"]  # prose: sentence lengths vary
    if blank_every:
        lines = [line if i % blank_every else f"\n{line}" for i, line in enumerate(lines)]
    path = write_file("random.txt", "\n".join(lines) + "\n")
    try:
        fmt = detect_text_format(path)
    except CorpusFormatError as err:  # "cannot tell" is allowed, and names the file
        assert err.path == str(path)
        return
    assert fmt != "conll"


_TOKEN = st.text(st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=8)
_TAG = st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-MISC", "U-ORG", "L-ORG", "S-X"])


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sentences=st.lists(st.lists(st.tuples(_TOKEN, st.lists(_TOKEN, max_size=0) | st.just(
    ["NNP", "B-NP"]), _TAG), min_size=1, max_size=8), min_size=1, max_size=8),
    docstart=st.booleans(), sep=st.sampled_from([" ", "\t"]))
def test_generated_conll_is_always_conll(write_file, sentences, docstart: bool,
                                         sep: str) -> None:
    width = {len(middle) for sentence in sentences for _, middle, _ in sentence}
    middle_width = min(width)
    rows = ["\n".join(sep.join([token, *middle[:middle_width], tag])
                      for token, middle, tag in sentence) for sentence in sentences]
    text = ("-DOCSTART- -X- O\n\n" if docstart else "") + "\n\n".join(rows) + "\n"
    path = write_file("generated.txt", text)
    n_lines = sum(len(s) for s in sentences)
    tokens = [token for s in sentences for token, _, _ in s]
    if n_lines < 2 and not docstart:
        return  # a single token line is ambiguous (tested above)
    if all(parse_tag(token) is not None or token == "-DOCSTART-" for token in tokens):
        return  # tokens that are themselves tags or comment marks: not a CoNLL token column
    try:
        assert detect_format(path) == "conll"
    except CorpusFormatError as err:  # pragma: no cover - the failure message is the point
        pytest.fail(f"generated CoNLL not detected: {err}\n{text}")


@pytest.mark.corpora
@pytest.mark.parametrize("name", ["conll2003/train.txt", "conll2003/test.txt",
                                  "wnut17/train.txt", "ontonotes5/train.txt",
                                  "mit_restaurant/train.bio", "wikigold/wikigold.conll.txt"])
def test_shared_corpora_are_conll(shared_corpora: Path, name: str) -> None:
    assert detect_format(shared_corpora / name) == "conll"
