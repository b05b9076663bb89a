"""What the live ranking holds, sentence by sentence, while a new model re-scores the pool.

After an update the worker re-scores a bounded candidate set first and the rest of
the pool in chunks. :class:`RankingBook` keeps the latest tasks of every sentence
and which sentences the current model has scored, so that the ranking swapped in
with the candidates still holds every other sentence: their older tasks follow
all freshly scored ones (``_rank`` lowered by ``STALE_OFFSET``), so no sentence
becomes unreachable while the rest is re-scored, and a newer update may abandon
that re-scoring at any chunk.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

STALE_OFFSET = 1e9
"""Subtracted from an older model's sort keys: below every fresh key, order kept."""


def _key(task: dict[str, Any]) -> float:
    return -float(task.get("_rank", 0.0))


class RankingBook:
    """Latest tasks by input hash, and the input hashes scored by the current model."""

    def __init__(self) -> None:
        self.tasks: dict[int, list[dict[str, Any]]] = {}
        self.fresh: set[int] = set()

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
        return tasks

    def new_model(self, tasks: Iterable[dict[str, Any]], hashes: Iterable[int] | None = None,
                  *, keep_rest: bool = True) -> list[dict[str, Any]]:
        """A new model's candidate tasks, then (``keep_rest``) the older tasks of every
        other sentence below them, in their order: the ranking to swap in at once."""
        self.fresh = set()
        if not keep_rest:
            return self.add(tasks, hashes)
        fresh = sorted(self.add(tasks, hashes), key=_key)
        stale = [dict(task, _rank=float(task.get("_rank", 0.0)) - STALE_OFFSET)
                 for h, group in self.tasks.items() if h not in self.fresh for task in group]
        return fresh + sorted(stale, key=_key)

    def fresh_ranking(self) -> list[dict[str, Any]]:
        """Only the current model's tasks, best first (once it has scored the whole pool)."""
        return sorted((t for h in self.fresh for t in self.tasks[h]), key=_key)

    def share(self, unanswered: Iterable[int]) -> float:
        """Share of the unanswered sentences the current model has scored (1.0: none left)."""
        left = list(unanswered)
        if not left:
            return 1.0
        return sum(h in self.fresh for h in left) / len(left)
