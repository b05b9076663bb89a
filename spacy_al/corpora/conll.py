"""Column CoNLL files: one token per line, a blank line between sentences.

Layout: ``token_col`` and ``tag_col`` pick the columns (negative indexes count from the
end; MIT Restaurant files are ``TAG<TAB>TOKEN``: ``token_col=1, tag_col=0``). Columns are
split on any whitespace (``sep=None``) or on ``sep`` (e.g. ``"\\t"`` when tokens may hold
spaces). Every token line must have as many columns as the first one.

Skipped lines: ``-DOCSTART-`` lines (they end the current sentence and start a new
document id, ``doc.user_data["document"]``) and comment lines. A line starting with
``comment_prefix`` is a *token* when it has the file's column count and a valid tag in
the tag column (``#\\tO`` in tweets, ``# $ B-MONEY`` in OntoNotes) and a comment otherwise.

Schemes: see :mod:`spacy_al.corpora.tags`. ``scheme="auto"`` reads the file twice: once
to decide the scheme from all its tags (:func:`detect_conll_scheme`), once to build Docs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..errors import CorpusFormatError
from ._docs import make_doc
from ._io import iter_lines
from .layout import Layout, split_cells
from .tags import SchemeScan, Tag, TagSequenceError, decode, normalize_scheme, parse_tag

logger = logging.getLogger(__name__)

DOCSTART = "-DOCSTART-"
_TAG_FIX = "Tags must be O or PREFIX-TYPE with PREFIX one of B, I, L, U, E, S (e.g. B-PER)."


@dataclass
class _Sentence:
    lines: list[int] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    document: str | None = None


def read_conll(
    path: str | Path,
    vocab: Vocab,
    *,
    token_col: int = 0,
    tag_col: int = -1,
    sep: str | None = None,
    scheme: str = "auto",
    comment_prefix: str | None = "#",
    strict: bool = True,
) -> Iterator[Doc]:
    """Read a column CoNLL file: one Doc per sentence with gold ``doc.ents``.

    ``doc.user_data["source"]`` is ``"<file>:<line of the sentence's first token>"``.
    Raises :class:`~spacy_al.errors.CorpusFormatError` (file, line, fix) for a wrong
    column count, an unknown tag, a tag sequence strict mode cannot accept, invalid
    UTF-8, or a file without sentences. Arguments are checked at once; the file is
    read lazily.
    """
    path = Path(path)
    canonical = normalize_scheme(scheme)
    if canonical is None:
        raise CorpusFormatError(
            path, None, f"unknown tagging scheme {scheme!r}.",
            fix="Use one of auto, IOB1, IOB2 (BIO), IO, BILUO (BIOES).",
        )
    if sep == "":
        raise CorpusFormatError(path, None, "the separator is empty.",
                                fix="Pass --sep auto, --sep tab or --sep space.")
    return _read(path, vocab, (token_col, tag_col, sep, comment_prefix), canonical, strict)


def detect_conll_scheme(
    path: str | Path,
    *,
    token_col: int = 0,
    tag_col: int = -1,
    sep: str | None = None,
    comment_prefix: str | None = "#",
) -> str:
    """Decide the scheme of a CoNLL file from all its tags (rules: ``tags.detect_scheme``)."""
    layout = find_layout(Path(path), token_col, tag_col, sep, comment_prefix)
    return _scan(Path(path), layout).decide()


def _read(
    path: Path,
    vocab: Vocab,
    cols: tuple[int, int, str | None, str | None],
    scheme: str,
    strict: bool,
) -> Iterator[Doc]:
    layout = find_layout(path, *cols)
    if scheme == "auto":
        scan = _scan(path, layout)
        scheme = scan.decide()
        logger.info("%s: scheme=auto read as %s (tag prefixes %s, %d chunk-initial I- tags)",
                    path, scheme, "".join(sorted(scan.prefixes)), scan.i_starts)
    for sentence in iter_sentences(path, layout):
        try:
            spans = decode(sentence.tags, scheme, strict)
        except TagSequenceError as err:
            line = sentence.lines[err.index]
            raise CorpusFormatError(path, line, err.message, fix=err.fix) from None
        source = f"{path}:{sentence.lines[0]}"
        yield make_doc(vocab, sentence.words, spans, source, sentence.document)


def _scan(path: Path, layout: Layout) -> SchemeScan:
    scan = SchemeScan()
    for sentence in iter_sentences(path, layout):
        scan.add(sentence.tags)
    return scan


def _is_docstart(fields: list[str], token_col: int) -> bool:
    return fields[0] == DOCSTART or (-len(fields) <= token_col < len(fields)
                                     and fields[token_col] == DOCSTART)


def find_layout(
    path: Path, token_col: int, tag_col: int, sep: str | None, comment_prefix: str | None
) -> Layout:
    """Resolve the columns from the first token line (not blank, comment or ``-DOCSTART-``)."""
    last = 0
    for number, line in iter_lines(path):
        last = number
        if not line.strip() or (comment_prefix and line.startswith(comment_prefix)):
            continue
        fields = split_cells(line, sep)
        if _is_docstart(fields, token_col):
            continue
        n = len(fields)
        token, tag = _resolve(path, (number, line), n, token_col, "--token-col"), _resolve(
            path, (number, line), n, tag_col, "--tag-col")
        if token == tag:
            raise CorpusFormatError(path, number, f"--token-col and --tag-col both name "
                                    f"column {tag}.", fix="Pass different columns to "
                                    "--token-col and --tag-col (0-based).")
        return Layout(token, tag, sep, n, comment_prefix, number)
    where = "the file is empty" if last == 0 else f"none of its {last} lines is a token line"
    raise CorpusFormatError(path, None, f"no sentences found: {where}.",
                            fix="Check the path; token lines look like `EU B-ORG`.")


def _resolve(path: Path, where: tuple[int, str], n: int, col: int, name: str) -> int:
    number, line = where
    if not -n <= col < n:
        raise CorpusFormatError(
            path, number, f"{name} {col} names no column: the line has {n} column(s): {line!r}.",
            fix=f"Pass --token-col and --tag-col between 0 and {n - 1} (negative from the "
            "end), and --sep tab if tokens contain spaces.",
        )
    return col % n


def iter_sentences(path: Path, layout: Layout) -> Iterator[_Sentence]:
    """Sentences of a CoNLL file as token lines, words and parsed tags, checked."""
    sentence = _Sentence()
    document: str | None = None
    prefix, sep = layout.comment_prefix, layout.sep
    columns, token_col, tag_col = layout.columns, layout.token_col, layout.tag_col
    lines, words, tags = sentence.lines, sentence.words, sentence.tags
    for number, line in iter_lines(path):
        fields = line.split() if sep is None else split_cells(line, sep)
        is_docstart = DOCSTART in line and _is_docstart(fields, token_col)
        if is_docstart or not fields or (sep is not None and not line.strip()):
            if words:
                yield sentence
            elif not is_docstart:
                continue
            if is_docstart:
                document = f"{path}:{number}"
            sentence = _Sentence(document=document)
            lines, words, tags = sentence.lines, sentence.words, sentence.tags
            continue
        if prefix and line.startswith(prefix) and not _is_token_line(fields, layout):
            continue
        tag = parse_tag(fields[tag_col]) if len(fields) == columns else None
        if tag is None or not fields[token_col]:
            _token_error(path, number, line, fields, layout)
        lines.append(number)
        words.append(fields[token_col])
        tags.append(tag)
    if words:
        yield sentence


def _is_token_line(fields: list[str], layout: Layout) -> bool:
    return len(fields) == layout.columns and parse_tag(fields[layout.tag_col]) is not None


def _token_error(
    path: Path, number: int, line: str, fields: list[str], layout: Layout
) -> NoReturn:
    if len(fields) != layout.columns:
        raise CorpusFormatError(
            path, number,
            f"expected {layout.columns} columns (as on line {layout.first_line}), "
            f"found {len(fields)}: {line!r}.",
            fix="Give every token line the same columns, with a blank line (not spaces) "
            "between sentences; pass --sep tab if tokens contain spaces.",
        )
    if parse_tag(fields[layout.tag_col]) is None:
        raise CorpusFormatError(
            path, number, f"unknown tag {fields[layout.tag_col]!r} in column {layout.tag_col} "
            f"(--tag-col) of {line!r}.",
            fix=_tag_fix(fields, layout),
        )
    raise CorpusFormatError(path, number, "empty token.", fix="Remove the empty column.")


def _tag_fix(fields: list[str], layout: Layout) -> str:
    if parse_tag(fields[layout.token_col]) is not None:
        return (f"Column {layout.token_col} looks like the tag column: the tag may come first; "
                f"pass --token-col {layout.tag_col} --tag-col {layout.token_col}.")
    tags = [i for i, cell in enumerate(fields) if parse_tag(cell) is not None]
    if tags:
        return f"Column {tags[-1]} holds a tag here: pass --tag-col {tags[-1]}. {_TAG_FIX}"
    return _TAG_FIX
