"""The annotator's effort per answer: corrections of the pre-annotated spans, and a linear
cost model of the seconds an answer takes (fitted by least squares from timed answers).

A correction is one edit that turns the spans shown into the gold spans:

- ``relabelled``: a shown span with a gold span of the same boundaries and another label;
- ``removed``: a shown span with no gold span of the same boundaries (a boundary fix
  counts as one removal plus one addition);
- ``added``: a gold span with no shown span of the same boundaries.

The cost model (Ringger et al. 2008; Haertel et al. 2008) is
``seconds = a * tokens + b * corrections + c`` per sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from spacy_al.retraining.model_spec import RINGGER_2008_SECONDS
from spacy_al.store.pace import annotation_ms

Span = tuple[int, int, str]
"""(token_start, token_end inclusive, label): a Prodigy span's identity."""


@dataclass(frozen=True)
class CostModel:
    name: str
    a: float  # seconds per token
    b: float  # seconds per correction
    c: float  # seconds per sentence
    source: str = ""

    def seconds(self, tokens: int, corrections: int) -> float:
        return self.a * tokens + self.b * corrections + self.c


RINGGER_2008 = CostModel(
    "ringger2008", *RINGGER_2008_SECONDS,
    "Ringger et al. 2008 (LREC) user study, the hourly cost model of Haertel et al. 2008 "
    "(ACL): (3.795 l + 5.387 c + 12.57) / 3600 hours, l tokens, c corrections")
CORRECTIONS_X3 = CostModel(
    "corrections_x3", RINGGER_2008.a, round(3 * RINGGER_2008.b, 3), RINGGER_2008.c,
    "the same with each correction three times as dear (an NER span fix means finding "
    "both boundaries and a type, a POS fix one tag)")
COST_MODELS = {model.name: model for model in (RINGGER_2008, CORRECTIONS_X3)}
PRIMARY = RINGGER_2008


@dataclass(frozen=True)
class Corrections:
    added: int = 0
    removed: int = 0
    relabelled: int = 0

    @property
    def total(self) -> int:
        return self.added + self.removed + self.relabelled


def span_keys(spans: Iterable[Mapping[str, Any]]) -> set[Span]:
    return {(int(s["token_start"]), int(s["token_end"]), str(s["label"])) for s in spans}


def corrections(shown: Iterable[Mapping[str, Any]], gold: Iterable[Mapping[str, Any]]
                ) -> Corrections:
    """The edits from the ``shown`` spans to the ``gold`` spans (see the module's doc)."""
    shown_keys, gold_keys = span_keys(shown), span_keys(gold)
    wrong = shown_keys - gold_keys
    missing = gold_keys - shown_keys
    gold_bounds = {(start, end) for start, end, _ in missing}
    relabelled = {span for span in wrong if span[:2] in gold_bounds}
    relabelled_bounds = {span[:2] for span in relabelled}
    return Corrections(
        added=sum(1 for span in missing if span[:2] not in relabelled_bounds),
        removed=len(wrong) - len(relabelled), relabelled=len(relabelled))


def answer_costs(tokens: int, fixes: Corrections) -> dict[str, float]:
    """The estimated seconds of one answer under every cost model, by name."""
    return {name: round(model.seconds(tokens, fixes.total), 3)
            for name, model in COST_MODELS.items()}


@dataclass(frozen=True)
class CostFit:
    model: CostModel
    n: int
    r2: float
    rmse: float


def fit_cost_model(tokens: Sequence[float], fixes: Sequence[float], seconds: Sequence[float],
                   name: str = "fitted") -> CostFit:
    """a, b, c by least squares from answers' tokens, corrections and seconds."""
    if len(seconds) < 3:
        raise ValueError(f"fitting three coefficients needs at least 3 timed answers, "
                         f"got {len(seconds)}")
    x = np.column_stack([np.asarray(tokens, float), np.asarray(fixes, float),
                         np.ones(len(seconds))])
    y = np.asarray(seconds, float)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = y - x @ coef
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((residual ** 2).sum()) / total if total else 1.0
    a, b, c = (round(float(v), 4) for v in coef)
    return CostFit(CostModel(name, a, b, c, "least squares on timed answers"), len(y),
                   round(r2, 4), round(float(np.sqrt((residual ** 2).mean())), 3))


SHOWN_KEY = "_shown_spans"
"""An answer's spans as they were shown (pre-annotated); without it, every span of the
answer counts as added (annotation from scratch, as in ``ner.manual``)."""
def timed_answers(answers: Iterable[Mapping[str, Any]]
                  ) -> tuple[list[int], list[int], list[float]]:
    """Tokens, corrections and seconds of the accepted answers that carry a usable
    ``_annotation_ms`` (``spacy_al.store.pace.annotation_ms``: the web UI's active time)."""
    tokens: list[int] = []
    fixes: list[int] = []
    seconds: list[float] = []
    for answer in answers:
        ms = annotation_ms(answer)
        if answer.get("answer") != "accept" or not ms:
            continue
        tokens.append(len(answer.get("tokens") or []))
        fixes.append(corrections(answer.get(SHOWN_KEY) or [], answer.get("spans") or []).total)
        seconds.append(ms / 1000.0)
    return tokens, fixes, seconds
