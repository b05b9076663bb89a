"""The one content-based format detection: which loader reads a file or folder.

Used by ``annotate`` sources, ``convert``, ``db-in`` and :func:`read_docs` (``benchmark``,
``evaluate``). The rules, in order:

1. A folder: ``*_conll`` files -> ``ontonotes``; a ``datasets`` ``save_to_disk`` folder
   (``dataset_info.json``, ``state.json`` or ``dataset_dict.json``) or ``*.parquet`` /
   ``*.arrow`` files -> ``hf``; ``*.spacy`` files -> ``spacy``.
2. By name: ``.spacy`` -> ``spacy``; ``.parquet``, ``.arrow`` -> ``hf``; ``*_conll`` ->
   ``ontonotes``; ``.jsonl`` -> ``jsonl`` (its reader names a line that is not JSON).
3. By content (the first :data:`SAMPLE_LINES` lines): a first line ``#begin document``
   -> ``ontonotes``; a first line that is a JSON object -> ``jsonl``.
4. ``conll`` when *every* sampled line (besides blank lines, ``-DOCSTART-`` lines and
   ``#`` comments) is a token line: the same number (>= 2) of columns on every line and a
   valid tag (``O``, ``B-X``, ``I-X``, ``L-``/``E-``, ``U-``/``S-``) in the last column on
   every line (or in the first, MIT Restaurant style), with some non-tag token, and at
   least two token lines (or a ``-DOCSTART-``, or a CoNLL file extension).
5. ``text`` when fewer than half of the lines are token lines and there is no
   ``-DOCSTART-`` and no columnar layout (one column count on every line in blocks
   separated by blank lines).
6. Anything else is ambiguous: :class:`CorpusFormatError` naming the file and the line
   that breaks the CoNLL layout, with the ``--loader`` to pass.

Text is never read as CoNLL (prose lines vary in length and rarely end in a tag) and
CoNLL is never read as text (its lines all are, or mostly are, token lines).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusFormatError
from ._io import iter_lines
from .tags import parse_tag

SAMPLE_LINES = 1000
DOCSTART = "-DOCSTART-"
CONLL_SUFFIXES = (".conll", ".conllu", ".iob", ".iob2", ".bio", ".bioes", ".bilou")
HF_FOLDER_FILES = ("dataset_info.json", "state.json", "dataset_dict.json")
HF_SUFFIXES = (".parquet", ".arrow")
_FIX = "Pass --loader conll (loader='conll') or --loader text (loader='text')."


def detect_format(path: str | Path) -> str:
    """The loader of ``path``: ``conll``, ``ontonotes``, ``jsonl``, ``spacy``, ``hf`` or ``text``.

    See the module docstring for the rules; raises :class:`CorpusFormatError` when the
    path does not exist or its format cannot be told.
    """
    path = Path(path)
    if path.is_dir():
        return _folder_format(path)
    if not path.is_file():
        raise CorpusFormatError(path, None, "no such file or folder.",
                                fix="Check the path (a Hugging Face dataset name needs "
                                "--loader hf).")
    name = path.name.lower()
    if name.endswith(".spacy"):
        return "spacy"
    if name.endswith(HF_SUFFIXES):
        return "hf"
    if name.endswith("_conll"):
        return "ontonotes"
    if name.endswith(".jsonl"):
        return "jsonl"
    return detect_text_format(path)


def _folder_format(path: Path) -> str:
    if next(path.rglob("*_conll"), None) is not None:
        return "ontonotes"
    if any((path / name).is_file() for name in HF_FOLDER_FILES) or any(
            next(path.glob(f"*{suffix}"), None) is not None for suffix in HF_SUFFIXES):
        return "hf"
    if next(path.rglob("*.spacy"), None) is not None:
        return "spacy"
    raise CorpusFormatError(path, None, "cannot tell the corpus format of this folder.",
                            fix="Point at a file, or a folder of *_conll or *.spacy files, "
                            "or a datasets save_to_disk folder.")


def detect_text_format(path: Path) -> str:
    """``ontonotes``, ``jsonl``, ``conll`` or ``text`` for a text file, by its first lines."""
    sample = _Sample.read(path)
    if sample.first is None:
        raise CorpusFormatError(path, None, "the file holds no text.",
                                fix="Check the path; the file is empty or blank.")
    first = sample.first.strip()
    if first.startswith("#begin document"):
        return "ontonotes"
    if first.startswith("{") and _is_json_object(first):
        return "jsonl"
    return _conll_or_text(path, sample)


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


@dataclass
class _Sample:
    """The content lines of a file's first lines: numbers, split fields, block sizes."""

    lines: list[tuple[int, str]]
    docstart: int | None
    blocks: list[int]
    first: str | None

    @classmethod
    def read(cls, path: Path) -> _Sample:
        lines: list[tuple[int, str]] = []
        docstart, first, blocks, block = None, None, [], 0
        for number, line in iter_lines(path):
            if number > SAMPLE_LINES:
                break
            fields = line.split()
            if not fields:
                if block:
                    blocks.append(block)
                block = 0
                continue
            first = line if first is None else first
            if fields[0] == DOCSTART:
                docstart = number if docstart is None else docstart
                continue
            block += 1
            lines.append((number, line))
        if block:
            blocks.append(block)
        return cls(lines, docstart, blocks, first)


def _conll_or_text(path: Path, sample: _Sample) -> str:
    lines = [(n, line) for n, line in sample.lines
             if not (line.startswith("#") and not _token_fields(line.split()))]
    if not lines:
        return "conll" if sample.docstart is not None else "text"
    for sep in (None, "\t"):
        if _all_token_lines(path, lines, sep, sample.docstart):
            return "conll"
    fields = [line.split() for _, line in lines]
    token_lines = sum(_token_fields(f) for f in fields)
    columnar = len({len(f) for f in fields}) == 1 and len(sample.blocks) >= 2 and (
        sum(sample.blocks) / len(sample.blocks) >= 3)
    if sample.docstart is None and token_lines * 2 < len(lines) and not columnar:
        return "text"
    raise CorpusFormatError(path, _culprit(lines, fields), _why(sample, lines, token_lines,
                                                                 columnar), fix=_FIX)


def _token_fields(fields: list[str]) -> bool:
    return len(fields) >= 2 and (parse_tag(fields[-1]) is not None
                                 or parse_tag(fields[0]) is not None)


def _all_token_lines(
    path: Path, lines: list[tuple[int, str]], sep: str | None, docstart: int | None
) -> bool:
    rows = [line.split(sep) if sep else line.split() for _, line in lines]
    if len({len(row) for row in rows}) != 1 or len(rows[0]) < 2:
        return False
    enough = len(rows) >= 2 or docstart is not None or path.suffix.lower() in CONLL_SUFFIXES
    for tag_col, token_col in ((-1, 0), (0, -1)):
        if all(parse_tag(row[tag_col].strip()) is not None for row in rows):
            words = (row[token_col].strip() for row in rows)
            return enough and any(parse_tag(word) is None for word in words)
    return False


def _culprit(lines: list[tuple[int, str]], fields: list[list[str]]) -> int:
    """The first line that breaks the layout of most lines (column count or tag)."""
    width = Counter(len(f) for f in fields).most_common(1)[0][0]
    for (number, _), row in zip(lines, fields, strict=True):
        if len(row) != width or not _token_fields(row):
            return number
    return lines[0][0]


def _why(sample: _Sample, lines: list[tuple[int, str]], token_lines: int,
         columnar: bool) -> str:
    start = "cannot tell whether this is CoNLL (one token and its tag per line) or plain text"
    if len(lines) == 1 and token_lines == 1:
        return f"{start}: the file is a single token line."
    if sample.docstart is not None:
        return (f"{start}: it has a -DOCSTART- line (line {sample.docstart}) but this line "
                "is not a token line like the others.")
    if token_lines * 2 >= len(lines):
        return (f"{start}: {token_lines} of {len(lines)} lines are token lines (`EU B-ORG`), "
                "this one is not.")
    if columnar:
        return (f"{start}: every line has {len(lines[0][1].split())} column(s) in blocks "
                "separated by blank lines, but the tag column holds no tags.")
    return f"{start}: this line is not a token line."
