"""Where the tokens and tags of a column file are: detected from its first lines.

Column files come in many layouts: ``token tag`` (CoNLL-2002), ``token POS chunk tag``
(CoNLL-2003), ``tag<TAB>token`` (MIT Restaurant), ``index token tag more...`` (CoNLL-U
like IOB files, with ``# sent_id`` / ``# text`` comment lines), tokens holding spaces
with tab separators. :func:`guess_layout` finds them with one rule:

- the separator: any whitespace if every sampled line then has the same number (>= 2)
  of columns, else tabs if that gives one count (``--sep`` given: only that);
- the tag column: the *last* column whose every cell is a tag (``O``, ``B-X``, ...);
- the token column: the first other column that is not all numbers (an index) and not
  all tags; failing that, the first other column.

A column given (``--token-col`` / ``--tag-col``) is kept as given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ._io import iter_lines
from .tags import parse_tag

SAMPLE_LINES = 1000
DOCSTART = "-DOCSTART-"


@dataclass(frozen=True)
class Layout:
    """Resolved (non-negative) token and tag columns, the separator, the column count;
    for a file being read also its comment prefix and the first token line."""

    token_col: int
    tag_col: int
    sep: str | None
    columns: int
    comment_prefix: str | None = "#"
    first_line: int = 0


def split_cells(line: str, sep: str | None) -> list[str]:
    """Cells of a line; with an explicit ``sep`` each cell is stripped of surrounding spaces
    when the line mixes separators."""
    if sep is None:
        return line.split()
    cells = line.split(sep)
    if " " in line or (sep != "\t" and "\t" in line):
        return [cell.strip() for cell in cells]
    return cells


def sample_token_lines(path: Path, limit: int = SAMPLE_LINES) -> list[tuple[int, str]]:
    """The first lines that can be token lines: not blank, ``#`` comments or ``-DOCSTART-``."""
    return list(_token_lines(path, limit))


def _token_lines(path: Path, limit: int) -> Iterator[tuple[int, str]]:
    for number, line in iter_lines(path):
        if number > limit:
            return
        fields = line.split()
        if fields and not line.startswith("#") and fields[0] != DOCSTART:
            yield number, line


def guess_layout(
    lines: Sequence[str], *, sep: str | None = None, sep_given: bool = False,
    token_col: int | None = None, tag_col: int | None = None,
) -> Layout | None:
    """The layout every line of ``lines`` fits (rules in the module docstring), or None."""
    if not lines:
        return None
    for candidate in ([sep] if sep_given else [None, "\t"]):
        rows = [split_cells(line, candidate) for line in lines]
        widths = {len(row) for row in rows}
        if len(widths) != 1 or (n := widths.pop()) < 2:
            continue
        columns = _columns(rows, n, token_col, tag_col)
        if columns is not None:
            return Layout(*columns, candidate, n)
    return None


def _columns(rows: list[list[str]], n: int, token_col: int | None,
             tag_col: int | None) -> tuple[int, int] | None:
    if any(col is not None and not -n <= col < n for col in (token_col, tag_col)):
        return None
    tag_cols = [c for c in range(n) if all(parse_tag(row[c].strip()) for row in rows)]
    if tag_col is not None:
        tag = tag_col % n
    elif tag_cols:
        others = [c for c in tag_cols if token_col is None or c != token_col % n]
        if not others:
            return None
        tag = others[-1]
    else:
        return None
    if token_col is not None:
        token = token_col % n
        return (token, tag) if token != tag else None
    rest = [c for c in range(n) if c != tag]
    words = [c for c in rest if not all(row[c].strip().isdigit() for row in rows)]
    plain = [c for c in words if c not in tag_cols]
    return ((plain or words or rest)[0], tag)


def has_words(rows_lines: Sequence[str], layout: Layout) -> bool:
    """Whether some token cell is not itself a tag (a real token column)."""
    return any(parse_tag(split_cells(line, layout.sep)[layout.token_col].strip()) is None
               for line in rows_lines)


def file_layout(path: Path, *, sep: str | None = None, sep_given: bool = False,
                token_col: int | None = None, tag_col: int | None = None) -> Layout | None:
    """:func:`guess_layout` on the first token lines of a file."""
    lines = [line for _, line in sample_token_lines(path)]
    return guess_layout(lines, sep=sep, sep_given=sep_given, token_col=token_col,
                        tag_col=tag_col)
