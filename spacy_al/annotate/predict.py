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
from typing import Any, Protocol

import numpy as np

from .tasks import PoolItem, set_hashes, task_stub, token_span

MIN_ENTITY_MASS = 0.3
MAX_SPANS_PER_SENTENCE = 3


class _Service(Protocol):
    nlp: Any
    labels: list[str]
    strategy: Any
    version: int
    spec: Any


def predict_batch(service: _Service, items: Sequence[PoolItem]) -> list[dict[str, Any]]:
    """Score and decode one batch of pool items into tasks (unsorted)."""
    from ..acquisition.pool import (
        get_ner_pipe,
        predict_probs,
        run_components,
        sampling_of,
        upstream_components,
    )

    nlp = service.nlp
    pipe = get_ner_pipe(nlp, "al_ner")
    docs = run_components(upstream_components(nlp, "al_ner"),
                          [item.make_doc(nlp.vocab) for item in items])
    needs_probs = bool(getattr(service.strategy, "needs_probs", True))
    sampling = sampling_of(service.strategy)
    probs = predict_probs(pipe, docs, sampling, needs_probs=needs_probs)
    scores = np.asarray(service.strategy(probs), dtype=np.float64)
    if needs_probs and sampling.n_samples == 1 and sampling.dropout == 0:
        point = [p[0] for p in probs]
    else:
        point = [pipe.model.ops.to_numpy(p) for p in pipe.predict(docs)]
    tasks: list[dict[str, Any]] = []
    for item, doc, dist, score in zip(items, docs, point, scores, strict=True):
        dist = np.asarray(dist)
        spans = [(e.start, e.end - 1, e.label_) for e in pipe.decode(doc, dist)
                 if e.label_ in service.labels]
        if service.spec.mode == "teach":
            tasks.extend(_teach_tasks(service, pipe, item, dist, spans, float(score)))
        else:
            tasks.append(_correct_task(service, item, spans, float(score)))
    return tasks


def _meta(service: _Service, score: float) -> dict[str, Any]:
    name = getattr(service.strategy, "name", service.spec.strategy)
    return {"score": round(score, 6), "strategy": str(name), "model_version": service.version}


def _correct_task(
    service: _Service, item: PoolItem, spans: list[tuple[int, int, str]], score: float
) -> dict[str, Any]:
    task = task_stub(item, "ner_manual")
    task["spans"] = [token_span(item.tokens, s, e, label) for s, e, label in spans]
    task["meta"].update(_meta(service, score))
    set_hashes(task, task_keys=())
    task["_rank"] = score
    return task


def _teach_tasks(
    service: _Service,
    pipe: Any,
    item: PoolItem,
    dist: np.ndarray,
    spans: list[tuple[int, int, str]],
    sentence_score: float,
) -> list[dict[str, Any]]:
    tags = list(pipe.tag_names)
    candidates = spans + near_misses(dist, tags, spans, service.labels)
    tasks = []
    for start, end, label in candidates:
        confidence = span_confidence(dist, tags, start, end, label)
        uncertainty = 1.0 - abs(2.0 * confidence - 1.0)
        task = task_stub(item, "ner")
        task["spans"] = [token_span(item.tokens, start, end, label,
                                    score=round(confidence, 6))]
        task["meta"].update(_meta(service, confidence))
        task["meta"].update(sentence_score=round(sentence_score, 6),
                            uncertainty=round(uncertainty, 6))
        set_hashes(task, task_keys=("spans",))
        task["_rank"] = uncertainty
        tasks.append(task)
    tasks.sort(key=lambda t: -t["_rank"])
    return tasks[:MAX_SPANS_PER_SENTENCE]


def expected_tags(start: int, end: int, label: str, tags: Sequence[str]) -> list[str]:
    """The tag of each token of span ``start..end`` (inclusive) in the tagger's scheme."""
    biluo = f"U-{label}" in tags
    if biluo and start == end:
        return [f"U-{label}"]
    inner = [f"I-{label}"] * (end - start - 1)
    last = [f"L-{label}" if biluo else f"I-{label}"] if end > start else []
    return [f"B-{label}"] + inner + last


def span_confidence(dist: np.ndarray, tags: Sequence[str], start: int, end: int,
                    label: str) -> float:
    """Mean probability of the span's tags under the model."""
    index = {tag: i for i, tag in enumerate(tags)}
    wanted = expected_tags(start, end, label, tags)
    return float(np.mean([dist[start + k, index[tag]] for k, tag in enumerate(wanted)]))


def near_misses(
    dist: np.ndarray, tags: Sequence[str], spans: list[tuple[int, int, str]],
    labels: Sequence[str],
) -> list[tuple[int, int, str]]:
    """Runs of tokens outside the decoded spans with real entity mass, with their best label."""
    covered = {t for s, e, _ in spans for t in range(s, e + 1)}
    mass = 1.0 - dist[:, tags.index("O")] if len(dist) else np.zeros(0)
    runs: list[tuple[int, int]] = []
    for t, value in enumerate(mass):
        if t in covered or value < MIN_ENTITY_MASS:
            continue
        if runs and runs[-1][1] == t - 1:
            runs[-1] = (runs[-1][0], t)
        else:
            runs.append((t, t))
    misses = []
    for start, end in runs:
        by_label = {label: float(sum(dist[start:end + 1, i].sum() for i, tag in enumerate(tags)
                                     if tag.endswith(f"-{label}")))
                    for label in labels}
        misses.append((start, end, max(by_label, key=by_label.__getitem__)))
    return misses
