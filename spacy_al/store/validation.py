"""Validation of answers before they are stored: every problem is named, nothing half-written.

One check for both ways in: the server's ``/give_answers`` and ``db-in``. A batch is
checked as a whole before anything reaches the database: one bad answer rejects the
batch with a 400 (or ``db-in`` with the file and line) that lists every problem
(``answers[2].spans[0]: label 'FOO' is not one of PER, ORG, LOC``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import SpacyALError
from ..tasks import ANSWERS, PoolItem

Lookup = Callable[[Mapping[str, Any]], PoolItem | None]
"""Finds the pool item an answer belongs to, or None for a task the stream never made."""

SPAN_INTS = ("start", "end", "token_start", "token_end")
SPAN_EXTRAS = ("text", "score", "source", "rank", "answer")
"""Optional span keys kept as they come; any other key is dropped."""
MAX_ERRORS = 20
"""Problems listed in a 400 (then a count of the others)."""
MAX_ANSWER_BYTES = 1024 * 1024
"""The largest answer stored (its JSON): a sentence and its spans, not a file."""
MAX_ANSWERS = 1000
"""The most answers in one request."""
INT_RANGE = (-(2**63), 2**63 - 1)
"""The integers SQLite (and every stored hash) holds: signed 64 bits."""


class AnswerError(SpacyALError):
    """An answer (a request to the server, a task of ``db-in``) is invalid; nothing was
    written."""

    code = "E101"

    def __init__(self, message: str, errors: Sequence[str] = (), *, fix: str | None = None,
                 status: int = 400):
        self.status = status
        self.n_errors = len(errors)
        self.errors = [_cut(error, 300) for error in errors[:MAX_ERRORS]]
        if self.n_errors > MAX_ERRORS:
            self.errors.append(f"... and {self.n_errors - MAX_ERRORS} more")
        detail = message if not self.errors else f"{message}: " + "; ".join(self.errors[:10])
        if self.n_errors > 10:
            detail += f"; and {self.n_errors - 10} more"
        super().__init__(detail, fix=fix)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def short(value: Any) -> str:
    """``repr(value)``, cut to 60 characters: error messages never echo large input."""
    return _cut(repr(value), 60)


def _is_int(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)
            and INT_RANGE[0] <= value <= INT_RANGE[1])


def check_answers_body(body: Any) -> list[Any]:
    """The ``answers`` list of a ``/give_answers`` body, or :class:`AnswerError`."""
    if not isinstance(body, dict):
        raise AnswerError("The request body must be a JSON object with a list 'answers'.")
    answers = body.get("answers")
    if not isinstance(answers, list):
        raise AnswerError("The request body needs 'answers': a list of answered tasks.")
    if len(answers) > MAX_ANSWERS:
        raise AnswerError(f"The request holds {len(answers)} answers, more than {MAX_ANSWERS}.",
                          fix="Send the answers in smaller batches.")
    return answers


def validate_answers(
    answers: Sequence[Any], *, lookup: Lookup, labels: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Check every answer; return clean copies carrying the server's canonical tokens.
    ``labels`` None: any string label.

    RAISES (AnswerError): If any answer is invalid, listing every problem found.
    """
    errors: list[str] = []
    clean: list[dict[str, Any]] = []
    first: dict[tuple[int, int], int] = {}
    for i, answer in enumerate(answers):
        problems, fixed = _check_answer(answer, lookup, labels)
        if fixed is not None:
            key = (fixed["_input_hash"], fixed["_task_hash"])
            if key in first:
                problems = [("", f"the same task as answers[{first[key]}] (_task_hash "
                                 f"{key[1]}): send each task once per request")]
            first.setdefault(key, i)
        errors.extend(f"answers[{i}]{where}: {what}" for where, what in problems)
        if fixed is not None and not problems:
            clean.append(fixed)
    if errors:
        raise AnswerError("Invalid answers, nothing was saved", errors)
    return clean


def _check_answer(
    answer: Any, lookup: Lookup, labels: Sequence[str] | None
) -> tuple[list[tuple[str, str]], dict[str, Any] | None]:
    if not isinstance(answer, dict):
        return [("", "an answer must be a JSON object (a task with 'answer')")], None
    problems = _check_fields(answer)
    if problems:
        return problems, None
    size = len(json.dumps(answer, ensure_ascii=False, default=str))
    if size > MAX_ANSWER_BYTES:
        return [("", f"the answer is {size // 1024} KiB of JSON, more than the "
                     f"{MAX_ANSWER_BYTES // 1024} KiB allowed: drop large custom fields")], None
    item = lookup(answer)
    if item is None:
        return [("", f"unknown task: _task_hash {answer['_task_hash']} (with _input_hash "
                     f"{answer['_input_hash']}) was never sent by this server's stream")], None
    if answer["text"] != item.text:
        return [(".text", "does not match the text of the task with this _input_hash")], None
    problems = _check_tokens(answer.get("tokens"), item.tokens)
    problems += _check_spans(answer.get("spans", []), item, labels)
    if problems:
        return problems, None
    fixed = dict(answer)
    fixed["tokens"] = [dict(token) for token in item.tokens]
    fixed["spans"] = [{key: span[key] for key in (*SPAN_INTS, "label", *SPAN_EXTRAS)
                       if key in span} for span in answer.get("spans", [])]
    return [], fixed


def _check_fields(answer: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if answer.get("answer") not in ANSWERS:
        problems.append((".answer", f"must be one of {', '.join(ANSWERS)}, "
                                    f"got {short(answer.get('answer'))}"))
    for key in ("_input_hash", "_task_hash"):
        if not _is_int(answer.get(key)):
            problems.append((f".{key}", f"must be a 64-bit integer, got {short(answer.get(key))}"))
    if not isinstance(answer.get("text"), str):
        problems.append((".text", "must be a string"))
    if "spans" in answer and not isinstance(answer["spans"], list):
        problems.append((".spans", "must be a list of spans"))
    if "meta" in answer and not isinstance(answer["meta"], dict):
        problems.append((".meta", "must be an object"))
    return problems


def _check_tokens(tokens: Any, canonical: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    if tokens is None:
        return []
    if not isinstance(tokens, list) or len(tokens) != len(canonical):
        return [(".tokens", f"must be the task's {len(canonical)} tokens")]
    for i, (token, expected) in enumerate(zip(tokens, canonical, strict=True)):
        if not isinstance(token, dict) or any(
            token.get(key) != expected[key] for key in ("text", "start", "end")
        ):
            return [(f".tokens[{i}]", f"differs from the task's token {expected['text']!r} "
                                      f"({expected['start']}-{expected['end']})")]
    return []


def _check_spans(
    spans: list[Any], item: PoolItem, labels: Sequence[str] | None
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    taken: dict[int, int] = {}
    for j, span in enumerate(spans):
        where = f".spans[{j}]"
        problem = _check_span(span, item, labels)
        if problem:
            problems.append((where, problem))
            continue
        for token in range(span["token_start"], span["token_end"] + 1):
            if token in taken:
                problems.append((where, f"overlaps spans[{taken[token]}] at token {token}"))
                break
            taken[token] = j
    return problems


def _check_span(span: Any, item: PoolItem, labels: Sequence[str] | None) -> str | None:
    if not isinstance(span, dict):
        return "a span must be an object with start, end, token_start, token_end, label"
    missing = [key for key in SPAN_INTS if not _is_int(span.get(key))]
    if missing:
        return f"{', '.join(missing)} must be 64-bit integer(s)"
    label = span.get("label")
    if not isinstance(label, str) or (labels is not None and label not in labels):
        return f"label {short(label)} is not one of {', '.join(labels or ['(any string)'])}"
    start, end = span["token_start"], span["token_end"]
    n_tokens = len(item.tokens)
    if end < start:
        return f"token_end {end} is before token_start {start} (token_end is inclusive)"
    if start < 0 or end >= n_tokens:
        return f"tokens {start}..{end} are out of bounds: the task has {n_tokens} tokens"
    first, last = item.tokens[start], item.tokens[end]
    if span["start"] != first["start"] or span["end"] != last["end"]:
        return (f"character offsets {span['start']}-{span['end']} do not match tokens "
                f"{start}..{end} ({first['start']}-{last['end']})")
    text = item.text[first["start"]:last["end"]]
    if "text" in span and span["text"] != text:
        return f"text {short(span['text'])} is not the text of its tokens, {short(text)}"
    return None
