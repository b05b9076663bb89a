"""``ner.manual``'s stream: the source on Arrow, served in file or seeded random order.

The source goes to the same Arrow pool cache as the model-in-the-loop recipes
(:func:`.pool_cache.open_or_start`; a source not cached yet starts on its first
:data:`~.components.HEAD_SENTENCES` sentences while the rest is written in a child
process, and the stream moves onto the whole pool once it is there). The stream holds no
task per sentence: it serves the pool's sentences in the order of
:meth:`~spacy_al.store.pool_items.ArrowItems.served_in` (pool order, or a permutation
drawn from ``--seed``), each task made as it is served (:func:`manual_task`). With
``--patterns`` the ranking holds just the matched sentences, pre-annotated and first.

A random order over a source still being written is a shuffle of its first sentences
until the whole pool is there, then a shuffle of the whole pool (what was answered is
not asked again).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..server.stream import PoolStream
from ..store.pool_items import ArrowItems, items_of
from ..tasks import PoolItem, set_hashes, task_stub
from .components import HEAD_SENTENCES
from .patterns import PatternMatcher, pattern_span_dicts
from .pool_cache import open_or_start

ORDERS = ("sequential", "random")
MATCH_BATCH = 1000


def check_order(order: str) -> str:
    if order not in ORDERS:
        raise ConfigError(f"Unknown order {order!r}.", fix=f"Use one of {', '.join(ORDERS)}.")
    return order


def manual_task(item: PoolItem, order: str,
                spans: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A ner.manual task for ``item``: pre-annotated with its own (source) spans, or
    ``spans``; the stream adds its text and tokens when it serves it."""
    task = task_stub(item, "ner_manual")
    task["spans"] = [dict(span) for span in (item.spans if spans is None else spans)]
    task["meta"] = {"order": order}
    return set_hashes(task, task_keys=())


def serving_order(items: ArrowItems, order: str, seed: int) -> ArrowItems:
    """``items`` iterating in file order, or in a permutation drawn from ``seed``."""
    if check_order(order) == "sequential":
        return items
    return items.served_in(np.random.default_rng(seed).permutation(len(items)))


def pattern_tasks(items: Mapping[int, PoolItem], order: str,
                  matcher: PatternMatcher) -> list[dict[str, Any]]:
    """The sentences without spans of their own that ``matcher`` matches, in the order
    ``items`` iterates, pre-annotated with the matches (``meta.pattern``)."""
    tasks = []
    for item in _in_batches(items):
        spans = [] if item.spans else pattern_span_dicts(item.tokens, matcher.spans(item.tokens))
        if spans:
            task = manual_task(item, order, spans)
            task["meta"]["pattern"] = True
            tasks.append(task)
    return tasks


def manual_stream(source: str, *, order: str, seed: int, matcher: PatternMatcher | None,
                  feed_overlap: bool, lang: str, loader: str,
                  pool_cache: str | None, **source_options: Any
                  ) -> tuple[PoolStream, Callable[[Any], None] | None]:
    """The stream of ``ner.manual`` over the Arrow pool of ``source``, and what stops the
    pool's writer when the session ends (None when the pool is whole already)."""
    check_order(order)
    items, writer = open_or_start(source, head=HEAD_SENTENCES, lang=lang, loader=loader,
                                  pool_cache=pool_cache, **source_options)
    stream = PoolStream(items, exclude_by="input", feed_overlap=feed_overlap,
                        unranked=functools.partial(manual_task, order=order))

    def rank(pool: ArrowItems) -> None:
        served = serving_order(pool, order, seed)
        stream.replace_items(served)
        stream.set_ranking([] if matcher is None else pattern_tasks(served, order, matcher),
                           truncated=True)  # the rest: unranked, in the serving order

    rank(items)  # the serving order and the pattern matches, now and once grown
    if writer is None:
        return stream, None
    writer.on_done(rank)
    return stream, lambda _controller: writer.close()


def _in_batches(items: Mapping[int, PoolItem]) -> Iterator[PoolItem]:
    """The items in iteration order, read :data:`MATCH_BATCH` at a time."""
    keys = iter(items)
    while batch := list(itertools.islice(keys, MATCH_BATCH)):
        yield from items_of(items, batch)
