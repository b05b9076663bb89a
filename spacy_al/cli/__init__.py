"""``spacy-al`` command line: thin ``*_cli`` wrappers over importable functions.

Each subcommand lives in its own module, which registers itself on ``app`` when
imported below.
"""

from __future__ import annotations

from . import annotate, benchmark, convert, db, evaluate  # noqa: F401
from ._app import app

__all__ = ["app"]
