"""Inter-annotator agreement of a dataset: span F1 per label and micro, Cohen's kappa.

Only sentences (``_input_hash``) with an accepted complete answer (``ner_manual``) from
two or more sessions count; a session's latest such answer is its annotation. For
every pair of sessions ``(a, b)`` (sorted by name, ``a`` as reference) on every
sentence both annotated, spans agree when start, end and label are all equal:
precision, recall and F1 are summed over all pairs and sentences (micro; F1 is the
same either way round). Cohen's kappa compares the IOB2 tags of the tokens
(``O``, ``B-PER``, ``I-PER``, ...) of every pair, pooled over all pairs.
Sentences whose answers have different token counts are skipped (counted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..tasks import TokenSpan, is_complete, task_spans

Annotation = tuple[int, frozenset[TokenSpan]]
"""One session's annotation of a sentence: its token count and its spans."""


@dataclass
class SpanCounts:
    """True positives, false positives (in ``b`` only) and false negatives (in ``a`` only)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, a: Iterable[TokenSpan], b: Iterable[TokenSpan]) -> None:
        left, right = set(a), set(b)
        self.tp += len(left & right)
        self.fp += len(right - left)
        self.fn += len(left - right)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp, self.fn)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn, self.fp)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn, 0)

    def as_dict(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def _ratio(num: int, den: int, other: int) -> float:
    """``num / den``; with nothing to compare (0 / 0 and no other error) agreement is 1."""
    if den:
        return num / den
    return 1.0 if other == 0 else 0.0


@dataclass
class PairAgreement:
    a: str
    b: str
    sentences: int = 0
    spans: SpanCounts = field(default_factory=SpanCounts)
    tags: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "sentences": self.sentences,
                **self.spans.as_dict(), "kappa": cohen_kappa(self.tags)}


@dataclass
class Agreement:
    """The agreement of a dataset's sessions (see the module docstring)."""

    sentences: int
    sessions: list[str]
    pairs: list[PairAgreement]
    per_label: dict[str, SpanCounts]
    micro: SpanCounts
    kappa: float
    skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences, "sessions": self.sessions,
            "skipped_token_mismatch": self.skipped,
            "micro_precision": self.micro.precision, "micro_recall": self.micro.recall,
            "micro_f1": self.micro.f1, "kappa": self.kappa,
            "per_label": {label: c.as_dict() for label, c in sorted(self.per_label.items())},
            "pairs": [pair.as_dict() for pair in self.pairs],
        }


def session_annotations(examples: Iterable[Mapping[str, Any]]) -> dict[int, dict[str, Annotation]]:
    """Each sentence's annotation per session: latest accepted complete answer wins."""
    found: dict[int, dict[str, Annotation]] = {}
    for eg in examples:
        if eg.get("answer") != "accept" or not is_complete(eg):
            continue
        session = str(eg.get("_session_id") or "")
        spans = frozenset(task_spans(eg))
        found.setdefault(int(eg["_input_hash"]), {})[session] = (len(eg["tokens"]), spans)
    return found


def iob_tags(n_tokens: int, spans: Iterable[TokenSpan]) -> list[str]:
    """IOB2 tags of ``n_tokens`` tokens with ``spans`` (overlaps: the later span wins)."""
    tags = ["O"] * n_tokens
    for start, end, label in sorted(spans):
        tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    return tags


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float:
    """Cohen's kappa of paired labels; 1.0 when both sides use one same label throughout."""
    pairs = list(pairs)
    if not pairs:
        return 1.0
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    if expected == 1.0:
        return 1.0
    return (observed - expected) / (1.0 - expected)


def agreement(examples: Iterable[Mapping[str, Any]]) -> Agreement:
    """Pairwise span agreement and token kappa of the sessions of ``examples``."""
    pairs: dict[tuple[str, str], PairAgreement] = {}
    per_label: dict[str, SpanCounts] = {}
    micro, sentences, skipped = SpanCounts(), 0, 0
    sessions: set[str] = set()
    for by_session in session_annotations(examples).values():
        if len(by_session) < 2:
            continue
        if len({n for n, _ in by_session.values()}) > 1:
            skipped += 1
            continue
        sentences += 1
        sessions.update(by_session)
        for a, b in combinations(sorted(by_session), 2):
            pair = pairs.setdefault((a, b), PairAgreement(a, b))
            _compare(pair, by_session[a], by_session[b], per_label)
            micro.add(by_session[a][1], by_session[b][1])
    tags = [tag for pair in pairs.values() for tag in pair.tags]
    return Agreement(sentences, sorted(sessions), list(pairs.values()), per_label, micro,
                     cohen_kappa(tags), skipped)


def _compare(pair: PairAgreement, a: Annotation, b: Annotation,
             per_label: dict[str, SpanCounts]) -> None:
    (n, spans_a), (_, spans_b) = a, b
    pair.sentences += 1
    pair.spans.add(spans_a, spans_b)
    pair.tags.extend(zip(iob_tags(n, spans_a), iob_tags(n, spans_b), strict=True))
    for label in {s.label for s in spans_a} | {s.label for s in spans_b}:
        per_label.setdefault(label, SpanCounts()).add(
            [s for s in spans_a if s.label == label], [s for s in spans_b if s.label == label])
