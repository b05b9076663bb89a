"""Tagging schemes: parsing, detection and decoding to spans."""

from __future__ import annotations

import pytest

from spacy_al.corpora.tags import (
    SchemeScan,
    TagSequenceError,
    decode,
    detect_scheme,
    normalize_scheme,
    parse_tag,
)


def tags(text: str) -> list[tuple[str, str]]:
    parsed = [parse_tag(t) for t in text.split()]
    assert all(p is not None for p in parsed)
    return parsed  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("tag", "parsed"),
    [
        ("O", ("O", "")),
        ("B-PER", ("B", "PER")),
        ("I-creative-work", ("I", "creative-work")),
        ("E-LOC", ("L", "LOC")),
        ("S-ORG", ("U", "ORG")),
        ("B-Restaurant_Name", ("B", "Restaurant_Name")),
    ],
)
def test_parse_tag_valid(tag: str, parsed: tuple[str, str]) -> None:
    assert parse_tag(tag) == parsed


@pytest.mark.parametrize("tag", ["X-PER", "B-", "PER", "b-per", "o", "0", "B_PER", "B-A B", ""])
def test_parse_tag_invalid(tag: str) -> None:
    assert parse_tag(tag) is None


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("bio", "IOB2"), ("IOB2", "IOB2"), ("iob1", "IOB1"), ("IO", "IO"), ("BIOES", "BILUO"),
     ("biluo", "BILUO"), ("Auto", "auto"), ("IOBX", None)],
)
def test_normalize_scheme(name: str, canonical: str | None) -> None:
    assert normalize_scheme(name) == canonical


def test_iob1_decoding() -> None:
    seq = tags("I-PER I-PER O I-LOC B-LOC I-ORG B-ORG I-ORG")
    assert decode(seq, "IOB1") == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG"), (6, 8, "ORG"),
    ]


def test_iob2_decoding_and_strictness() -> None:
    assert decode(tags("B-PER I-PER B-PER O B-LOC"), "IOB2") == [
        (0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC"),
    ]
    with pytest.raises(TagSequenceError) as err:
        decode(tags("O I-PER"), "IOB2")
    assert err.value.index == 1
    assert "I-PER follows O" in err.value.message
    with pytest.raises(TagSequenceError):
        decode(tags("B-LOC I-PER"), "IOB2")
    assert decode(tags("O I-PER I-PER B-LOC I-ORG"), "IOB2", strict=False) == [
        (1, 3, "PER"), (3, 4, "LOC"), (4, 5, "ORG"),
    ]


def test_io_decoding() -> None:
    assert decode(tags("I-PER I-PER I-LOC O I-PER"), "IO") == [
        (0, 2, "PER"), (2, 3, "LOC"), (4, 5, "PER"),
    ]
    with pytest.raises(TagSequenceError):
        decode(tags("B-PER"), "IO")
    assert decode(tags("I-PER B-PER"), "IO", strict=False) == [(0, 1, "PER"), (1, 2, "PER")]


def test_biluo_and_bioes_decoding() -> None:
    biluo = tags("B-PER I-PER L-PER U-LOC O B-ORG L-ORG")
    bioes = tags("B-PER I-PER E-PER S-LOC O B-ORG E-ORG")
    expected = [(0, 3, "PER"), (3, 4, "LOC"), (5, 7, "ORG")]
    assert decode(biluo, "BILUO") == expected
    assert decode(bioes, "BILUO") == expected


@pytest.mark.parametrize(
    ("sequence", "repaired"),
    [
        ("O L-PER", [(1, 2, "PER")]),  # L- without B-
        ("I-PER L-PER", [(0, 2, "PER")]),  # I- without B-
        ("B-PER O", [(0, 1, "PER")]),  # never closed before O
        ("B-PER I-PER", [(0, 2, "PER")]),  # never closed at the end
        ("B-PER U-LOC", [(0, 1, "PER"), (1, 2, "LOC")]),
        ("B-PER I-LOC L-LOC", [(0, 1, "PER"), (1, 3, "LOC")]),
    ],
)
def test_biluo_strict_and_repair(sequence: str, repaired: list[tuple[str, int, int]]) -> None:
    with pytest.raises(TagSequenceError):
        decode(tags(sequence), "BILUO")
    assert decode(tags(sequence), "BILUO", strict=False) == repaired


def test_prefix_outside_scheme_raises_even_when_repairing() -> None:
    with pytest.raises(TagSequenceError, match="does not belong to the IOB2 scheme"):
        decode(tags("U-PER"), "IOB2", strict=False)


def test_detect_scheme() -> None:
    assert detect_scheme({"B", "I", "L", "U"}, 0) == "BILUO"
    assert detect_scheme({"B", "I"}, 3) == "IOB1"
    assert detect_scheme({"B", "I"}, 0) == "IOB2"
    assert detect_scheme({"I"}, 5) == "IO"
    assert detect_scheme({"O"}, 0) == "IOB2"


def test_scheme_scan_counts_chunk_initial_i() -> None:
    scan = SchemeScan()
    scan.add(tags("B-PER I-PER O"))
    assert scan.decide() == "IOB2"
    scan.add(tags("B-PER I-LOC"))  # I-LOC starts a chunk: IOB1 evidence
    assert scan.i_starts == 1 and scan.first_i_start == 4
    assert scan.decide() == "IOB1"

