"""Building blocks the built-in recipes share: labels, pools, and the model-in-the-loop setup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..corpora.dispatch import resolve_loader
from ..corpora.hf_datasets import hf_entity_labels
from ..errors import ConfigError, CorpusFormatError
from ..loop.engine import get_selector
from ..retraining.model_loop import ModelLoop
from ..retraining.service import NEW_MODELS, ModelSpec
from ..server.stream import PoolStream
from ..tasks import PoolItem, set_hashes, task_stub
from .patterns import PatternMatcher
from .pool_cache import open_or_start
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


def active_components(
    mode: str,
    *,
    dataset: str,
    spacy_model: str,
    source: str,
    labels: list[str] | None,
    strategy: str,
    update_every: int,
    output: str | None,
    lang: str,
    exclude: list[str] | None,
    feed_overlap: bool,
    batch_size: int,
    n_epochs: int,
    worker: str,
    limit: int | None,
    seed: int,
    selector: str,
    loader: str,
    source_options: dict[str, Any] | None,
    annotations_per_task: int,
    patterns: str | None,
    rerank_candidates: int,
    rerank_sample: int,
    pool_cache: str | None,
    ranking_window: int,
) -> dict[str, Any]:
    """The components of ``ner.al-correct`` (mode ``correct``) and ``ner.al-teach`` (``teach``);
    the recipes' signature (``recipes/ner_al.py``) holds the defaults of every argument.

    Loads the pool, starts the model worker (waits for the model, checks the labels)
    and starts scoring the pool in the background; the stream is ready as soon as
    its first chunk is scored. ``source_options``: the hf loader's ``split`` and columns;
    ``patterns``: a pattern file the worker matches (checked here first).
    The pool goes to Arrow (``pool_cache``, default next to the database) and is read
    memory-mapped; the server keeps the best ``ranking_window`` ranked sentences.
    """
    get_selector(selector)  # an unknown name fails here, before the pool is loaded
    if patterns is not None:
        PatternMatcher(patterns, lang)  # a bad line fails here, naming file and line
    if spacy_model in NEW_MODELS:
        labels = resolve_labels(labels, source, loader=loader, **(source_options or {}))
    items, writer = open_or_start(
        source, head=HEAD_SENTENCES, lang=lang, limit=limit, loader=loader,
        pool_cache=pool_cache,
        **{k: v for k, v in (source_options or {}).items() if v is not None})
    stream = PoolStream(items, task_keys=() if mode == "correct" else ("spans",),
                        exclude_by="input" if mode == "correct" else "task",
                        feed_overlap=feed_overlap,
                        unranked=unranked_task if mode == "correct" else None)
    spec = ModelSpec(model=spacy_model, labels=labels, strategy=strategy, mode=mode,
                     output=output or default_output(dataset), lang=lang, seed=seed,
                     n_epochs=n_epochs, selector=selector,
                     patterns=None if patterns is None else str(Path(patterns).resolve()),
                     matcher_factory=PatternMatcher, rerank_candidates=rerank_candidates,
                     rerank_sample=rerank_sample)
    loop = ModelLoop(stream, spec, update_every=update_every, worker=worker,
                     ranking_window=ranking_window)
    labels = loop.start()
    on_exit = loop.close
    if writer is not None:  # the session starts on the first sentences; the rest follows
        writer.on_done(loop.grow_pool)

        def on_exit(controller: Any) -> None:
            writer.close()
            loop.close(controller)
    view_id = "ner_manual" if mode == "correct" else "ner"
    return {
        "dataset": dataset,
        "view_id": view_id,
        "stream": stream,
        "update": loop.update,
        "load_answers": loop.seed,
        "stats": loop.stats,
        "on_exit": on_exit,
        "exclude": exclude or [],
        "config": {"labels": labels, "batch_size": batch_size, "strategy": strategy,
                   "selector": selector, "update_every": update_every,
                   "feed_overlap": feed_overlap,
                   "exclude_by": stream.exclude_by, "model": spacy_model,
                   "output": spec.output, "annotations_per_task": annotations_per_task,
                   "rerank_candidates": rerank_candidates, "rerank_sample": rerank_sample,
                   "pool_cache": str(items.folder), "ranking_window": ranking_window},
    }
