"""Prodigy-style JSONL: one task per line.

Fields: ``text``; optional ``tokens`` (``{"text", "start", "end", "id", "ws"}``);
``spans`` (``{"start", "end", "label"}`` character offsets, optionally
``token_start``/``token_end`` with ``token_end`` inclusive, as Prodigy writes them);
``answer``.

What counts as gold (Prodigy's convention):

- ``answer == "accept"``: gold. ``doc.ents`` = the spans, every other token ``O``.
- ``answer == "reject"`` / ``"ignore"``: not training data; skipped, counted (``counts``)
  and logged.
- no ``answer``: a raw input task, never annotated. By default (``unanswered="raw"``) it
  is read with *missing* entity annotation (``doc.has_annotation("ENT_IOB")`` is False:
  an unlabelled pool sentence), and any spans it carries are kept as suggestions in
  ``doc.spans["suggested"]``. ``unanswered="accept"`` reads such rows as gold,
  ``unanswered="skip"`` skips them (counted).

Without ``tokens`` the text is tokenised with spaCy's blank English tokenizer and every
span must start and end on token boundaries.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

import spacy
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..errors import CorpusFormatError
from ..tasks import TokenSpan, set_entities, tokens_to_doc
from ._io import iter_lines

logger = logging.getLogger(__name__)

ANSWERS = ("accept", "reject", "ignore")
UNANSWERED = ("raw", "accept", "skip")
SUGGESTED_KEY = "suggested"
_HASH_KEYS = ("_input_hash", "_task_hash")
_Boundaries = tuple[dict[int, int], dict[int, int]]


class _Row:
    """One JSONL line being read: where it is, for error messages."""

    def __init__(self, path: Path, number: int, data: dict[str, Any]) -> None:
        self.path, self.number, self.data = path, number, data

    def fail(self, message: str, fix: str) -> NoReturn:
        raise CorpusFormatError(self.path, self.number, message, fix=fix)


def read_jsonl(
    path: str | Path,
    vocab: Vocab,
    *,
    unanswered: str = "raw",
    counts: Counter[str] | None = None,
) -> Iterator[Doc]:
    """Read Prodigy-style JSONL tasks as Docs (see the module docstring for the rules).

    ``counts`` (optional) is filled with ``accept``, ``reject``, ``ignore``, ``raw``,
    ``unanswered_skipped``. ``doc.user_data`` holds ``source`` (``"<file>:<line>"``),
    ``answer`` and the Prodigy hashes when present.
    """
    if unanswered not in UNANSWERED:
        raise ValueError(f"unanswered must be one of {UNANSWERED}, not {unanswered!r}")
    return _read(Path(path), vocab, unanswered, Counter() if counts is None else counts)


def _read(path: Path, vocab: Vocab, unanswered: str, counts: Counter[str]) -> Iterator[Doc]:
    rows = 0
    for number, line in iter_lines(path):
        if not line.strip():
            continue
        rows += 1
        row = _Row(path, number, _parse(path, number, line))
        answer = _answer(row)
        kind = answer if answer is not None else unanswered
        if kind in ("reject", "ignore", "skip"):
            counts["unanswered_skipped" if kind == "skip" else kind] += 1
            continue
        counts["accept" if kind == "accept" else "raw"] += 1
        yield _make_doc(row, vocab, gold=kind == "accept")
    if rows == 0:
        raise CorpusFormatError(path, None, "no tasks found: the file holds no JSON lines.",
                                fix="Check the path; each line is one JSON object.")
    logger.info("%s: %s", path, dict(counts))


def _parse(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        raise CorpusFormatError(
            path, number, f"invalid JSON: {err.msg} (column {err.colno}).",
            fix="Each line must be one complete JSON object (JSON Lines).",
        ) from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise CorpusFormatError(path, number, f"expected a JSON object, found {kind}.",
                                fix="Each line must be one JSON object with a `text` field.")
    return data


def _answer(row: _Row) -> str | None:
    answer = row.data.get("answer")
    if answer is not None and answer not in ANSWERS:
        row.fail(f"unknown answer {answer!r}.", fix="Use accept, reject or ignore.")
    return answer


def _make_doc(row: _Row, vocab: Vocab, gold: bool) -> Doc:
    text = row.data.get("text")
    if not isinstance(text, str):
        row.fail("the task has no `text` string.", fix="Add the task text as `text`.")
    if "tokens" in row.data:
        doc, bounds = _doc_from_tokens(row, vocab, text)
    else:
        doc = tokenize(text, vocab)
        bounds = ({t.idx: t.i for t in doc}, {t.idx + len(t): t.i + 1 for t in doc})
    spans = [_span(row, i, s, text, bounds, len(doc)) for i, s in enumerate(_spans(row))]
    if gold:
        _check_overlaps(row, spans)
        set_entities(doc, spans, complete=True)
    else:
        doc.spans[SUGGESTED_KEY] = [Span(doc, s, e, label=lab) for s, e, lab in spans]
    doc.user_data["source"] = f"{row.path}:{row.number}"
    doc.user_data["answer"] = row.data.get("answer")
    for key in _HASH_KEYS:
        if key in row.data:
            doc.user_data[key] = row.data[key]
    return doc


@lru_cache(maxsize=1)
def _english_tokenizer() -> Tokenizer:
    return spacy.blank("en").tokenizer


def tokenize(text: str, vocab: Vocab) -> Doc:
    """Tokenise ``text`` like ``spacy.blank("en")`` into a Doc of ``vocab``.

    One blank English tokenizer is built per process (building one costs ~0.2 s).
    """
    tokens = _english_tokenizer()(text)
    return Doc(vocab, words=[t.text for t in tokens], spaces=[bool(t.whitespace_) for t in tokens])


def _doc_from_tokens(row: _Row, vocab: Vocab, text: str) -> tuple[Doc, _Boundaries]:
    tokens = row.data["tokens"]
    if not isinstance(tokens, list) or not tokens:
        row.fail("`tokens` must be a non-empty list.", fix="Remove `tokens` or list them.")
    checked = [_token(row, i, token, text) for i, token in enumerate(tokens)]
    doc = tokens_to_doc(vocab, tokens)
    starts = {start: i for i, (start, _, _) in enumerate(checked)}
    ends = {end: i + 1 for i, (_, end, _) in enumerate(checked)}
    return doc, (starts, ends)


def _token(row: _Row, i: int, token: Any, text: str) -> tuple[int, int, str]:
    fix = "Tokens need `text`, `start`, `end` with text[start:end] == token text."
    if not isinstance(token, dict):
        row.fail(f"token {i} is not an object.", fix=fix)
    start, end, word = token.get("start"), token.get("end"), token.get("text")
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(word, str) and word):
        row.fail(f"token {i} lacks an integer start/end or a non-empty text.", fix=fix)
    if text[start:end] != word or not 0 <= start < end <= len(text):
        row.fail(f"token {i} {word!r} does not match the text at {start}-{end} "
                 f"({text[start:end]!r}).", fix=fix)
    return start, end, word


def _spans(row: _Row) -> list[dict[str, Any]]:
    spans = row.data.get("spans") or []
    if not isinstance(spans, list) or not all(isinstance(s, dict) for s in spans):
        row.fail("`spans` must be a list of objects.", fix="Write spans as {start, end, label}.")
    return spans


def _span(
    row: _Row, i: int, span: dict[str, Any], text: str, bounds: _Boundaries, n_tokens: int
) -> TokenSpan:
    label = span.get("label")
    if not isinstance(label, str) or not label:
        row.fail(f"span {i} has no label.", fix="Give every span a `label` string.")
    start, end = span.get("start"), span.get("end")
    if start is None and end is None:
        return TokenSpan(*_token_range(row, i, span, n_tokens), label)
    name = f"span {i} ({label}, characters {start}-{end})"
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        row.fail(f"{name} lies outside the text (length {len(text)}).",
                 fix="Span offsets are 0-based characters with start < end <= len(text).")
    first, stop = bounds[0].get(start), bounds[1].get(end)
    if first is None or stop is None:
        row.fail(f"{name} {text[start:end]!r} does not start and end on token boundaries.",
                 fix="Align the span to whole tokens, or give the tokens in `tokens`.")
    if "token_start" in span and (span["token_start"], span.get("token_end")) != (first, stop - 1):
        row.fail(f"{name}: token_start/token_end {span['token_start']}-{span.get('token_end')} "
                 f"disagree with the characters (tokens {first}-{stop - 1}).",
                 fix="Make token_start/token_end (inclusive) match start/end.")
    return TokenSpan(first, stop, label)


def _token_range(row: _Row, i: int, span: dict[str, Any], n_tokens: int) -> tuple[int, int]:
    first, last = span.get("token_start"), span.get("token_end")
    if not (isinstance(first, int) and isinstance(last, int) and 0 <= first <= last < n_tokens):
        row.fail(f"span {i} has neither character offsets nor a valid token range.",
                 fix="Give start/end (characters) or token_start/token_end (inclusive).")
    return first, last + 1


def _check_overlaps(row: _Row, spans: Sequence[TokenSpan]) -> None:
    ordered = sorted(spans)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            row.fail(f"entity spans overlap: {before.label} tokens {before.start}-"
                     f"{before.end - 1} and {after.label} tokens {after.start}-{after.end - 1}.",
                     fix="Named entities cannot overlap: keep one of them.")
