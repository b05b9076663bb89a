"""Casing classes of tokens: the cue an uncased encoder cannot see."""

from __future__ import annotations

from collections.abc import Sequence

import numpy
from spacy.tokens import Doc

CASING_CLASSES = ("lower", "title", "upper", "single_upper", "mixed", "digit", "no_alpha")
N_CASING_CLASSES = len(CASING_CLASSES)


def casing_class(text: str) -> int:
    """Index into :data:`CASING_CLASSES` for one token text."""
    if any(ch.isdigit() for ch in text):
        return 5
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 6
    if all(ch.islower() for ch in letters):
        return 0
    if all(ch.isupper() for ch in letters):
        return 3 if len(letters) == 1 else 2
    if letters[0].isupper() and all(ch.islower() for ch in letters[1:]):
        return 1
    return 4


def casing_ids(docs: Sequence[Doc]) -> numpy.ndarray:
    """Casing class of every token of ``docs``, concatenated."""
    return numpy.asarray(
        [casing_class(token.text) for doc in docs for token in doc], dtype="int64"
    )
