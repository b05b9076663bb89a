"""The one token-span convention of spacy-al: ``TokenSpan(start, end, label)``.

``start`` and ``end`` are token indices with ``end`` exclusive, as in spaCy's
``doc[start:end]``. Prodigy's task format stores ``token_end`` inclusive: convert
only at that edge (:func:`spacy_al.tasks.conversion.token_span`).
"""

from __future__ import annotations

from typing import NamedTuple


class TokenSpan(NamedTuple):
    """An entity over tokens ``start .. end - 1`` with ``label``."""

    start: int
    end: int
    label: str
