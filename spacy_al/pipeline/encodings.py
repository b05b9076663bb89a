"""Token vectors that ``al_ner`` computed, kept for ``al_scorer`` on the same docs.

In ``nlp.pipe`` the scorer runs right after ``al_ner`` on the same batch. Keeping
the encoder's output per doc lets the scorer compute the deterministic tag
distributions and head MC-dropout samples without running the encoder a second
time (the encoder is almost all of the cost). Entries are held weakly (a doc that
is dropped frees its vectors), released by the scorer once it has scored a doc,
and dropped whenever the model's weights change.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from spacy.tokens import Doc
from thinc.types import Floats2d

_CACHE: weakref.WeakKeyDictionary[Doc, dict[int, Floats2d]] = weakref.WeakKeyDictionary()


def keep(owner: int, docs: Sequence[Doc], vectors: Sequence[Floats2d]) -> None:
    """Remember ``vectors[i]`` as the encoding of ``docs[i]`` by model ``owner``."""
    for doc, array in zip(docs, vectors, strict=True):
        _CACHE.setdefault(doc, {})[owner] = array


def lookup(owner: int, docs: Sequence[Doc]) -> list[Floats2d] | None:
    """The kept encodings of every doc, or None unless all of them are kept."""
    found = [_CACHE.get(doc, {}).get(owner) for doc in docs]
    if any(array is None for array in found):
        return None
    return found  # type: ignore[return-value]


def release(owner: int, docs: Sequence[Doc]) -> None:
    """Forget the encodings of ``docs`` by ``owner``."""
    for doc in docs:
        entry = _CACHE.get(doc)
        if entry is not None:
            entry.pop(owner, None)
            if not entry:
                del _CACHE[doc]


def forget_owner(owner: int) -> None:
    """Forget every encoding by ``owner`` (its weights changed)."""
    for doc in list(_CACHE.keys()):
        release(owner, [doc])


def kept_count() -> int:
    """How many docs have kept encodings (for tests and leak checks)."""
    return len(_CACHE)
