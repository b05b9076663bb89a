"""Pick a reader by format name, file extension or first line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from ..errors import CorpusFormatError
from ._io import first_content_line
from .conll import read_conll
from .jsonl import read_jsonl
from .ontonotes import read_ontonotes

FORMATS = ("conll", "ontonotes", "jsonl", "spacy")


def detect_format(path: str | Path) -> str:
    """The format of ``path``.

    By extension: ``.spacy`` -> spacy, ``.jsonl`` -> jsonl, ``*_conll`` (``.gold_conll``) ->
    ontonotes; a folder -> ontonotes if it holds ``*_conll`` files, else spacy if it holds
    ``.spacy`` files. Otherwise by the first non-blank line: ``#begin document`` ->
    ontonotes, ``{`` -> jsonl, anything else -> conll.
    """
    path = Path(path)
    if path.is_dir():
        return _folder_format(path)
    if not path.is_file():
        raise CorpusFormatError(path, None, "no such file or folder.", fix="Check the path.")
    name = path.name.lower()
    if name.endswith(".spacy"):
        return "spacy"
    if name.endswith(".jsonl"):
        return "jsonl"
    if name.endswith("_conll"):
        return "ontonotes"
    first = first_content_line(path) or ""
    if first.startswith("#begin document"):
        return "ontonotes"
    if first.lstrip().startswith("{"):
        return "jsonl"
    return "conll"


def _folder_format(path: Path) -> str:
    if next(path.rglob("*_conll"), None) is not None:
        return "ontonotes"
    if next(path.rglob("*.spacy"), None) is not None:
        return "spacy"
    raise CorpusFormatError(path, None, "cannot tell the corpus format of this folder.",
                            fix="Point at a file, or a folder of *_conll or *.spacy files.")


def read_docs(
    path: str | Path, vocab: Vocab, format: str = "auto", **options: Any
) -> Iterator[Doc]:
    """Read a corpus as Docs with gold ``doc.ents``, whatever its format.

    ``format``: ``conll``, ``ontonotes``, ``jsonl``, ``spacy`` (DocBin) or ``auto``
    (:func:`detect_format`). ``options`` go to the reader (``read_conll``'s
    ``token_col``, ``tag_col``, ``sep``, ``scheme``, ...).
    """
    path = Path(path)
    fmt = detect_format(path) if format == "auto" else format
    if fmt == "conll":
        return read_conll(path, vocab, **options)
    if fmt == "ontonotes":
        return read_ontonotes(path, vocab, **options)
    if fmt == "jsonl":
        return read_jsonl(path, vocab, **options)
    if fmt == "spacy":
        if options:
            raise TypeError(f"DocBin files take no reader options, got {sorted(options)}")
        return read_docbin(path, vocab)
    raise CorpusFormatError(path, None, f"unknown corpus format {format!r}.",
                            fix=f"Use one of auto, {', '.join(FORMATS)}.")


def read_docbin(path: str | Path, vocab: Vocab) -> Iterator[Doc]:
    """Docs of a ``.spacy`` file, or of every ``.spacy`` file under a folder (sorted)."""
    path = Path(path)
    files = sorted(path.rglob("*.spacy")) if path.is_dir() else [path]
    for file in files:
        yield from DocBin().from_disk(file).get_docs(vocab)
