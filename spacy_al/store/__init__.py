"""The annotation store: the SQLite database and its exports (no server needed).

:class:`Database` / :func:`connect` hold answers durably (WAL, committed before a
request is acknowledged); :mod:`.export` writes JSONL, CoNLL and spaCy DocBin.
"""

from __future__ import annotations

from .database import Database, DatabaseError, connect

__all__ = ["Database", "DatabaseError", "connect"]
