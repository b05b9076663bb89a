"""Where corpus folders are looked for: one environment variable, ``SPACY_AL_CORPORA``.

A corpus is named by its folder (``wikigold``, ``conll2003``): the bundled samples
of the checkout (``corpora/``, or ``corpora/`` in the working directory) come first,
then ``$SPACY_AL_CORPORA`` (e.g. a copy of the shared public corpora).
"""

from __future__ import annotations

import os
from pathlib import Path

CORPORA_ENV = "SPACY_AL_CORPORA"


def corpus_dirs() -> list[Path]:
    """Folders that hold corpus folders, in lookup order."""
    package = Path(__file__).resolve().parents[1]
    dirs = [package / "data" / "corpora", package.parent / "corpora", Path.cwd() / "corpora"]
    if os.environ.get(CORPORA_ENV):
        dirs.append(Path(os.environ[CORPORA_ENV]).expanduser())
    return dirs
