"""Building blocks the built-in recipes share: labels, pools, and the model-in-the-loop setup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..corpora.dispatch import resolve_loader
from ..corpora.hf_datasets import hf_entity_labels
from ..errors import ConfigError, CorpusFormatError
from ..registry import resolve
from ..retraining.model_loop import ModelLoop
from ..retraining.service import NEW_MODELS, ModelSpec
from ..server.stream import PoolStream
from ..tasks import PoolItem, set_hashes, task_stub
from .patterns import PatternMatcher
from .pool_cache import open_or_start
from .session_settings import LiveSettings
from .sources import sample_labels

HEAD_SENTENCES = 20_000
"""A source not cached yet: the session starts on this many sentences while the whole
pool is written in a child process."""


def resolve_labels(labels: list[str] | None, source: str, *, required: bool = True,
                   loader: str = "auto", split: str | None = None,
                   tags_column: str | None = None, tag_col: Any = None,
                   **_: Any) -> list[str]:
    """``--label`` as given, else the labels of a bundled sample, else those a Hugging Face
    dataset's ClassLabel tags name (``--loader hf``, or a dataset ``auto`` recognises),
    else an error."""
    found = labels or sample_labels(source)
    if not found and _is_hf(source, loader):
        column = tags_column or (None if tag_col is None else str(tag_col))
        found = hf_entity_labels(source, split=split, tags_column=column)
    if not found and required:
        raise ConfigError("No labels to annotate.", fix="Pass --label PER,ORG,LOC (comma-"
                          "separated, or a .txt file with one label per line).")
    return list(found or [])


def _is_hf(source: str, loader: str) -> bool:
    """Whether ``source`` is read as a Hugging Face dataset (a source that cannot be told
    is not: reading it says what is wrong with it)."""
    try:
        return resolve_loader(source, loader=loader) == "hf"
    except CorpusFormatError:
        return False


def unranked_task(item: PoolItem) -> dict[str, Any]:
    """An ner.al-correct task for a sentence the model has not scored yet."""
    task = task_stub(item, "ner_manual")
    task["spans"] = []
    task["meta"].update(score=None, strategy="unscored")
    return set_hashes(task, task_keys=())


def default_output(dataset: str) -> str:
    """Where a retrained model goes without ``--output``: ``./training/<dataset>``."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in dataset)
    return str((Path("training") / safe).resolve())


def active_components(settings: LiveSettings) -> dict[str, Any]:
    """The components of ``ner.al-correct`` and ``ner.al-teach`` (``settings.mode``
    ``correct`` or ``teach``).

    Loads the pool, starts the model worker (waits for the model, checks the labels)
    and starts scoring the pool in the background; the stream is ready as soon as
    its first chunk is scored. A pattern file is checked here first (a bad line fails
    naming file and line). The pool goes to Arrow (``pool_cache``, default next to the
    database) and is read memory-mapped; the server keeps the best ``ranking_window``
    ranked sentences.
    """
    s, correct = settings, settings.mode == "correct"
    resolve("selector", s.selector)  # an unknown name fails here, before the pool is loaded
    if s.patterns is not None:
        PatternMatcher(s.patterns, s.lang)
    labels = s.label
    loader, read_with = s.read_with()
    if s.spacy_model in NEW_MODELS:
        labels = resolve_labels(labels, s.source, loader=loader, **read_with)
    items, writer = open_or_start(
        s.source, head=HEAD_SENTENCES, lang=s.lang, limit=s.limit, loader=loader,
        pool_cache=s.pool_cache, **read_with)
    stream = PoolStream(items, task_keys=() if correct else ("spans",),
                        exclude_by="input" if correct else "task",
                        feed_overlap=s.feed_overlap, unranked=unranked_task if correct else None)
    spec = ModelSpec(model=s.spacy_model, labels=labels, strategy=s.strategy, mode=s.mode,
                     output=s.output or default_output(s.dataset), lang=s.lang, seed=s.seed,
                     n_epochs=s.n_epochs, selector=s.selector,
                     patterns=None if s.patterns is None else str(Path(s.patterns).resolve()),
                     matcher_factory=PatternMatcher, rerank_candidates=s.rerank_candidates,
                     rerank_sample=s.rerank_sample, rescore_seconds=s.rescore_seconds,
                     cost_aware=not s.score_only, min_confidence=s.min_confidence,
                     frozen_layers=s.frozen_layers,
                     training=s.training, int8_scoring=not s.fp32_scoring,
                     threads=s.worker_threads)
    loop = ModelLoop(stream, spec, update_every=s.update_every, worker=s.worker,
                     ranking_window=s.ranking_window)
    labels = loop.start()
    on_exit = loop.close
    if writer is not None:  # the session starts on the first sentences; the rest follows
        writer.on_done(loop.grow_pool)

        def on_exit(controller: Any) -> None:
            writer.close()
            loop.close(controller)
    return {
        "dataset": s.dataset,
        "view_id": "ner_manual" if correct else "ner",
        "stream": stream,
        "update": loop.update,
        "load_answers": loop.seed,
        "stats": loop.stats,
        "on_exit": on_exit,
        "exclude": s.exclude or [],
        "config": {"labels": labels, "batch_size": s.batch_size, "strategy": s.strategy,
                   "selector": s.selector, "update_every": s.update_every,
                   "feed_overlap": s.feed_overlap,
                   "exclude_by": stream.exclude_by, "model": s.spacy_model,
                   "output": spec.output, "annotations_per_task": s.annotations_per_task,
                   "rerank_candidates": s.rerank_candidates, "rerank_sample": s.rerank_sample,
                   "pool_cache": str(items.folder), "ranking_window": s.ranking_window},
    }
