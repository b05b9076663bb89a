"""Fixtures for the corpus reader tests: a vocab, a file writer, the shared corpora folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.vocab import Vocab

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED = REPO_ROOT / "corpora"

WriteFile = Callable[..., Path]


def shared_corpora_path() -> Path:
    """``../shared/corpora`` beside the repository, or ``$SPACY_AL_CORPORA``."""
    override = os.environ.get("SPACY_AL_CORPORA")
    if override:
        return Path(override)
    return REPO_ROOT / ".." / "shared" / "corpora"


@pytest.fixture
def vocab() -> Vocab:
    return Vocab()


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """``write_file(name, text_or_bytes)`` -> path of a new file in ``tmp_path``."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return write


@pytest.fixture(scope="session")
def shared_corpora() -> Path:
    path = shared_corpora_path()
    if not path.is_dir():
        pytest.skip(f"shared corpora not found at {path.resolve()} "
                    "(set SPACY_AL_CORPORA to the folder to run these tests)")
    return path.resolve()
