"""``spacy-al`` command line: thin ``*_cli`` wrappers over importable functions.

Each subcommand lives in its own module, which registers itself on ``app`` when
imported below.
"""

from __future__ import annotations

from . import convert, evaluate  # noqa: F401
from . import annotate, db  # noqa: F401
from ._app import app

__all__ = ["app"]
