"""Lookups and counts of a :class:`~spacy_al.server.stream.PoolStream` (read-only)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..tasks import PoolItem, task_hash_of
from .answers import AnswerBook


class StreamCounts:
    """Read-only queries of the pool: which item an answer is for, what is left."""

    items: Mapping[int, PoolItem]
    task_keys: tuple[str, ...]
    exclude_by: str
    feed_overlap: bool
    complete: bool
    truncated: bool
    unranked: Any
    answers: AnswerBook
    _lock: threading.Lock
    _order: list[dict[str, Any]]
    _known: dict[int, int]

    def _key(self, task: Mapping[str, Any]) -> int:
        field = "_input_hash" if self.exclude_by == "input" else "_task_hash"
        return int(task[field])

    # -- lookups and counts -------------------------------------------------
    def lookup(self, answer: Mapping[str, Any]) -> PoolItem | None:
        """The pool item an answer belongs to, if its hashes are ones this stream makes."""
        item = self.items.get(answer.get("_input_hash"))  # type: ignore[arg-type]
        if item is None:
            return None
        if self._known.get(answer.get("_task_hash")) == item.input_hash:  # type: ignore[arg-type]
            return item
        try:
            task_hash = task_hash_of(item.input_hash, answer, self.task_keys)
        except (TypeError, ValueError):  # spans that cannot be hashed: not a task of ours
            return None
        return item if task_hash == answer.get("_task_hash") else None

    def _open_keys(self, done: Sequence[set[int]]) -> set[int]:
        keys = {self._key(t) for t in self._order}
        for d in done:
            keys.difference_update(d)
        return keys

    def n_open(self, session_id: str | None = None) -> int:
        """Questions not answered yet (reserved ones included) that this session may
        still answer (or anyone may): of the current ranking, or of the whole pool where
        the stream serves the unranked sentences after it."""
        with self._lock:
            return self._n_open(self.answers.done_sets(self.answers.scope(session_id)))

    def _n_open(self, done: Sequence[set[int]]) -> int:
        if self.exclude_by == "input" and self.truncated and self.unranked is not None:
            answered = set().union(*done)  # input hashes, as the pool's keys
            return len(self.items) - sum(1 for h in answered if h in self.items)
        return len(self._open_keys(done))

    def unanswered_items(self) -> list[int] | np.ndarray:
        """Input hashes of the pool items nobody answered (for re-scoring), in pool
        order: an int64 array for an Arrow pool (millions stay megabytes), else a list."""
        with self._lock:
            everyone = self.exclude_by != "input" or self.feed_overlap
            done: set[int] = set() if everyone else self.answers.everyone
            hashes = getattr(self.items, "hashes", None)
            if isinstance(hashes, np.ndarray):
                if not done:
                    return hashes.copy()
                return hashes[~np.isin(hashes, np.fromiter(done, np.int64, len(done)))]
            return [h for h in self.items if h not in done]

    def answered_inputs(self) -> set[int]:
        """Input hashes of the pool items somebody answered (empty unless by input)."""
        with self._lock:
            if self.exclude_by != "input" or self.feed_overlap:
                return set()
            return {h for h in self.answers.everyone if h in self.items}

    def progress(self, session_id: str | None = None) -> float | None:
        """Share of the questions answered, or None while it is not known yet."""
        scope = session_id if self.feed_overlap else None
        with self._lock:
            done = self.answers.done_sets(scope)
            if self.exclude_by == "input":
                n_done = sum(1 for h in set().union(*done) if h in self.items)
                total = len(self.items)
            elif not self.complete:
                return None
            else:
                n_open = len(self._open_keys(done))
                n_done = len(self._known.keys() & set().union(*done))
                total = n_done + n_open
        return min(1.0, n_done / total) if total else 1.0
