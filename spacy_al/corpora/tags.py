"""Entity tagging schemes: parse tags, detect the scheme of a file, decode tags into spans.

Schemes (names are case-insensitive):

- ``IOB2`` (alias ``BIO``): every entity starts with ``B-``; ``I-X`` continues ``B-X``/``I-X``.
- ``IOB1`` (original CoNLL-2003): entities start with ``I-``; ``B-X`` marks the start of an
  entity that directly follows another entity of the same type. ``I-X`` after ``O`` or
  after another type starts a new entity.
- ``IO``: only ``I-X`` and ``O``; a run of ``I-X`` is one entity (adjacent entities of the
  same type cannot be told apart).
- ``BILUO`` (alias ``BIOES``, ``IOBES``): ``B-``/``I-``/``L-``/``U-``; ``E-`` is read as
  ``L-`` and ``S-`` as ``U-``.

Decoding returns :class:`~spacy_al.tasks.spans.TokenSpan` ``(start, end, label)`` token
spans (``end`` exclusive), the one span convention of spacy-al. In strict
mode a sequence that is not valid for the scheme raises :class:`TagSequenceError`; with
``strict=False`` it is repaired: a stray continuation tag (``I-X`` after ``O`` in IOB2,
``I-X``/``L-X`` without ``B-X`` in BILUO) begins a new entity, and an unclosed BILUO
entity ends where the next tag starts. Tokens are never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NoReturn

from ..tasks.spans import TokenSpan

Tag = tuple[str, str]
"""A parsed tag: ``(prefix, label)``; ``("O", "")`` for outside."""
Span = TokenSpan
"""An entity: ``TokenSpan(start, end, label)``, ``end`` exclusive."""

SCHEME_ALIASES = {
    "IOB1": "IOB1",
    "IOB2": "IOB2",
    "BIO": "IOB2",
    "IO": "IO",
    "BILUO": "BILUO",
    "BIOES": "BILUO",
    "IOBES": "BILUO",
}
SCHEMES = ("IOB1", "IOB2", "IO", "BILUO")
_PREFIXES = {"B": "B", "I": "I", "L": "L", "U": "U", "E": "L", "S": "U"}
_ALLOWED = {"IOB1": "BI", "IOB2": "BI", "IO": "BI", "BILUO": "BILU"}


class TagSequenceError(ValueError):
    """A tag sequence that is invalid for a scheme; ``index`` is the offending token."""

    def __init__(self, index: int, message: str, fix: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message
        self.fix = fix


def normalize_scheme(name: str) -> str | None:
    """Canonical scheme name (``IOB1``/``IOB2``/``IO``/``BILUO``/``auto``), or None if unknown."""
    if name.lower() == "auto":
        return "auto"
    return SCHEME_ALIASES.get(name.upper())


@lru_cache(maxsize=65536)
def parse_tag(tag: str) -> Tag | None:
    """``"B-PER"`` -> ``("B", "PER")``, ``"O"`` -> ``("O", "")``; None when malformed.

    ``E-``/``S-`` (BIOES) are returned as ``L``/``U``. The label may contain hyphens
    (``B-creative-work``) but no whitespace.
    """
    if tag == "O":
        return ("O", "")
    if len(tag) < 3 or tag[1] != "-" or tag[0] not in _PREFIXES:
        return None
    label = tag[2:]
    if label.strip() != label or any(ch.isspace() for ch in label):
        return None
    return (_PREFIXES[tag[0]], label)


@dataclass
class SchemeScan:
    """Evidence about the scheme of a file, gathered one sentence at a time."""

    prefixes: set[str] = field(default_factory=set)
    i_starts: int = 0
    """How many ``I-X`` tags start a chunk (after ``O``, another type, or sentence start)."""
    first_i_start: int | None = None
    """Index (in the scan's running token count) of the first such ``I-X``."""
    tokens: int = 0

    def add(self, tags: Sequence[Tag]) -> None:
        prev: Tag = ("O", "")
        for prefix, label in tags:
            self.prefixes.add(prefix)
            if prefix == "I" and (prev[0] == "O" or prev[1] != label):
                if self.first_i_start is None:
                    self.first_i_start = self.tokens
                self.i_starts += 1
            prev = (prefix, label)
            self.tokens += 1

    def decide(self) -> str:
        """The scheme this evidence points to (see :func:`detect_scheme`)."""
        return detect_scheme(self.prefixes, self.i_starts)


def detect_scheme(prefixes: set[str], i_starts: int) -> str:
    """Decide a file's scheme from the tag prefixes found and the count of chunk-initial ``I-``.

    - any ``L-``/``U-``/``E-``/``S-`` -> ``BILUO``;
    - ``B-`` present: ``IOB1`` if some ``I-X`` starts a chunk, else ``IOB2``;
    - only ``I-`` -> ``IO`` (decodes exactly like IOB1 without ``B-``);
    - no entity tags at all -> ``IOB2``.
    """
    if prefixes & {"L", "U"}:
        return "BILUO"
    if "B" in prefixes:
        return "IOB1" if i_starts else "IOB2"
    if "I" in prefixes:
        return "IO"
    return "IOB2"


def decode(tags: Sequence[Tag], scheme: str, strict: bool = True) -> list[Span]:
    """Decode parsed tags into ``(label, start, end)`` spans for a canonical scheme."""
    if scheme == "BILUO":
        return _decode_biluo(tags, strict)
    return _decode_iob(tags, scheme, strict)


def _check_prefix(index: int, prefix: str, scheme: str) -> None:
    if prefix != "O" and prefix not in _ALLOWED[scheme]:
        raise TagSequenceError(
            index,
            f"the tag prefix {prefix}- does not belong to the {scheme} scheme.",
            "Pass the scheme the file uses (scheme='BILUO' for B/I/L/U or B/I/E/S tags), "
            "or scheme='auto'.",
        )


def _decode_iob(tags: Sequence[Tag], scheme: str, strict: bool) -> list[Span]:
    spans: list[Span] = []
    label: str | None = None
    start = 0
    for i, (prefix, typ) in enumerate(tags):
        _check_prefix(i, prefix, scheme)
        if prefix == "O":
            if label is not None:
                spans.append(TokenSpan(start, i, label))
                label = None
            continue
        if strict:
            _check_iob_strict(i, prefix, typ, label, scheme)
        if prefix == "B" or typ != label:
            if label is not None:
                spans.append(TokenSpan(start, i, label))
            label, start = typ, i
    if label is not None:
        spans.append(TokenSpan(start, len(tags), label))
    return spans


def _check_iob_strict(i: int, prefix: str, typ: str, label: str | None, scheme: str) -> None:
    if prefix == "B" and scheme == "IO":
        raise TagSequenceError(
            i,
            f"B-{typ} in an IO-tagged file (IO has only I- and O).",
            "Use scheme='IOB1' or 'IOB2', or strict=False to read B- as an entity start.",
        )
    if prefix == "I" and scheme == "IOB2" and typ != label:
        after = "the sentence start" if i == 0 else ("O" if label is None else f"a {label} tag")
        raise TagSequenceError(
            i,
            f"I-{typ} follows {after}; in IOB2 every entity starts with B-.",
            "Use scheme='IOB1' if the file is IOB1 (entities start with I-), or "
            "strict=False to read the stray I- as the start of an entity.",
        )


def _decode_biluo(tags: Sequence[Tag], strict: bool) -> list[Span]:
    spans: list[Span] = []
    label: str | None = None
    start = 0
    for i, (prefix, typ) in enumerate(tags):
        inside = label is not None and typ == label
        if prefix in "IL" and inside:
            if prefix == "L":
                spans.append(TokenSpan(start, i + 1, typ))
                label = None
            continue
        if label is not None:  # anything else closes an open entity
            if strict:
                _biluo_error(i, f"{label} entity opened at token {start + 1} is not closed "
                             f"by L-{label} before {_show(prefix, typ)}.")
            spans.append(TokenSpan(start, i, label))
            label = None
        if prefix in "IL" and strict:
            _biluo_error(i, f"{_show(prefix, typ)} without a preceding B-{typ}.")
        if prefix in "UL":
            spans.append(TokenSpan(i, i + 1, typ))
        elif prefix in "BI":
            label, start = typ, i
    if label is not None:
        if strict:
            _biluo_error(len(tags) - 1, f"{label} entity opened at token {start + 1} "
                         "is not closed by L- at the end of the sentence.")
        spans.append(TokenSpan(start, len(tags), label))
    return spans


def _show(prefix: str, typ: str) -> str:
    return "O" if prefix == "O" else f"{prefix}-{typ}"


def _biluo_error(index: int, message: str) -> NoReturn:
    raise TagSequenceError(
        index,
        f"invalid BILUO/BIOES sequence: {message}",
        "Fix the tags, or pass strict=False to repair (a stray I-/L- begins an entity, "
        "an unclosed entity ends before the next tag).",
    )

