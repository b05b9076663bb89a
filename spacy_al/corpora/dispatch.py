"""Pick a reader by loader name, or by the content of the file (:mod:`.detection`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from ..errors import ConfigError, CorpusFormatError
from ._io import iter_lines
from .conll import read_conll
from .detection import detect_format
from .hf_datasets import read_hf
from .jsonl import read_jsonl, tokenize
from .ontonotes import read_ontonotes

FORMATS = ("conll", "ontonotes", "jsonl", "spacy", "text", "hf")
LOADERS = ("auto", *FORMATS)
"""Loader names, as Prodigy's ``--loader``: ``auto`` detects the format from the content."""

__all__ = ["FORMATS", "LOADERS", "detect_format", "read_docbin", "read_docs", "read_text",
           "resolve_loader"]


def resolve_loader(path: str | Path, format: str = "auto", loader: str | None = None) -> str:
    """The loader to read ``path`` with: ``loader`` (or its older name ``format``), where
    ``auto`` means :func:`detect_format`."""
    if loader is not None and format not in ("auto", loader):
        raise ConfigError(f"format={format!r} and loader={loader!r} disagree.",
                          fix="Pass only one of them (--loader).")
    name = loader if loader is not None else format
    if name not in LOADERS:
        raise CorpusFormatError(path, None, f"unknown corpus format {name!r}.",
                                fix=f"Use one of {', '.join(LOADERS)}.")
    return detect_format(path) if name == "auto" else name


def read_docs(
    path: str | Path, vocab: Vocab, format: str = "auto", *, loader: str | None = None,
    **options: Any
) -> Iterator[Doc]:
    """Read a corpus as Docs with gold ``doc.ents``, whatever its format.

    ``loader`` (or ``format``): ``conll``, ``ontonotes``, ``jsonl``, ``spacy`` (DocBin),
    ``text`` (one Doc per line, no entities), ``hf`` (a Hugging Face dataset: folder,
    Parquet/Arrow file or hub name) or ``auto`` (:func:`detect_format`). ``options`` go
    to the reader (``read_conll``'s ``token_col``, ``tag_col``, ``sep``, ``scheme``;
    ``read_hf``'s ``split``, ``tokens_column``, ``tags_column``, ``text_column``, ...).
    """
    fmt = resolve_loader(path, format, loader)
    if fmt == "hf":
        return read_hf(path, vocab, **options)
    path = Path(path)
    if fmt == "conll":
        return read_conll(path, vocab, **options)
    if fmt == "ontonotes":
        return read_ontonotes(path, vocab, **options)
    if fmt == "jsonl":
        return read_jsonl(path, vocab, **options)
    if fmt == "text":
        return read_text(path, vocab, **options)
    if options:
        raise TypeError(f"DocBin files take no reader options, got {sorted(options)}")
    return read_docbin(path, vocab)


def read_text(
    path: str | Path, vocab: Vocab, *, tokenizer: Callable[[str], Doc] | None = None
) -> Iterator[Doc]:
    """One Doc per non-blank line of a text file (stripped), without entities.

    ``tokenizer`` (default: blank English) tokenises a line; ``source`` is ``file:line``.
    """
    path = Path(path)
    if not path.is_file():
        raise CorpusFormatError(path, None, "no such file.", fix="Check the path.")
    for number, line in iter_lines(path):
        if line.strip():
            text = line.strip()
            doc = tokenizer(text) if tokenizer is not None else tokenize(text, vocab)
            doc.user_data["source"] = f"{path}:{number}"
            yield doc


def read_docbin(path: str | Path, vocab: Vocab) -> Iterator[Doc]:
    """Docs of a ``.spacy`` file, or of every ``.spacy`` file under a folder (sorted)."""
    path = Path(path)
    files = sorted(path.rglob("*.spacy")) if path.is_dir() else [path]
    for file in files:
        yield from DocBin().from_disk(file).get_docs(vocab)
