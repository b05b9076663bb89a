"""Original OntoNotes 5.0 / CoNLL-2012 files (``*_conll``, ``*.gold_conll``).

Whitespace-aligned columns: document id, part, word index, word (index 3), POS, parse,
lemma, frameset, sense, speaker, named entities (index 10: ``(TYPE*``, ``*``, ``*)``,
``(TYPE)``), predicate arguments, coreference. ``#begin document (ID); part NNN`` and
``#end document`` delimit documents; a blank line ends a sentence.

A folder is searched recursively: ``*gold_conll`` files when there are any (the
CoNLL-2012 release keeps ``*_auto_conll`` files beside them), else all ``*_conll`` files,
in sorted order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..errors import CorpusFormatError
from ..tasks.spans import TokenSpan
from ._docs import make_doc
from ._io import iter_lines
from .tags import Span

logger = logging.getLogger(__name__)

MIN_COLUMNS = 12
WORD_COL = 3
NE_COL = 10
_BEGIN = re.compile(r"#begin document \((?P<name>.*)\);\s*part\s+(?P<part>\S+)")
_NE_CELL = re.compile(r"(?:\((?P<label>[^()*\s]+))?\*?(?P<close>\))?")


@dataclass
class _Sentence:
    lines: list[int] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    ne_cells: list[str] = field(default_factory=list)
    columns: int = 0


def find_ontonotes_files(path: str | Path) -> list[Path]:
    """The CoNLL-2012 files to read for ``path`` (a file, or a folder searched recursively)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CorpusFormatError(path, None, "no such file or folder.", fix="Check the path.")
    files = sorted(p for p in path.rglob("*gold_conll") if p.is_file())
    if not files:
        files = sorted(p for p in path.rglob("*_conll") if p.is_file())
    if not files:
        raise CorpusFormatError(path, None, "no *_conll / *.gold_conll files in this folder.",
                                fix="Point at a CoNLL-2012 annotations folder or file.")
    return files


def read_ontonotes(
    path: str | Path, vocab: Vocab, *, skip_docs_without_entities: bool = False
) -> Iterator[Doc]:
    """Read OntoNotes CoNLL-2012 files: one Doc per sentence with gold ``doc.ents``.

    ``doc.user_data``: ``source`` (``"<file>:<line>"``) and ``document``
    (``"<doc id>; part <NNN>"``). With ``skip_docs_without_entities`` a document part whose
    sentences hold no entity at all is left out (many OntoNotes documents were never
    NE-annotated); how many is logged.
    """
    files = find_ontonotes_files(path)
    return _read_files(files, vocab, skip_docs_without_entities)


def _read_files(files: list[Path], vocab: Vocab, skip_empty: bool) -> Iterator[Doc]:
    skipped = 0
    for file in files:
        docs = 0
        for part in _read_parts(file, vocab):
            docs += len(part)
            if skip_empty and not any(doc.ents for doc in part):
                skipped += 1
                continue
            yield from part
        if docs == 0:
            raise CorpusFormatError(file, None, "no sentences found in this file.",
                                    fix="Check that it is a CoNLL-2012 *_conll file.")
    if skipped:
        logger.info("OntoNotes: skipped %d document part(s) without any entity", skipped)


def _read_parts(file: Path, vocab: Vocab) -> Iterator[list[Doc]]:
    """Docs of one file, grouped by ``#begin document`` part."""
    part: list[Doc] = []
    document: str | None = None
    for sentence, doc_id in _sentences(file):
        if doc_id != document and part:
            yield part
            part = []
        document = doc_id
        spans = _entities(file, sentence)
        part.append(make_doc(vocab, sentence.words, spans, f"{file}:{sentence.lines[0]}", doc_id))
    if part:
        yield part


def _sentences(file: Path) -> Iterator[tuple[_Sentence, str | None]]:
    sentence = _Sentence()
    document: str | None = None
    for number, line in iter_lines(file):
        if line.startswith("#"):
            if sentence.words:
                yield sentence, document
                sentence = _Sentence()
            document = _document_id(line, document)
            continue
        if not line.strip():
            if sentence.words:
                yield sentence, document
                sentence = _Sentence()
            continue
        _add_row(file, number, line, sentence)
    if sentence.words:
        yield sentence, document


def _document_id(line: str, current: str | None) -> str | None:
    match = _BEGIN.match(line)
    if match:
        return f"{match['name']}; part {match['part']}"
    if line.startswith("#end document"):
        return None
    return current


def _add_row(file: Path, number: int, line: str, sentence: _Sentence) -> None:
    fields = line.split()
    expected = sentence.columns or len(fields)
    if len(fields) < MIN_COLUMNS or len(fields) != expected:
        need = f"{expected} columns (as on line {sentence.lines[0]})" if sentence.columns else \
            f"at least {MIN_COLUMNS} columns"
        raise CorpusFormatError(
            file, number, f"expected {need}, found {len(fields)}.",
            fix="Rows of a sentence need the same CoNLL-2012 columns (word in column 4, "
            "named entities in column 11); end sentences with a blank line.",
        )
    index = len(sentence.words)
    if fields[2] != str(index):
        raise CorpusFormatError(
            file, number, f"word index {fields[2]!r}, expected {index}.",
            fix="Each sentence numbers its words from 0; a blank line must end a sentence.",
        )
    sentence.columns = expected
    sentence.lines.append(number)
    sentence.words.append(fields[WORD_COL])
    sentence.ne_cells.append(fields[NE_COL])


def _entities(file: Path, sentence: _Sentence) -> list[Span]:
    spans: list[Span] = []
    label: str | None = None
    start = 0
    for i, cell in enumerate(sentence.ne_cells):
        match = _NE_CELL.fullmatch(cell)
        if match is None or cell in ("", "()"):
            _ne_error(file, sentence.lines[i], f"cannot read the named-entity cell {cell!r}.")
        if match["label"]:
            if label is not None:
                _ne_error(file, sentence.lines[i], f"{match['label']} opens inside the "
                          f"{label} entity opened on line {sentence.lines[start]}.")
            label, start = match["label"], i
        if match["close"]:
            if label is None:
                _ne_error(file, sentence.lines[i], "an entity closes that was never opened.")
            spans.append(TokenSpan(start, i + 1, label))
            label = None
    if label is not None:
        _ne_error(file, sentence.lines[start], f"the {label} entity opened here is not closed "
                  "before the end of the sentence.")
    return spans


def _ne_error(file: Path, line: int, message: str) -> NoReturn:
    raise CorpusFormatError(
        file, line, f"named-entity column 11: {message}",
        fix="Column 11 holds `(TYPE*`, `*`, `*)` or `(TYPE)`, one entity open at a time.",
    )
