"""Any spaCy pipeline as Prodigy uses one: its entities pre-annotate tasks.

``ner.correct`` with a pipeline that has an ``ner`` (and no ``al_ner``), ``ner.eval-ab``
(two models), ``print-stream`` and ``ner.silver-to-gold`` read entities through
:class:`PipelineAnnotator`; ``blank:LANG`` (Prodigy's name of a blank pipeline) is a
tokenizer that predicts nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ModelNotFoundError
from ..tasks import PoolItem, token_span, tokens_to_doc
from .session_settings import SessionSettings

BLANK = "blank:"
ENTITY_COMPONENTS = ("al_ner", "ner")


def load_pipeline(model: str) -> Any:
    """``blank:LANG`` or a pipeline folder (packages are not installed by name here)."""
    import spacy

    if model.startswith(BLANK):
        return spacy.blank(model[len(BLANK):] or "en")
    path = Path(model).expanduser()
    if not (path / "config.cfg").is_file():
        raise ModelNotFoundError(f"Model {model!r} is not a pipeline folder.",
                                 fix="Pass the folder of a saved spaCy pipeline (e.g. "
                                 "OUTPUT/model-best, or a package's folder), or blank:en.")
    return spacy.load(path)


def pipeline_components(model: str) -> list[str]:
    """The components of a pipeline folder from its config (nothing is loaded); [] for
    anything else (``default``, ``blank:en``, a missing path)."""
    from spacy.util import load_config

    config = Path(model).expanduser() / "config.cfg"
    if model.startswith(BLANK) or not config.is_file():
        return []
    return list(load_config(config, interpolate=False)["nlp"]["pipeline"])


def is_plain_ner_pipeline(model: str) -> bool:
    """A pipeline folder with spaCy's ``ner`` and no ``al_ner`` (no model in the loop)."""
    components = pipeline_components(model)
    return "ner" in components and "al_ner" not in components


class PipelineAnnotator:
    """The entities a pipeline predicts on a sentence's own tokens, as task spans."""

    def __init__(self, model: str, labels: Sequence[str] | None = None) -> None:
        self.model = model
        self.nlp = load_pipeline(model)
        self.component = next((n for n in ENTITY_COMPONENTS if n in self.nlp.pipe_names), None)
        self.labels = list(labels or self.model_labels)

    @property
    def model_labels(self) -> list[str]:
        """The labels the pipeline's entity recognizer predicts ([] for none)."""
        if self.component is None:
            return []
        recognizer: Any = self.nlp.get_pipe(self.component)
        return list(recognizer.labels)

    def spans(self, tokens: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The predicted entities with one of :attr:`labels`, as Prodigy spans."""
        doc = tokens_to_doc(self.nlp.vocab, tokens)
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        return [token_span(tokens, ent.start, ent.end - 1, ent.label_) for ent in doc.ents
                if not self.labels or ent.label_ in self.labels]

    def tasks(self, items: Iterable[PoolItem]) -> Iterable[dict[str, Any]]:
        """``{"text", "tokens", "spans"}`` of each item, its spans predicted."""
        for item in items:
            yield {"text": item.text, "tokens": [dict(t) for t in item.tokens],
                   "spans": self.spans(item.tokens), "_input_hash": item.input_hash}


def _predicted_task(item: PoolItem, annotator: PipelineAnnotator) -> dict[str, Any]:
    """ner.manual's task of ``item``, pre-annotated with the pipeline's entities (or the
    source's own spans, where it has some)."""
    from .manual_pool import manual_task

    task = manual_task(item, "sequential", None if item.spans else annotator.spans(item.tokens))
    task["meta"]["model"] = annotator.model
    return task


def pipeline_correct_components(settings: SessionSettings) -> dict[str, Any]:
    """Prodigy's ``ner.correct`` with any spaCy pipeline (``settings.spacy_model``): the
    sentences of the source in file order, each pre-annotated with the pipeline's entities
    when it is served; the labels are the pipeline's unless ``--label`` names others. No
    model in the loop."""
    from .manual_pool import manual_stream

    model = str(settings.spacy_model)
    annotator = PipelineAnnotator(model, settings.label)
    if not annotator.labels:
        raise ConfigError(f"The pipeline {model} predicts no entity labels.",
                          fix="Pass --label PER,ORG,LOC.")
    loader, options = settings.read_with()
    stream, on_exit = manual_stream(settings.source, order="sequential", seed=settings.seed,
                                    matcher=None, feed_overlap=settings.feed_overlap,
                                    lang=annotator.nlp.lang, loader=loader,
                                    pool_cache=settings.pool_cache, **options)
    stream.unranked = functools.partial(_predicted_task, annotator=annotator)
    components: dict[str, Any] = {
        "dataset": settings.dataset, "view_id": "ner_manual", "stream": stream,
        "exclude": settings.exclude or [],
        "config": {"labels": annotator.labels, "batch_size": settings.batch_size,
                   "model": model, "feed_overlap": settings.feed_overlap,
                   "exclude_by": "input",
                   "annotations_per_task": settings.annotations_per_task}}
    if on_exit is not None:
        components["on_exit"] = on_exit
    return components


def matched_tasks(items: Iterable[PoolItem], patterns: str, lang: str = "en"
                  ) -> Iterator[dict[str, Any]]:
    """The sentences of ``items`` a pattern file matches, as whole tasks with the matches
    as spans (``filter-by-patterns``)."""
    from .manual_pool import pattern_task
    from .patterns import PatternMatcher

    matcher = PatternMatcher(patterns, lang)
    for item in items:
        task = pattern_task(item, "sequential", matcher)
        if task is not None:
            yield {"text": item.text, "tokens": [dict(t) for t in item.tokens], **task}
