"""What the live ranking holds, sentence by sentence, while a new model re-scores the pool.

After an update the worker re-scores a bounded candidate set first and the rest of
the pool in chunks. :class:`RankingBook` keeps the latest tasks of every sentence
and which sentences the current model has scored, so that the ranking swapped in
with the candidates still holds every other sentence: their older tasks follow
all freshly scored ones (``_rank`` lowered by ``STALE_OFFSET``), so no sentence
becomes unreachable while the rest is re-scored, and a newer update may abandon
that re-scoring at any chunk.

With a ``capacity`` the book keeps the tasks of at most that many sentences, the
best ones (fresh before stale): a pool of a million sentences costs the window the
annotators can reach before the next update, not a task per sentence. The others
stay known as scored (``fresh``) and come back with the next re-scoring.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any

STALE_OFFSET = 1e9
"""Subtracted from an older model's sort keys: below every fresh key, order kept."""


def _key(task: dict[str, Any]) -> float:
    return -float(task.get("_rank", 0.0))


class RankingBook:
    """Latest tasks by input hash, and the input hashes scored by the current model."""

    def __init__(self, capacity: int | None = None) -> None:
        if capacity is not None and capacity < 1:
            raise ValueError(f"capacity must be at least 1 (or None), got {capacity}")
        self.capacity = capacity
        self.tasks: dict[int, list[dict[str, Any]]] = {}
        self.fresh: set[int] = set()
        self.dropped = 0
        """Sentences whose tasks were dropped for the capacity (they may come back)."""
        self.version = 0
        """The current model's version: tasks of a model two versions older are kept
        out of the ranking (their spans would be stale; the sentence is served unranked
        until it is re-scored)."""

    def add(self, tasks: Iterable[dict[str, Any]],
            hashes: Iterable[int] | None = None) -> list[dict[str, Any]]:
        """Record tasks of the current model (they replace older ones of their sentences);
        ``hashes``: the sentences scored, those without a task included."""
        tasks = list(tasks)
        new: dict[int, list[dict[str, Any]]] = {int(h): [] for h in hashes or ()}
        for task in tasks:
            new.setdefault(int(task["_input_hash"]), []).append(task)
        self.tasks.update(new)
        self.fresh.update(new)
        self._prune()
        return tasks

    def _prune(self) -> None:
        """Keep the tasks of the best ``capacity`` sentences (fresh ones first)."""
        if self.capacity is None or len(self.tasks) <= self.capacity:
            return

        def best(h: int) -> float:
            keys = [float(t.get("_rank", 0.0)) for t in self.tasks[h]]
            top = max(keys) if keys else float("-inf")
            return top if h in self.fresh else top - STALE_OFFSET

        keep = heapq.nlargest(self.capacity, self.tasks, key=best)
        self.dropped += len(self.tasks) - len(keep)
        self.tasks = {h: self.tasks[h] for h in keep}

    def ranking(self) -> list[dict[str, Any]]:
        """Every kept task best first: the fresh ones, then the older ones below them."""
        fresh = [t for h, group in self.tasks.items() if h in self.fresh for t in group]
        stale = [dict(t, _rank=float(t.get("_rank", 0.0)) - STALE_OFFSET)
                 for h, group in self.tasks.items() if h not in self.fresh for t in group
                 if t.get("meta", {}).get("model_version", self.version) >= self.version - 1]
        return sorted(fresh, key=_key) + sorted(stale, key=_key)

    def new_model(self, tasks: Iterable[dict[str, Any]], hashes: Iterable[int] | None = None,
                  *, keep_rest: bool = True, version: int | None = None
                  ) -> list[dict[str, Any]]:
        """A new model's candidate tasks, then (``keep_rest``) the older tasks of every
        other sentence below them, in their order (those of the previous model only):
        the ranking to swap in at once."""
        self.fresh = set()
        self.version = self.version + 1 if version is None else version
        if not keep_rest:
            self.add(tasks, hashes)
            return self.fresh_ranking()
        self.add(tasks, hashes)
        return self.ranking()

    def fresh_ranking(self) -> list[dict[str, Any]]:
        """Only the current model's tasks, best first (once it has scored the whole pool)."""
        return sorted((t for h in self.fresh for t in self.tasks.get(h, ())), key=_key)

    def share(self, pool_size: int, answered: set[int]) -> float:
        """Share of the unanswered sentences the current model has scored (1.0: none left);
        ``answered``: the input hashes answered (few), so this never walks the pool."""
        left = pool_size - len(answered)
        if left <= 0:
            return 1.0
        fresh = len(self.fresh) - sum(1 for h in answered if h in self.fresh)
        return min(1.0, fresh / left)
