"""Read any source with one function: :func:`read_source` (and the built-in formats).

Every command reads its source here: ``annotate``'s recipes, ``db-in``, ``score``,
``convert``, ``evaluate``, ``benchmark`` and the ``spacy train`` reader
``spacy-al.Source.v1``. The loader comes from :class:`SourceOptions` (``auto``: detected,
:mod:`.detection`); options the format does not read are refused, naming their flags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from ..errors import ConfigError, CorpusFormatError
from ._io import iter_lines
from .conll import read_conll
from .detection import detect_format, is_hf_folder, is_json_object
from .formats import (
    FORMATS,
    SourceFormat,
    Tokenizer,
    check_options,
    get_format,
    loader_names,
    register_format,
)
from .hf_datasets import read_hf
from .jsonl import read_jsonl, tokenize
from .layout import file_layout, has_words, sample_token_lines
from .ontonotes import read_ontonotes
from .options import SourceOptions, from_mapping

__all__ = ["FORMATS", "LOADERS", "Resolved", "detect_format", "read_docbin", "read_docs",
           "read_source", "read_text", "resolve", "resolve_loader"]


@dataclass(frozen=True)
class Resolved:
    """A source with its format decided and its options completed (a column file's
    detected layout filled in)."""

    source: str | Path
    format: SourceFormat
    options: SourceOptions
    detected: bool


def resolve(source: str | Path, options: SourceOptions | None = None) -> Resolved:
    """The format ``source`` is read with and the options it is read with.

    Raises :class:`ConfigError` for an unknown loader or options the format does not
    read, :class:`CorpusFormatError` for a source that cannot be told.
    """
    options = options or SourceOptions()
    detected = options.loader == "auto"
    fmt = get_format(detect_format(source, options) if detected else options.loader, source)
    if not fmt.names and not Path(source).exists():
        raise CorpusFormatError(source, None, "no such file or folder.",
                                fix="Check the path (a Hugging Face dataset name needs "
                                "--loader hf).")
    check_options(fmt, options, source, detected)
    if fmt.name == "conll":
        options = _conll_options(Path(source), options)
    return Resolved(source, fmt, replace(options, loader=fmt.name), detected)


def read_source(
    source: str | Path, vocab: Vocab, options: SourceOptions | None = None, *,
    tokenizer: Tokenizer | None = None,
) -> Iterator[Doc]:
    """Docs of ``source`` with gold ``doc.ents``, read as ``options`` say.

    ``tokenizer`` tokenises raw text (``text``, or a dataset's text column); default
    blank English.
    """
    found = resolve(source, options)
    return found.format.read(found.source, vocab, found.options, tokenizer)


def resolve_loader(path: str | Path, format: str = "auto", loader: str | None = None) -> str:
    """The loader name ``path`` is read with (``format`` is the older name of ``loader``)."""
    if loader is not None and format not in ("auto", loader):
        raise ConfigError(f"format={format!r} and loader={loader!r} disagree.",
                          fix="Pass only one of them (--loader).")
    name = loader if loader is not None else format
    return resolve(path, SourceOptions(loader=name)).format.name


def read_docs(
    path: str | Path, vocab: Vocab, format: str = "auto", *, loader: str | None = None,
    tokenizer: Tokenizer | None = None, **options: Any
) -> Iterator[Doc]:
    """:func:`read_source` with Python keyword options (``token_col``, ``tag_col``, ``sep``,
    ``scheme``, ``strict``, ``split``, ``tokens_column``, ``tags_column``,
    ``text_column``); ``format`` is the older name of ``loader``."""
    if loader is not None and format not in ("auto", loader):
        raise ConfigError(f"format={format!r} and loader={loader!r} disagree.",
                          fix="Pass only one of them (--loader).")
    name = loader if loader is not None else format
    return read_source(path, vocab, from_mapping({**options, "loader": name}),
                       tokenizer=tokenizer)


# -- the built-in formats -------------------------------------------------------
def _conll_options(path: Path, options: SourceOptions) -> SourceOptions:
    """The given columns, or the detected layout, or CoNLL's default (0 and -1)."""
    for flag, value in (("--token-col", options.token_col), ("--tag-col", options.tag_col)):
        if value is not None and not isinstance(value, int):
            raise ConfigError(f"{flag} {value!r} is not a column number ({path} is a column "
                              "file).", fix=f"Pass {flag} with a 0-based number, e.g. "
                              f"{flag} 1 (negative counts from the end).")
    token, tag = options.token_col, options.tag_col
    layout = None if token is not None and tag is not None else file_layout(
        path, sep=options.sep, sep_given=options.sep is not None,
        token_col=token if isinstance(token, int) else None,
        tag_col=tag if isinstance(tag, int) else None)
    if layout is not None:
        return options.with_layout(layout.token_col, layout.tag_col, layout.sep)
    return options.with_layout(token if isinstance(token, int) else 0,
                               tag if isinstance(tag, int) else -1, options.sep)


def _read_conll(path: str | Path, vocab: Vocab, options: SourceOptions,
                _tokenizer: Tokenizer | None) -> Iterator[Doc]:
    assert isinstance(options.token_col, int) and isinstance(options.tag_col, int)
    return read_conll(path, vocab, token_col=options.token_col, tag_col=options.tag_col,
                      sep=options.sep, scheme=options.scheme, strict=not options.repair)


def _read_ontonotes(path: str | Path, vocab: Vocab, _options: SourceOptions,
                    _tokenizer: Tokenizer | None) -> Iterator[Doc]:
    return read_ontonotes(path, vocab)


def _read_jsonl(path: str | Path, vocab: Vocab, _options: SourceOptions,
                _tokenizer: Tokenizer | None) -> Iterator[Doc]:
    return read_jsonl(path, vocab)


def _read_hf(source: str | Path, vocab: Vocab, options: SourceOptions,
             tokenizer: Tokenizer | None) -> Iterator[Doc]:
    columns = {"tokens_column": options.token_col, "tags_column": options.tag_col}
    return read_hf(source, vocab, split=options.split, text_column=options.text_column,
                   scheme=options.scheme, strict=not options.repair, tokenizer=tokenizer,
                   **{key: None if value is None else str(value)
                      for key, value in columns.items()})


def _read_spacy(path: str | Path, vocab: Vocab, _options: SourceOptions,
                _tokenizer: Tokenizer | None) -> Iterator[Doc]:
    return read_docbin(path, vocab)


def _read_text(path: str | Path, vocab: Vocab, _options: SourceOptions,
               tokenizer: Tokenizer | None) -> Iterator[Doc]:
    _refuse_column_file(Path(path))
    return read_text(path, vocab, tokenizer=tokenizer)


def _refuse_column_file(path: Path) -> None:
    """``--loader text`` on a column file would ask every token line (and ``#`` comment)
    as a sentence: refuse it, naming a token line."""
    lines = sample_token_lines(path)
    layout = file_layout(path)
    if layout is not None and len(lines) >= 2 and has_words([x for _, x in lines], layout):
        number, line = lines[0]
        raise CorpusFormatError(
            path, number, f"this is a column file (one token per line: {line!r}); "
            "--loader text would ask each of its lines as a sentence.",
            fix="Pass --loader conll (or --loader auto) to read its sentences.")


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
        try:
            docs = DocBin().from_disk(file)
        except (ValueError, OSError, KeyError, TypeError) as err:
            raise CorpusFormatError(file, None, f"not a spaCy DocBin ({err}).",
                                    fix="Pass a file written by DocBin.to_disk, or the "
                                    "--loader its content needs.") from None
        yield from docs.get_docs(vocab)


def _has(pattern: str) -> Callable[[Path], bool]:
    return lambda folder: next(folder.rglob(pattern), None) is not None


_SCHEME = frozenset({"scheme", "repair"})
register_format(SourceFormat(
    "conll", _read_conll, "column files: one token and its tag per line",
    options=frozenset({"token_col", "tag_col", "sep"}) | _SCHEME))
register_format(SourceFormat(
    "ontonotes", _read_ontonotes, "OntoNotes CoNLL-2012 (*_conll files)", suffixes=("_conll",),
    first_line=lambda line: line.startswith("#begin document"), folder=_has("*_conll")))
register_format(SourceFormat(
    "jsonl", _read_jsonl, "Prodigy JSONL tasks", suffixes=(".jsonl",),
    first_line=is_json_object))
register_format(SourceFormat(
    "hf", _read_hf, "a Hugging Face dataset (folder, Parquet, Arrow, hub name)",
    options=frozenset({"token_col", "tag_col", "split", "text_column"}) | _SCHEME,
    suffixes=(".parquet", ".arrow"), folder=is_hf_folder, names=True))
register_format(SourceFormat(
    "spacy", _read_spacy, "spaCy DocBin (.spacy)", suffixes=(".spacy",),
    folder=_has("*.spacy")))
register_format(SourceFormat(
    "text", _read_text, "plain text, one sentence per line", annotated=False, aliases=("txt",)))

LOADERS = loader_names()
"""The built-in loader names (``loader_names()`` lists formats registered later too)."""
