"""Session names: one rule for the server and ``db-in``.

A session's answers are linked to a *session dataset* named ``DATASET-NAME`` (as
Prodigy names them). A name is 1-80 letters, digits or ``_.@+-``, matched in full (a
trailing newline is refused). The store keeps datasets and session datasets apart
(:meth:`~spacy_al.store.database.Database.add_examples` refuses a session whose
name is a dataset, or a session dataset of another dataset), so no session name
reaches another dataset: with ``ds-gold`` a dataset, session ``gold`` of ``ds`` is
refused, not linked into it.
"""

from __future__ import annotations

import re
from typing import Any

from .validation import AnswerError, short

SESSION_RE = re.compile(r"[A-Za-z0-9_.@+-]{1,80}")
SESSION_RULE = "use 1-80 letters, digits or _.@+-"


def session_dataset(dataset: str, raw: Any) -> str:
    """The session dataset of session ``raw`` of ``dataset`` (``raw`` as is when it
    already starts with ``DATASET-``); :class:`AnswerError` for an invalid name."""
    if not isinstance(raw, str) or not SESSION_RE.fullmatch(raw):
        raise AnswerError(f"Invalid session_id {short(raw)}: {SESSION_RULE}.")
    return raw if raw.startswith(f"{dataset}-") else f"{dataset}-{raw}"


def safe_session_name(name: str) -> str:
    """``name`` (e.g. a file's stem) with every character a session name refuses as ``_``."""
    cleaned = re.sub(r"[^A-Za-z0-9_.@+-]", "_", name)[:80]
    return cleaned or "import"
