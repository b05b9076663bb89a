"""A source as pool items: each distinct sentence once, and a tally that says what was skipped.

The one place that decides what "a sentence of this file" counts as, so every command
says the same about one file: ``annotate``'s banner, ``score``, ``db-in`` and
``db-stats`` all report the sentences kept and the duplicates skipped
(:meth:`SourceTally.note`: "88 duplicate sentences skipped").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from spacy.vocab import Vocab

from ..tasks import PoolItem, doc_item
from .dispatch import read_source
from .formats import Tokenizer
from .options import SourceOptions


class SourceTally(dict[str, int]):
    """Counts of one read of a source: ``read`` (non-empty sentences, duplicates
    included), ``duplicates`` (same text as an earlier one: skipped), ``empty`` (no
    tokens: skipped). A plain dict, so it can be stored as JSON as it is."""

    def __init__(self) -> None:
        super().__init__(read=0, duplicates=0, empty=0)

    @property
    def kept(self) -> int:
        return self["read"] - self["duplicates"]

    def note(self) -> str:
        """``"88 duplicate sentences skipped"`` (empty when nothing was skipped)."""
        return duplicates_note(self["duplicates"])


def duplicates_note(duplicates: int | None, what: str = "skipped") -> str:
    """The one wording of duplicates, for every command that reports them (``what``:
    what became of them, ``skipped`` or ``kept``)."""
    if not duplicates:
        return ""
    return f"{duplicates} duplicate sentence{'s' if duplicates != 1 else ''} {what}"


def source_items(
    source: str | Path, vocab: Vocab, options: SourceOptions | None = None, *,
    tokenizer: Tokenizer | None = None, limit: int | None = None,
    tally: SourceTally | None = None, keep_duplicates: bool = False,
) -> Iterator[PoolItem]:
    """The pool items of ``source`` in source order, each distinct text (input hash) once
    (``keep_duplicates``: every one, the repeats still counted), at most ``limit``;
    ``tally`` (optional) is filled as the items are read."""
    tally = SourceTally() if tally is None else tally
    seen: set[int] = set()
    for doc in read_source(source, vocab, options, tokenizer=tokenizer):
        item = doc_item(doc)
        if not item.tokens:
            tally["empty"] += 1
            continue
        tally["read"] += 1
        if item.input_hash in seen:
            tally["duplicates"] += 1
            if not keep_duplicates:
                continue
        seen.add(item.input_hash)
        yield item
        if limit is not None and len(seen) >= limit:
            return
