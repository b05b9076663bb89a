"""Entity-level evaluation with seqeval (strict IOB2, micro average) and prediction speed."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.scheme import IOB2
from spacy.language import Language
from spacy.tokens import Doc


@dataclass
class Evaluation:
    f1: float
    precision: float
    recall: float
    per_type: dict[str, dict[str, float]] = field(default_factory=dict)
    sentences: int = 0
    words: int = 0
    seconds: float = 0.0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "words_per_second": self.words_per_second}


def iob2_tags(doc: Doc) -> list[str]:
    """IOB2 tags of ``doc.ents`` (``O`` for every token outside an entity)."""
    return [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O" for t in doc]


def evaluate_docs(
    nlp: Language, gold_docs: Iterable[Doc], batch_size: int = 64
) -> Evaluation:
    """Predict the gold docs' tokens with ``nlp`` and score entities with seqeval.

    The prediction runs on fresh Docs with exactly the gold tokens, so the
    tokenisation of the corpus is kept, in batches of similar length (little padding
    for a transformer; the predictions are the same); ``seconds`` counts prediction only.
    """
    gold = list(gold_docs)
    inputs = [Doc(nlp.vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d])
              for d in gold]
    start = time.perf_counter()
    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))  # length buckets
    predicted: list[Doc] = list(inputs)
    for i, doc in zip(order, nlp.pipe([inputs[i] for i in order], batch_size=batch_size),
                      strict=True):
        predicted[i] = doc
    seconds = time.perf_counter() - start
    y_true = [iob2_tags(d) for d in gold]
    y_pred = [iob2_tags(d) for d in predicted]
    kwargs: dict[str, Any] = {"mode": "strict", "scheme": IOB2}
    report = classification_report(y_true, y_pred, output_dict=True, zero_division=0, **kwargs)
    per_type = {
        label: {"f1": row["f1-score"], "precision": row["precision"], "recall": row["recall"],
                "support": int(row["support"])}
        for label, row in report.items() if not label.endswith("avg")
    }
    return Evaluation(
        f1=float(f1_score(y_true, y_pred, zero_division=0, **kwargs)),
        precision=float(precision_score(y_true, y_pred, zero_division=0, **kwargs)),
        recall=float(recall_score(y_true, y_pred, zero_division=0, **kwargs)),
        per_type=per_type,
        sentences=len(gold),
        words=sum(len(d) for d in gold),
        seconds=seconds,
    )


def evaluate_path(
    nlp: Language, path: str | Path, fmt: str = "auto", limit: int = 0, **options: Any
) -> Evaluation:
    """:func:`evaluate_docs` on a corpus file read with :func:`spacy_al.corpora.read_docs`."""
    from ..corpora import read_docs

    docs = list(read_docs(path, nlp.vocab, format=fmt, **options))
    return evaluate_docs(nlp, docs[:limit] if limit else docs)
