"""The one content-based format detection: which loader reads a file or folder.

Used by every command through :func:`spacy_al.corpora.read_source`. The rules, in order:

1. A folder: the first registered format (:mod:`.formats`) whose ``folder`` test accepts
   it (``*_conll`` files -> ``ontonotes``; a ``datasets`` ``save_to_disk`` folder or
   ``*.parquet`` / ``*.arrow`` files -> ``hf``; ``*.spacy`` files -> ``spacy``).
2. By name: a registered format's ``suffixes`` (``.spacy``, ``.parquet``, ``.arrow``,
   ``_conll``, ``.jsonl``).
3. By content: a registered format's ``first_line`` test on the first non-blank line
   (``#begin document`` -> ``ontonotes``; a JSON object -> ``jsonl``).
4. ``conll`` when a column layout fits *every* sampled line (besides blank lines,
   ``-DOCSTART-`` lines and ``#`` comments; :func:`.layout.guess_layout`: a tag column
   anywhere, index and extra columns allowed) with some non-tag token, and there are at
   least two token lines (or a ``-DOCSTART-``, or a CoNLL file extension); also whenever
   ``--token-col`` or ``--tag-col`` is given.
5. ``text`` when fewer than half of the lines are token lines and there is no
   ``-DOCSTART-`` and no columnar layout (one column count on every line in blocks
   separated by blank lines).
6. Anything else is ambiguous: :class:`CorpusFormatError` naming the file and the line
   that breaks the CoNLL layout, with the flags to pass.

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
from .formats import FORMATS
from .layout import SAMPLE_LINES, guess_layout, has_words
from .options import SourceOptions
from .tags import parse_tag

DOCSTART = "-DOCSTART-"
CONLL_SUFFIXES = (".conll", ".conllu", ".iob", ".iob2", ".bio", ".bioes", ".bilou")
HF_FOLDER_FILES = ("dataset_info.json", "state.json", "dataset_dict.json")
HF_SUFFIXES = (".parquet", ".arrow")
_FIX = ("Pass --loader conll (with --token-col N --tag-col M if the columns are not found) "
        "or --loader text.")


def detect_format(path: str | Path, options: SourceOptions | None = None) -> str:
    """The loader of ``path``: a registered format name (``conll``, ``ontonotes``, ``jsonl``,
    ``spacy``, ``hf``, ``text``, ...).

    See the module docstring for the rules; ``options`` (the columns and separator given)
    are honoured. Raises :class:`CorpusFormatError` when the path does not exist or its
    format cannot be told.
    """
    path = Path(path)
    if path.is_dir():
        return _folder_format(path)
    if not path.is_file():
        raise CorpusFormatError(path, None, "no such file or folder.",
                                fix="Check the path (a Hugging Face dataset name needs "
                                "--loader hf).")
    name = path.name.lower()
    for fmt in FORMATS.values():
        if fmt.suffixes and name.endswith(fmt.suffixes):
            return fmt.name
    return detect_text_format(path, options)


def _folder_format(path: Path) -> str:
    for fmt in FORMATS.values():
        if fmt.folder is not None and fmt.folder(path):
            return fmt.name
    raise CorpusFormatError(path, None, "cannot tell the corpus format of this folder.",
                            fix="Point at a file, or a folder of *_conll or *.spacy files, "
                            "or a datasets save_to_disk folder.")


def is_hf_folder(path: Path) -> bool:
    """A ``datasets`` ``save_to_disk`` folder, or a folder of Parquet / Arrow files."""
    return any((path / name).is_file() for name in HF_FOLDER_FILES) or any(
        next(path.glob(f"*{suffix}"), None) is not None for suffix in HF_SUFFIXES)


def detect_text_format(path: Path, options: SourceOptions | None = None) -> str:
    """The format of a text file by its first lines: a registered ``first_line`` test,
    else ``conll`` or ``text``."""
    sample = _Sample.read(path)
    if sample.first is None:
        raise CorpusFormatError(path, None, "the file holds no text.",
                                fix="Check the path; the file is empty or blank.")
    first = sample.first.strip()
    for fmt in FORMATS.values():
        if fmt.first_line is not None and fmt.first_line(first):
            return fmt.name
    return _conll_or_text(path, sample, options or SourceOptions())


def is_json_object(line: str) -> bool:
    """Whether ``line`` starts and parses as a JSON object (a JSONL task)."""
    if not line.startswith("{"):
        return False
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


def _conll_or_text(path: Path, sample: _Sample, options: SourceOptions) -> str:
    if isinstance(options.token_col, int) or isinstance(options.tag_col, int):
        return "conll"  # columns given: a column file, whatever its lines look like
    plain = [(n, line) for n, line in sample.lines if not line.startswith("#")]
    lines = plain or [(n, line) for n, line in sample.lines if _token_fields(line.split())]
    if not lines:
        return "conll" if sample.docstart is not None else "text"
    if _all_token_lines(path, [line for _, line in lines], options, sample.docstart):
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


def _all_token_lines(path: Path, lines: list[str], options: SourceOptions,
                     docstart: int | None) -> bool:
    layout = guess_layout(lines, sep=options.sep, sep_given=options.sep is not None)
    enough = len(lines) >= 2 or docstart is not None or path.suffix.lower() in CONLL_SUFFIXES
    return layout is not None and enough and has_words(lines, layout)


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
