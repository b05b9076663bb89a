"""``ner.manual``'s stream: the source on Arrow, served in file or seeded random order.

The source goes to the same Arrow pool cache as the model-in-the-loop recipes
(:func:`.pool_cache.open_or_start`; a source not cached yet starts on its first
:data:`~.components.HEAD_SENTENCES` sentences while the rest is written in a child
process, and the stream moves onto the whole pool once it is there). The stream holds no
task per sentence: it serves the pool's sentences in the order of
:meth:`~spacy_al.store.pool_items.ArrowItems.served_in` (pool order, or a permutation
drawn from ``--seed``), each task made as it is served (:func:`manual_task`). With
``--patterns`` the ranking holds just the matched sentences, pre-annotated and first:
:class:`PatternRanking` matches the first :data:`MATCH_BATCH` sentences before the
session starts and the rest in a background thread, growing the ranking as it goes (a
pool of millions is not matched whole before the first question); a sentence served
before the matcher reached it is still pre-annotated with its matches.

A random order over a source still being written is a shuffle of its first sentences
until the whole pool is there, then a shuffle of the whole pool (what was answered is
not asked again).
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
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
PUBLISH_EVERY = 20
"""Batches matched between two updates of the ranking (the ranking is copied each time)."""


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


def pattern_task(item: PoolItem, order: str, matcher: PatternMatcher) -> dict[str, Any] | None:
    """``item``'s task pre-annotated with the matches (``meta.pattern``); None when it has
    spans of its own or nothing matches."""
    spans = [] if item.spans else pattern_span_dicts(item.tokens, matcher.spans(item.tokens))
    if not spans:
        return None
    task = manual_task(item, order, spans)
    task["meta"]["pattern"] = True
    return task


def pattern_tasks(items: Mapping[int, PoolItem], order: str,
                  matcher: PatternMatcher) -> list[dict[str, Any]]:
    """The sentences without spans of their own that ``matcher`` matches, in the order
    ``items`` iterates, pre-annotated with the matches."""
    return _matched(itertools.chain.from_iterable(_batches(items)), order, matcher)


def _matched(items: Iterable[PoolItem], order: str, matcher: PatternMatcher
             ) -> list[dict[str, Any]]:
    """The :func:`pattern_task` of each of ``items`` that has one, in order."""
    found = (pattern_task(item, order, matcher) for item in items)
    return [task for task in found if task is not None]


class PatternRanking:
    """The pattern matches of a pool, found batch by batch and published to the stream's
    ranking as they are found (matches first, in the serving order); the matcher is
    shared with the serving thread (:meth:`unranked_task`) under a lock."""

    def __init__(self, stream: PoolStream, matcher: PatternMatcher, order: str) -> None:
        self.stream, self.matcher, self.order = stream, matcher, order
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def unranked_task(self, item: PoolItem) -> dict[str, Any]:
        """The task of a sentence served outside the ranking, with its matches."""
        with self._lock:
            task = pattern_task(item, self.order, self.matcher)
        return manual_task(item, self.order) if task is None else task

    def start(self, served: ArrowItems) -> None:
        """Match ``served`` from the start (a grown pool replaces the pass under way): the
        first batch now, the rest in the background."""
        self.close()
        self._stop = threading.Event()
        batches = _batches(served)
        found = self._match(next(batches, []))
        self.stream.set_ranking(list(found), truncated=True)
        self._thread = threading.Thread(target=self._run, args=(batches, found, self._stop),
                                        name="pattern-matcher", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the pass under way (waits for its current batch)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self, batches: Iterator[list[PoolItem]], found: list[dict[str, Any]],
             stop: threading.Event) -> None:
        for number, batch in enumerate(batches, start=1):
            if stop.is_set():
                return
            found += self._match(batch)
            if number % PUBLISH_EVERY == 0 and not stop.is_set():
                self.stream.set_ranking(list(found), truncated=True)
        if not stop.is_set():
            self.stream.set_ranking(found, truncated=True)

    def _match(self, batch: list[PoolItem]) -> list[dict[str, Any]]:
        with self._lock:
            return _matched(batch, self.order, self.matcher)


def manual_stream(source: str, *, order: str, seed: int, matcher: PatternMatcher | None,
                  feed_overlap: bool, lang: str, loader: str,
                  pool_cache: str | None, **source_options: Any
                  ) -> tuple[PoolStream, Callable[[Any], None] | None]:
    """The stream of ``ner.manual`` over the Arrow pool of ``source``, and what stops the
    pool's writer and the pattern matching when the session ends (None when the pool is
    whole already and there are no patterns)."""
    check_order(order)
    items, writer = open_or_start(source, head=HEAD_SENTENCES, lang=lang, loader=loader,
                                  pool_cache=pool_cache, **source_options)
    stream = PoolStream(items, exclude_by="input", feed_overlap=feed_overlap,
                        unranked=functools.partial(manual_task, order=order))
    matching = None if matcher is None else PatternRanking(stream, matcher, order)
    if matching is not None:
        stream.unranked = matching.unranked_task

    def rank(pool: ArrowItems) -> None:
        served = serving_order(pool, order, seed)
        stream.replace_items(served)
        if matching is None:
            stream.set_ranking([], truncated=True)  # all unranked, in the serving order
        else:
            matching.start(served)

    def on_exit(_controller: Any) -> None:
        if writer is not None:
            writer.close()
        if matching is not None:
            matching.close()

    rank(items)  # the serving order and the pattern matches, now and once grown
    if writer is not None:
        writer.on_done(rank)
    elif matching is None:
        return stream, None
    return stream, on_exit


def _batches(items: Mapping[int, PoolItem]) -> Iterator[list[PoolItem]]:
    """The items in iteration order, read :data:`MATCH_BATCH` at a time."""
    keys = iter(items)
    while batch := list(itertools.islice(keys, MATCH_BATCH)):
        yield items_of(items, batch)
