"""``mark``: click through pre-prepared examples, with no model in the loop (Prodigy's mark)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spacy_al.corpora.options import SourceOptions, from_mapping
from spacy_al.errors import ConfigError
from spacy_al.recipe_runtime.decorator import settings_recipe
from spacy_al.recipe_runtime.manual_pool import manual_stream, manual_task
from spacy_al.recipe_runtime.recipe_args import arg, arg_group
from spacy_al.recipe_runtime.session_settings import SOURCE_HELP
from spacy_al.recipe_runtime.sources import source_recipe_args
from spacy_al.server.controller import DEFAULT_CONFIG
from spacy_al.tasks import PoolItem

VIEWS = ("ner", "ner_manual")
LABEL_SCAN = 10_000
"""Without --label, the labels are those of the spans of the first sentences."""


@dataclass(frozen=True)
class MarkSettings:
    """The arguments of ``mark`` (Prodigy's names)."""

    dataset: str = arg("mark", "Dataset to save the answers to", positional=True)
    source: str = arg("", SOURCE_HELP + "; JSONL tasks keep their spans", positional=True)
    view_id: str = arg("ner", "Annotation interface: ner (accept or reject each example "
                       "as shown) or ner_manual (edit its spans)", short="v")
    label: list[str] | None = arg(None, "Comma-separated labels (ner_manual: the labels to "
                                  "edit with)", short="l")
    exclude: list[str] | None = arg(None, "Comma-separated datasets whose examples are not "
                                    "shown again", short="e")
    lang: str = arg("en", "Language of the tokenizer for raw text")
    batch_size: int = arg(DEFAULT_CONFIG["batch_size"], "Tasks per request", short="b")
    pool_cache: str | None = arg(None, "Folder of the pool's Arrow cache")
    source_options: SourceOptions = arg_group(SourceOptions(), source_recipe_args(),
                                              from_mapping)


def mark_task(item: PoolItem, view_id: str) -> dict[str, Any]:
    """The example as the source gives it (its own spans), in ``view_id``."""
    task = manual_task(item, "sequential")
    task["_view_id"] = view_id
    return task


def span_labels(items: Mapping[int, PoolItem], limit: int = LABEL_SCAN) -> list[str]:
    """The labels of the spans the first ``limit`` sentences carry."""
    return sorted({str(span["label"]) for key in itertools.islice(iter(items), limit)
                   for span in items[key].spans if "label" in span})


@settings_recipe("mark", MarkSettings)
def mark(settings: MarkSettings) -> dict[str, Any]:
    """Click through pre-prepared examples, with no model in the loop.

    Each example of SOURCE is shown once, in file order, with the spans it carries
    (e.g. the output of filter-by-patterns, or another tool's JSONL): accept, reject or
    ignore it (--view-id ner, saved as binary answers), or fix its spans first
    (--view-id ner_manual with --label, saved as complete answers).
    """
    if settings.view_id not in VIEWS:
        raise ConfigError(f"Unknown view {settings.view_id!r}.",
                          fix=f"Use --view-id one of {', '.join(VIEWS)}.")
    if settings.view_id == "ner_manual" and not settings.label:
        raise ConfigError("mark --view-id ner_manual needs the labels to edit with.",
                          fix="Pass --label PER,ORG,LOC.")
    if not settings.source:
        raise ConfigError("mark needs a SOURCE.", fix="spacy-al annotate mark DATASET SOURCE")
    given = settings.source_options.given()
    stream, on_exit = manual_stream(settings.source, order="sequential", seed=0, matcher=None,
                                    feed_overlap=False, lang=settings.lang,
                                    pool_cache=settings.pool_cache, **given)
    stream.unranked = functools.partial(mark_task, view_id=settings.view_id)
    labels = settings.label or span_labels(stream.items)
    components: dict[str, Any] = {
        "dataset": settings.dataset, "view_id": settings.view_id, "stream": stream,
        "exclude": settings.exclude or [],
        "config": {"labels": labels, "batch_size": settings.batch_size,
                   "exclude_by": "input"}}
    if on_exit is not None:
        components["on_exit"] = on_exit
    return components
