"""Tasks from model predictions: the strategy's order, pre-annotations, span candidates.

``ner.al-correct`` gets one task per sentence, pre-annotated with the decoded
entities, ranked by the sentence's acquisition score. ``ner.al-teach`` gets one
task per candidate span (the decoded entities and the near misses: runs of tokens
the model gives at least ``MIN_ENTITY_MASS`` of non-``O`` probability), ranked by
the span's uncertainty ``1 - |2 c - 1|`` where ``c`` is the span's confidence (the
mean probability of its tags): the spans the model is least sure about come first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..acquisition.selection import rank
from ..acquisition.selectors import Selector
from ..acquisition.strategies import ScoreFn
from ..loop.engine import rank_candidates, ranking_keys
from ..pipeline.decoding import span_tags
from ..pipeline.pool_scoring import (
    doc_embeddings,
    get_ner_pipe,
    run_components,
    sampling_of,
    score_docs,
    upstream_components,
)
from ..tasks import PoolItem, TokenSpan, set_hashes, task_stub, token_span

MIN_ENTITY_MASS = 0.3
MAX_SPANS_PER_SENTENCE = 3
PATTERN_BOOST = 1e6
"""Added to the sort key of a sentence with pattern matches while the model is untrained."""


@dataclass(frozen=True)
class Predicting:
    """What one ranking call predicts with: the service's model as it is now, and how
    its predictions become tasks. Built by :meth:`.service.ModelService.rank`; it holds
    no state of its own (the service keeps the scores and the embeddings)."""

    nlp: Any
    labels: Sequence[str]
    strategy: ScoreFn
    mode: str
    version: int
    untrained: bool
    """A new model before its first update: its spans are not shown (patterns are)."""
    matcher: Any = None
    embeddings: bool = False
    """Whether to return the sentence embeddings (a selector that uses them)."""
    min_confidence: float = 0.0
    """``ner.al-correct``: pre-annotate only the spans the model gives at least this
    confidence (:func:`span_confidence`); 0: every decoded span."""
    seconds: tuple[float, float] | None = None
    """``ner.al-correct``: rank by informativeness per expected second of annotation,
    (seconds per token, seconds per sentence); None: by the score alone."""

    @property
    def strategy_name(self) -> str:
        return str(getattr(self.strategy, "name", self.strategy))


@dataclass
class Predicted:
    """One batch's tasks (unsorted), each item's acquisition score, and (if asked for)
    each item's sentence embedding by input hash."""

    tasks: list[dict[str, Any]]
    scores: dict[int, float]
    vectors: dict[int, np.ndarray] = field(default_factory=dict)


def predict_batch(how: Predicting, items: Sequence[PoolItem]) -> Predicted:
    """Score and decode one batch of pool items into tasks (unsorted)."""
    nlp = how.nlp
    pipe = get_ner_pipe(nlp, "al_ner")
    needs_probs = bool(getattr(how.strategy, "needs_probs", True))
    sampling = sampling_of(how.strategy)
    scored = score_docs(nlp, [item.make_doc(nlp.vocab) for item in items], how.strategy,
                        sampling)
    probs, scores = scored.probs, scored.scores
    docs = scored.docs if needs_probs else run_components(
        upstream_components(nlp, "al_ner"), scored.docs)
    result = Predicted([], {})
    if how.embeddings:  # the vectors predict_proba left on the docs
        result.vectors = {item.input_hash: row for item, row
                          in zip(items, doc_embeddings(pipe, docs), strict=True)
                          if row is not None}
    if needs_probs and sampling.n_samples == 1 and sampling.dropout == 0:
        point = [p[0] for p in probs]
    else:
        point = [pipe.model.ops.to_numpy(p) for p in pipe.predict(docs)]
    for item, doc, dist, score in zip(items, docs, point, scores, strict=True):
        dist = np.asarray(dist)
        result.scores[item.input_hash] = float(score)
        spans = [TokenSpan(e.start, e.end, e.label_) for e in pipe.decode(doc, dist)
                 if e.label_ in how.labels]
        matches = how.matcher.match(item.tokens) if how.matcher is not None else []
        if how.mode == "teach":
            result.tasks.extend(_teach_tasks(how, pipe, item, dist, spans, float(score),
                                             matches))
        else:
            if how.min_confidence > 0:
                spans = [span for span in spans if span_confidence(
                    dist, pipe.tag_names, span, pipe.scheme) >= how.min_confidence]
            result.tasks.append(_correct_task(how, item, spans, float(score),
                                              [span for span, _ in matches]))
    return result


def rerank(tasks: list[dict[str, Any]], selector: Selector, window: int,
           vectors: dict[int, np.ndarray] | None = None) -> list[dict[str, Any]]:
    """``tasks`` best first through the round engine's selection seam: the selector's
    pick among the first ``window`` (0: none), then by ``_rank``; ``_rank`` is rewritten
    to keys that keep this order and still merge with other chunks' scores. ``vectors``:
    sentence embeddings by input hash, for a selector that uses them."""
    scores = np.asarray([float(task["_rank"]) for task in tasks], dtype=np.float64)
    if window > 0 and len(tasks):
        order = rank_candidates(scores, np.ones(len(tasks), np.int64), window, selector,
                                task_vectors(tasks, vectors))
    else:
        order = rank(scores)
    keys = ranking_keys(scores, order)
    ranked = []
    for i in order:
        tasks[i]["_rank"] = float(keys[i])
        ranked.append(tasks[i])
    return ranked


def task_vectors(tasks: list[dict[str, Any]], vectors: dict[int, np.ndarray] | None
                 ) -> np.ndarray | None:
    """One embedding row per task (zeros where none is known), or None without vectors."""
    if not vectors or not tasks:
        return None
    width = len(next(iter(vectors.values())))
    rows = np.zeros((len(tasks), width), dtype=np.float32)
    for i, task in enumerate(tasks):
        row = vectors.get(int(task["_input_hash"]))
        if row is not None:
            rows[i] = row
    return rows


def _meta(how: Predicting, score: float) -> dict[str, Any]:
    return {"score": round(score, 6), "strategy": how.strategy_name, "model_version": how.version}


def _correct_task(
    how: Predicting, item: PoolItem, spans: list[TokenSpan], score: float,
    matches: list[TokenSpan],
) -> dict[str, Any]:
    """Pre-annotated with the model's spans; pattern matches (``"source": "pattern"``)
    instead while the model is untrained (a new model before its first update: those
    sentences first), else where they overlap no predicted span."""
    task = task_stub(item, "ner_manual")
    extra = matches if how.untrained else non_overlapping(spans, matches)
    own = [] if how.untrained else spans
    task["spans"] = sorted(
        [token_span(item.tokens, s, e - 1, label) for s, e, label in own]
        + [token_span(item.tokens, s, e - 1, label, source="pattern") for s, e, label in extra],
        key=lambda span: span["token_start"])
    task["meta"].update(_meta(how, score))
    set_hashes(task, task_keys=())
    key = score if how.seconds is None else per_second(score, len(item.tokens), how.seconds)
    task["_rank"] = key + (PATTERN_BOOST if how.untrained and matches else 0.0)
    return task


def per_second(score: float, n_tokens: int, seconds: tuple[float, float]) -> float:
    """Informativeness per expected second: ``score * n / (a * n + c)`` for a sentence of
    ``n`` tokens, ``seconds = (a, c)`` (a linear cost model: seconds per token and per
    sentence). The built-in scores but ``least_confidence`` are per-token means, so
    ``score * n`` is the sentence's informativeness; a one-token line costs ``a + c``
    for one token's worth."""
    a, c = seconds
    return score * n_tokens / max(a * n_tokens + c, 1e-9)


def non_overlapping(spans: Sequence[TokenSpan], extra: Sequence[TokenSpan]) -> list[TokenSpan]:
    """The spans of ``extra`` that overlap none of ``spans``."""
    taken = {t for span in spans for t in range(span.start, span.end)}
    return [span for span in extra if not taken.intersection(range(span.start, span.end))]


def _teach_tasks(
    how: Predicting,
    pipe: Any,
    item: PoolItem,
    dist: np.ndarray,
    spans: list[TokenSpan],
    sentence_score: float,
    matches: Sequence[tuple[TokenSpan, str]] = (),
) -> list[dict[str, Any]]:
    """The model's candidates (the least certain ``MAX_SPANS_PER_SENTENCE``), then every
    pattern match that is no candidate already (``meta.pattern``: the pattern's id)."""
    tags = list(pipe.tag_names)
    candidates = spans + near_misses(dist, tags, spans, how.labels)
    model_tasks = _span_tasks(how, pipe, item, dist, candidates, sentence_score, {})
    model_tasks.sort(key=lambda t: -t["_rank"])
    known = set(candidates)
    found = {span: pattern for span, pattern in matches
             if span not in known and span.label in how.labels}
    return model_tasks[:MAX_SPANS_PER_SENTENCE] + _span_tasks(
        how, pipe, item, dist, list(found), sentence_score, found)


def _span_tasks(
    how: Predicting, pipe: Any, item: PoolItem, dist: np.ndarray,
    candidates: list[TokenSpan], sentence_score: float, patterns: dict[TokenSpan, str],
) -> list[dict[str, Any]]:
    tasks = []
    for span in candidates:
        confidence = span_confidence(dist, pipe.tag_names, span, pipe.scheme)
        uncertainty = 1.0 - abs(2.0 * confidence - 1.0)
        task = task_stub(item, "ner")
        task["spans"] = [token_span(item.tokens, span.start, span.end - 1, span.label,
                                    score=round(confidence, 6))]
        task["meta"].update(_meta(how, confidence))
        task["meta"].update(sentence_score=round(sentence_score, 6),
                            uncertainty=round(uncertainty, 6))
        if span in patterns:
            task["meta"]["pattern"] = patterns[span]
        set_hashes(task, task_keys=("spans",))
        task["_rank"] = uncertainty
        tasks.append(task)
    return tasks


def span_confidence(dist: np.ndarray, tags: Sequence[str], span: TokenSpan,
                    scheme: str) -> float:
    """Mean probability of the span's tags (in the tagger's ``scheme``) under the model."""
    index = {tag: i for i, tag in enumerate(tags)}
    wanted = span_tags(span, scheme)
    return float(np.mean([dist[span.start + k, index[tag]] for k, tag in enumerate(wanted)]))


def near_misses(
    dist: np.ndarray, tags: Sequence[str], spans: list[TokenSpan], labels: Sequence[str],
) -> list[TokenSpan]:
    """Runs of tokens outside the decoded spans with real entity mass, with their best label."""
    covered = {t for span in spans for t in range(span.start, span.end)}
    mass = 1.0 - dist[:, tags.index("O")] if len(dist) else np.zeros(0)
    runs: list[tuple[int, int]] = []
    for t, value in enumerate(mass):
        if t in covered or value < MIN_ENTITY_MASS:
            continue
        if runs and runs[-1][1] == t:
            runs[-1] = (runs[-1][0], t + 1)
        else:
            runs.append((t, t + 1))
    misses = []
    for start, end in runs:
        by_label = {label: float(sum(dist[start:end, i].sum() for i, tag in enumerate(tags)
                                     if tag.endswith(f"-{label}")))
                    for label in labels}
        misses.append(TokenSpan(start, end, max(by_label, key=by_label.__getitem__)))
    return misses
