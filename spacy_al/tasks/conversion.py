"""Prodigy tasks and spaCy Docs: the one conversion between them (both directions).

A task is a plain JSON object::

    {"text": "Ada Lovelace was born in London.",
     "tokens": [{"text": "Ada", "start": 0, "end": 3, "id": 0, "ws": true}, ...],
     "spans": [{"start": 0, "end": 12, "token_start": 0, "token_end": 1, "label": "PER"}],
     "meta": {"score": 0.83, "strategy": "mnlp"},
     "_input_hash": -1302446512, "_task_hash": 1994326127,
     "_view_id": "ner_manual", "_session_id": "news-alice", "answer": "accept"}

``token_end`` is inclusive, as in Prodigy; inside spacy-al a token span is a
:class:`~spacy_al.tasks.spans.TokenSpan` ``(start, end, label)`` with ``end``
exclusive, as in spaCy. Hashes: :mod:`spacy_al.tasks.hashing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .hashing import input_hash_of
from .spans import TokenSpan

if TYPE_CHECKING:  # spaCy is imported where a Doc is made, so that the server (which reads
    # and writes tasks but never makes a Doc) does not load spaCy, thinc and torch
    from spacy.tokens import Doc, Span
    from spacy.training import Example
    from spacy.vocab import Vocab


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

    def make_doc(self, vocab: Vocab) -> Doc:
        """A Doc with exactly this item's tokens."""
        return tokens_to_doc(vocab, self.tokens)


def tokens_to_doc(vocab: Vocab, tokens: Sequence[Mapping[str, Any]]) -> Doc:
    """A Doc of Prodigy ``tokens`` (the one place tokens become a Doc). A token's
    trailing space is its ``ws``, or where ``ws`` is absent, whether the next token
    starts after this one ends."""
    from spacy.tokens import Doc

    spaces = []
    for i, token in enumerate(tokens):
        ws = token.get("ws")
        if ws is None:
            following = tokens[i + 1].get("start") if i + 1 < len(tokens) else None
            ws = following is not None and following > token.get("end", following)
        spaces.append(bool(ws))
    return Doc(vocab, words=[str(token["text"]) for token in tokens], spaces=spaces)


def set_entities(doc: Doc, spans: Iterable[TokenSpan], *, complete: bool) -> Doc:
    """Set ``doc.ents`` from token spans (overlaps dropped, earliest then longest kept).

    complete (bool): Tokens outside the spans are ``O`` (a complete annotation);
        otherwise they are missing (a binary answer says nothing about them).
    """
    from spacy.tokens import Span

    ents = [Span(doc, start, end, label=label) for start, end, label in spans]
    doc.set_ents(filter_overlaps(ents), default="outside" if complete else "missing")
    return doc


def task_spans(task: Mapping[str, Any]) -> list[TokenSpan]:
    """A (validated) task's spans as token spans (Prodigy's ``token_end`` is inclusive)."""
    return [TokenSpan(span["token_start"], span["token_end"] + 1, span["label"])
            for span in task.get("spans") or []]


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
    return set_entities(tokens_to_doc(vocab, task["tokens"]), task_spans(task),
                        complete=complete)


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


REJECTED_SPANS = "al_rejected"
"""``reference.spans`` key of a rejected binary answer's spans (``al_ner`` learns "not that
label there" from them)."""


def is_rejected_span(task: Mapping[str, Any]) -> bool:
    """Whether an answer rejects a suggested span (a binary ``ner`` answer ``reject``)."""
    return task.get("answer") == "reject" and not is_complete(task)


def answer_to_example(vocab: Vocab, task: Mapping[str, Any]) -> Example:
    """A training Example from an answer: an accepted one (binary answers give partial gold),
    or a rejected binary one: every entity tag missing, its spans in
    ``reference.spans["al_rejected"]`` (negative evidence)."""
    from spacy.tokens import Span
    from spacy.training import Example

    if is_rejected_span(task):
        reference = set_entities(tokens_to_doc(vocab, task["tokens"]), [], complete=False)
        reference.spans[REJECTED_SPANS] = [Span(reference, start, end, label=label)
                                           for start, end, label in task_spans(task)]
    else:
        reference = answer_doc(vocab, task, complete=is_complete(task))
    return Example(tokens_to_doc(vocab, task["tokens"]), reference)


def doc_item(doc: Doc, meta: dict[str, Any] | None = None) -> PoolItem:
    """A pool item from a Doc: tokens, hashes, source; suggested spans as pre-annotations."""
    data = doc.user_data
    meta = dict(meta or {})
    if "source" in data and "source" not in meta:
        meta["source"] = str(data["source"])
    text = doc.text
    given = data.get("_input_hash")
    input_hash = given if isinstance(given, int) else input_hash_of({"text": text})
    suggested: Iterable[Any] = doc.spans["suggested"] if "suggested" in doc.spans else ()
    spans = [span_to_dict(span) for span in suggested]
    return PoolItem(input_hash, text, doc_tokens(doc), meta, spans)
