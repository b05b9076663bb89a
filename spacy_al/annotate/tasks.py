"""Annotation tasks in Prodigy's format, their hashes, and their conversion to spaCy.

A task is a plain JSON object::

    {"text": "Ada Lovelace was born in London.",
     "tokens": [{"text": "Ada", "start": 0, "end": 3, "id": 0, "ws": true}, ...],
     "spans": [{"start": 0, "end": 12, "token_start": 0, "token_end": 1, "label": "PER"}],
     "meta": {"score": 0.83, "strategy": "mnlp"},
     "_input_hash": -1302446512, "_task_hash": 1994326127,
     "_view_id": "ner_manual", "_session_id": "news-alice", "answer": "accept"}

``token_end`` is inclusive, as in Prodigy. Hashes are signed 32-bit integers (the
range Prodigy uses, exactly representable in JavaScript), computed from a stable
BLAKE2b digest of the canonical JSON of the hashed keys.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab

INPUT_KEYS = ("text", "image", "html", "input")
"""Keys whose values make a task's ``_input_hash`` (what is annotated)."""
TASK_KEYS = ("spans", "label", "options")
"""Keys whose values, with the input hash, make ``_task_hash`` (the question asked)."""
ANSWERS = ("accept", "reject", "ignore")


@dataclass
class PoolItem:
    """One sentence of an annotation pool, tokenized once and for all."""

    input_hash: int
    text: str
    tokens: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[dict[str, Any]] = field(default_factory=list)
    """Pre-annotations carried by the source (JSONL ``spans``), shown by ner.manual."""

    @property
    def words(self) -> list[str]:
        return [token["text"] for token in self.tokens]

    @property
    def spaces(self) -> list[bool]:
        return [bool(token.get("ws", False)) for token in self.tokens]

    def make_doc(self, vocab: Vocab) -> Doc:
        """A Doc with exactly this item's tokens."""
        return Doc(vocab, words=self.words, spaces=self.spaces)


def hash32(value: Any) -> int:
    """A stable signed 32-bit hash of a JSON-serialisable value."""
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.blake2b(data.encode("utf8"), digest_size=4).digest()
    return int.from_bytes(digest, "little", signed=True)


def input_hash_of(task: Mapping[str, Any], input_keys: Sequence[str] = INPUT_KEYS) -> int:
    """Hash of what a task shows: its ``text`` (or image/html/input)."""
    values = {key: task[key] for key in input_keys if key in task}
    if not values:
        values = {k: v for k, v in task.items() if not k.startswith("_") and k != "answer"}
    return hash32(values)


def _normalise(key: str, value: Any) -> Any:
    if key == "spans" and isinstance(value, list):
        return sorted(
            [span.get("start"), span.get("end"), span.get("label")]
            for span in value
            if isinstance(span, Mapping)
        )
    return value


def task_hash_of(
    input_hash: int, task: Mapping[str, Any], task_keys: Sequence[str] = TASK_KEYS
) -> int:
    """Hash of the question: the input hash plus the task keys (spans by offsets and label)."""
    values = {key: _normalise(key, task[key]) for key in task_keys if key in task}
    return hash32([input_hash, values])


def set_hashes(
    task: dict[str, Any],
    *,
    input_keys: Sequence[str] = INPUT_KEYS,
    task_keys: Sequence[str] = TASK_KEYS,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Set ``_input_hash`` and ``_task_hash`` on ``task`` (in place) and return it."""
    if overwrite or "_input_hash" not in task:
        task["_input_hash"] = input_hash_of(task, input_keys)
    if overwrite or "_task_hash" not in task:
        task["_task_hash"] = task_hash_of(task["_input_hash"], task, task_keys)
    return task


def doc_tokens(doc: Doc) -> list[dict[str, Any]]:
    """Prodigy tokens of a Doc: ``text``, ``start``, ``end``, ``id``, ``ws``."""
    return [
        {
            "text": token.text,
            "start": token.idx,
            "end": token.idx + len(token.text),
            "id": token.i,
            "ws": bool(token.whitespace_),
        }
        for token in doc
    ]


def span_to_dict(span: Span, **extra: Any) -> dict[str, Any]:
    """A Prodigy span (``token_end`` inclusive) from a spaCy Span."""
    return {
        "start": span.start_char,
        "end": span.end_char,
        "token_start": span.start,
        "token_end": span.end - 1,
        "label": span.label_,
        **extra,
    }


def token_span(
    tokens: Sequence[Mapping[str, Any]], token_start: int, token_end: int, label: str, **extra: Any
) -> dict[str, Any]:
    """A Prodigy span over tokens ``token_start..token_end`` (inclusive)."""
    return {
        "start": tokens[token_start]["start"],
        "end": tokens[token_end]["end"],
        "token_start": token_start,
        "token_end": token_end,
        "label": label,
        **extra,
    }


def item_from_doc(doc: Doc, meta: dict[str, Any] | None = None) -> PoolItem:
    """A pool item from a Doc (its entities are not carried over)."""
    text = doc.text
    return PoolItem(input_hash_of({"text": text}), text, doc_tokens(doc), dict(meta or {}))


def base_task(item: PoolItem, view_id: str) -> dict[str, Any]:
    """The fields every task of ``item`` shares (copies, safe to mutate)."""
    return {
        "text": item.text,
        "tokens": [dict(token) for token in item.tokens],
        "meta": dict(item.meta),
        "_input_hash": item.input_hash,
        "_view_id": view_id,
    }


def task_stub(item: PoolItem, view_id: str) -> dict[str, Any]:
    """A ranked task without its text and tokens: the stream adds the item's when serving.

    Rankings of thousands of tasks stay small (cheap to send from the model worker
    and to swap in).
    """
    return {"_input_hash": item.input_hash, "_view_id": view_id, "meta": {}}


def answer_doc(vocab: Vocab, task: Mapping[str, Any], *, complete: bool) -> Doc:
    """A Doc holding a task's (accepted) spans as entities.

    complete (bool): Tokens outside the spans are ``O`` (a ner_manual answer);
        otherwise they are missing (a binary ner answer says nothing about them).
    """
    tokens = task["tokens"]
    doc = Doc(
        vocab,
        words=[token["text"] for token in tokens],
        spaces=[bool(token.get("ws", False)) for token in tokens],
    )
    spans = [
        Span(doc, span["token_start"], span["token_end"] + 1, label=span["label"])
        for span in task.get("spans") or []
    ]
    doc.set_ents(filter_overlaps(spans), default="outside" if complete else "missing")
    return doc


def filter_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Spans without overlaps, the earliest (then longest) kept."""
    kept: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not taken.intersection(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


def is_complete(task: Mapping[str, Any]) -> bool:
    """Whether an answer annotates every entity of its text (a ner_manual answer)."""
    return task.get("_view_id", "ner_manual") != "ner"


def answer_to_example(vocab: Vocab, task: Mapping[str, Any]) -> Example:
    """A training Example from an accepted answer (binary answers give partial gold)."""
    reference = answer_doc(vocab, task, complete=is_complete(task))
    predicted = Doc(vocab, words=[t.text for t in reference], spaces=[bool(t.whitespace_)
                                                                       for t in reference])
    return Example(predicted, reference)
