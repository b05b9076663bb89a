"""Token vectors on the Doc: how ``al_ner`` shares its encoder output with ``al_scorer``.

spaCy's own pattern (``tok2vec`` writes ``doc.tensor``, later components read it):
``al_ner`` writes the vectors its encoder computed to ``doc.tensor`` and stamps
``doc._.al_encoder`` with a key naming its current weights; ``al_scorer`` (through
``al_ner.predict_proba``) reuses them only where the stamp still matches, so
vectors of older weights, or of another model, are never reused. No state is kept
outside the Docs, and a Doc that is dropped takes its vectors with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy
from spacy.tokens import Doc

ENCODER_KEY = "al_encoder"
"""``Doc._.al_encoder``: which ``al_ner`` weights computed ``doc.tensor`` (None: none)."""

if not Doc.has_extension(ENCODER_KEY):
    Doc.set_extension(ENCODER_KEY, default=None)


def set_doc_vectors(docs: Sequence[Doc], vectors: Sequence[numpy.ndarray], key: str) -> None:
    """Write each doc's token vectors to ``doc.tensor``, stamped with ``key``."""
    for doc, array in zip(docs, vectors, strict=True):
        doc.tensor = array
        doc._.set(ENCODER_KEY, key)


def stored_doc_vectors(docs: Sequence[Doc], key: str) -> list[numpy.ndarray] | None:
    """Every doc's ``doc.tensor`` if all were written under ``key`` (and none is empty)."""
    if not docs:
        return None
    for doc in docs:
        if len(doc) == 0 or doc._.get(ENCODER_KEY) != key or doc.tensor.shape[0] != len(doc):
            return None
    return [doc.tensor for doc in docs]
