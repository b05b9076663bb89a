"""Tag schemes and constrained decoding (known answers)."""

from __future__ import annotations

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spacy_al.errors import ConfigError
from spacy_al.pipeline.decoding import (
    biluo_to_scheme,
    make_tag_names,
    span_tags,
    tags_to_spans,
    viterbi_decode,
)
from spacy_al.tasks import TokenSpan


def _probs(tag_names, rows):
    """One-hot-ish distributions: 0.9 on the named tag, the rest spread."""
    out = numpy.full((len(rows), len(tag_names)), 0.1 / (len(tag_names) - 1))
    for i, tag in enumerate(rows):
        out[i, tag_names.index(tag)] = 0.9
    return out


def test_tag_names() -> None:
    assert make_tag_names(["PER"], "BIO") == ["O", "B-PER", "I-PER"]
    assert make_tag_names(["PER"], "BILUO") == ["O", "B-PER", "I-PER", "L-PER", "U-PER"]
    with pytest.raises(ConfigError, match="BIOES"):
        make_tag_names(["PER"], "BIOES")


@pytest.mark.parametrize(
    ("tag", "scheme", "expected"),
    [("U-PER", "BIO", "B-PER"), ("L-PER", "BIO", "I-PER"), ("U-PER", "BILUO", "U-PER"),
     ("O", "BIO", "O"), ("-", "BIO", None), (None, "BIO", None)],
)
def test_biluo_to_scheme(tag, scheme, expected) -> None:
    assert biluo_to_scheme(tag, scheme) == expected


def test_invalid_bio_sequence_is_repaired() -> None:
    tags = make_tag_names(["PER"], "BIO")  # O B-PER I-PER
    # argmax per token is I-PER I-PER (invalid start); the best valid path is B-PER I-PER
    probs = numpy.array([[0.1, 0.3, 0.6], [0.05, 0.05, 0.9], [0.8, 0.1, 0.1]])
    assert [tags[i] for i in viterbi_decode(probs, tags, "BIO")] == ["B-PER", "I-PER", "O"]
    # I-LOC after B-PER is never produced, whatever the token-level argmax
    tags = make_tag_names(["PER", "LOC"], "BIO")
    decoded = [tags[i] for i in viterbi_decode(_probs(tags, ["B-PER", "I-LOC", "O"]), tags, "BIO")]
    for prev, nxt in zip(["O", *decoded], decoded, strict=False):
        if nxt.startswith("I-"):
            assert prev != "O" and prev[2:] == nxt[2:]


def test_valid_sequence_is_kept() -> None:
    tags = make_tag_names(["PER", "LOC"], "BILUO")
    wanted = ["B-PER", "L-PER", "O", "U-LOC"]
    assert [tags[i] for i in viterbi_decode(_probs(tags, wanted), tags, "BILUO")] == wanted


def test_biluo_never_ends_inside_an_entity() -> None:
    tags = make_tag_names(["PER"], "BILUO")
    decoded = [tags[i] for i in viterbi_decode(_probs(tags, ["O", "B-PER"]), tags, "BILUO")]
    assert decoded[-1] in ("O", "U-PER", "L-PER")


def test_tags_to_spans() -> None:
    assert tags_to_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"]) == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 6, "LOC")]
    assert tags_to_spans(["U-PER", "B-ORG", "I-ORG", "L-ORG"]) == [(0, 1, "PER"), (1, 4, "ORG")]
    assert tags_to_spans([]) == []


@st.composite
def spans_and_length(draw: st.DrawFn) -> tuple[list[TokenSpan], int]:
    """Non-overlapping token spans over a sentence, adjacent ones allowed."""
    length = draw(st.integers(0, 12))
    spans, start = [], 0
    while start < length:
        start += draw(st.integers(0, 2))
        size = draw(st.integers(1, 3))
        if start + size > length:
            break
        spans.append(TokenSpan(start, start + size, draw(st.sampled_from(["PER", "LOC-X"]))))
        start += size
    return spans, length


@given(spans_and_length(), st.sampled_from(["BIO", "BILUO"]))
def test_span_tags_and_tags_to_spans_round_trip(found: tuple[list[TokenSpan], int],
                                                scheme: str) -> None:
    """One span -> tags conversion and one decoder (the corpus readers'): they agree."""
    spans, length = found
    tags = ["O"] * length
    for span in spans:
        tags[span.start:span.end] = span_tags(span, scheme)
    assert tags_to_spans(tags) == spans
