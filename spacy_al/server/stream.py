"""The question stream of a server: a ranked pool that several sessions read at once.

:class:`PoolStream` holds the pool (a dict, or an Arrow pool read on demand) and the
current *ranking*: the tasks to ask, best first, swapped in atomically by
:meth:`set_ranking`; sessions take batches with :meth:`next_batch`. A task handed to
a session is reserved for it until answered, for at most ``reservation_timeout``
seconds, and while the session stays among the ``max_sessions`` most recently active
ones; meanwhile no other session is served it. Answered tasks are excluded by input
hash (a sentence is annotated once) or by task hash (one question per span, ner.al-teach).

So with ``feed_overlap`` off a question is served to one session at a time, not
"never twice": once a reservation lapses (timeout, or the session was pushed out
by newer ones) the question may go to another session, and a client may answer a
task it was never served. Such a second answer is stored all the same (nothing is
lost): :meth:`PoolStream.answered_by` names the session that answered first, the
controller marks the later answer ``_answered_before_by``, ``db-stats`` counts them
and ``data-to-spacy`` keeps the first session's answer.

With ``annotations_per_task = N > 1`` (feed_overlap off) a question is reserved for up
to N sessions and done after N answers from distinct sessions (:mod:`.stream_quota`).

The reservations are :class:`~.reservations.Reservations`, asked through one
:class:`~.reservations.Take` per request. Bounds, so that no client drains the pool: a
session holds at most ``max_outstanding`` tasks (asking again returns those, not new
ones), at most ``max_sessions`` sessions hold reservations, and at most half the pool
is reserved (:meth:`PoolStream.reservation_cap`); a session asking for more releases
the reservations of the least recently active other sessions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import replace
from typing import Any

from ..tasks import PoolItem
from .answers import AnswerBook
from .reservations import Reservations, Take
from .stream_counts import StreamCounts
from .stream_quota import TaskQuota

EXCLUDE_BY = ("input", "task")


class PoolStream(StreamCounts):
    """A re-rankable stream of tasks over a fixed pool of sentences."""

    def __init__(
        self,
        items: Iterable[PoolItem] | Mapping[int, PoolItem],
        *,
        task_keys: Sequence[str] = (),
        exclude_by: str = "input",
        feed_overlap: bool = False,
        reservation_timeout: float = 600.0,
        max_outstanding: int = 20,
        max_sessions: int = 32,
        unranked: Callable[[PoolItem], dict[str, Any]] | None = None,
        annotations_per_task: int = 1,
    ) -> None:
        if exclude_by not in EXCLUDE_BY:
            raise ValueError(f"exclude_by must be one of {EXCLUDE_BY}, not {exclude_by!r}")
        self.items: Mapping[int, PoolItem] = (
            items if isinstance(items, Mapping) else {item.input_hash: item for item in items})
        """The pool by input hash: a dict, or an Arrow pool read on demand (ArrowItems)."""
        self.task_keys = tuple(task_keys)
        self.exclude_by = exclude_by
        self.feed_overlap = feed_overlap
        self.reservations = Reservations(timeout=reservation_timeout,
                                         max_outstanding=max_outstanding,
                                         max_sessions=max_sessions)
        """Who holds which question (:mod:`.reservations`)."""
        self.unranked = unranked
        self.answers = AnswerBook(TaskQuota(annotations_per_task, feed_overlap=feed_overlap),
                                  feed_overlap=feed_overlap)
        """Who answered what (:mod:`.answers`)."""
        """Makes a task for a pool item not ranked yet: served while the initial scoring
        runs, so that no session waits for it (None: serve ranked tasks only)."""
        self.version = 0
        self.complete = False
        """Whether the current ranking covers the whole pool (scoring is over)."""
        self.truncated = False
        """Whether the ranking holds only the best window of a scored pool."""
        self.ready = threading.Event()
        self._lock = threading.Lock()
        self._order: list[dict[str, Any]] = []
        self._known: dict[int, int] = {}
        self._first_open = 0

    def configure(self, *, annotations_per_task: Any, batch_size: int, max_sessions: int
                  ) -> None:
        """A recipe's settings, set once before serving (the controller passes its
        config): sessions per question (checked by :class:`TaskQuota`), room for two
        batches per session, the most sessions holding reservations."""
        quota = TaskQuota(annotations_per_task, feed_overlap=self.feed_overlap)
        with self._lock:
            self.answers.quota = quota
            held = self.reservations
            held.max_outstanding = max(held.max_outstanding, 2 * int(batch_size))
            held.max_sessions = max(1, int(max_sessions))

    @property
    def quota(self) -> TaskQuota:
        """Sessions per question (``annotations_per_task``)."""
        return self.answers.quota

    @property
    def annotations_per_task(self) -> int:
        return self.answers.quota.n

    def _scope(self, session_id: str | None) -> str | None:
        return self.answers.scope(session_id)

    # -- ranking ------------------------------------------------------------
    def set_ranking(
        self, tasks: Sequence[dict[str, Any]], *, complete: bool = True,
        version: int | None = None, truncated: bool = False,
    ) -> None:
        """Replace the ranking (tasks best first) in one atomic swap. ``truncated``: it
        holds only the best window of the pool (sentences outside it are served
        unranked once it runs dry)."""
        tasks = list(tasks)
        with self._lock:
            self._remember(tasks)
            self._order = tasks
            self._refresh_reserved(tasks)
            self._first_open = 0
            self.complete = complete
            self.truncated = truncated
            self.version = self.version + 1 if version is None else version
        self.ready.set()

    def _refresh_reserved(self, tasks: Sequence[dict[str, Any]]) -> None:
        """Reserved tasks take the new ranking's task of their sentence, so a question
        served again (a reloaded page) shows the current model's spans."""
        if self.reservations.count():
            self.reservations.refresh({self._key(task): task for task in tasks})

    def reserved_inputs(self) -> list[int]:
        """Input hashes of the tasks reserved and not answered yet (re-scored first)."""
        with self._lock:
            return [int(task["_input_hash"]) for task in self.reservations.tasks()]

    def replace_items(self, items: Mapping[int, PoolItem]) -> None:
        """Move onto a pool holding every sentence of this one and more (the whole pool,
        once written); rankings and answers stay valid."""
        with self._lock:
            self.items = items

    def add_items(self, items: Iterable[PoolItem]) -> None:
        """Add sentences to a pool held as a dict (a recipe's own stream; not Arrow)."""
        if not isinstance(self.items, MutableMapping):
            raise TypeError("this stream's pool is read-only (an Arrow pool)")
        with self._lock:
            self.items.update((item.input_hash, item) for item in items)

    def _remember(self, tasks: Iterable[Mapping[str, Any]]) -> None:
        """Task hashes ever ranked, so answers to older rankings still validate."""
        self._known.update((int(t["_task_hash"]), int(t["_input_hash"])) for t in tasks)

    # -- exclusion ----------------------------------------------------------
    def exclude(self, hashes: Iterable[int], session_id: str | None = None) -> None:
        """Mark hashes (of the ``exclude_by`` kind) as done: for everyone, or one session."""
        with self._lock:
            self.answers.exclude(hashes, self._scope(session_id))

    def mark_answered(self, answers: Iterable[Mapping[str, Any]], session_id: str) -> None:
        """Exclude answered tasks and release their reservations."""
        keys = [self._key(answer) for answer in answers]
        scope = self._scope(session_id)
        with self._lock:
            self.answers.answered(keys, session_id)
            for key in keys:
                self.reservations.answered(scope, key)

    def record_answered_by(self, sessions: Mapping[int, str]) -> None:
        """Who answered each key first (from the database, at start)."""
        with self._lock:
            self.answers.record_first(sessions)

    def record_answers(self, answers: Iterable[tuple[int, str]]) -> None:
        """Stored ``(key, session_id)`` answers (at start, annotations_per_task > 1)."""
        with self._lock:
            self.answers.record(answers)

    def answered_before(self, answer: Mapping[str, Any], session_id: str) -> str | None:
        """The first session to answer, when this answer of ``session_id`` is a later one
        (the controller marks it ``_answered_before_by``)."""
        with self._lock:
            return self.answers.first_before(self._key(answer), session_id)

    def answered_by(self, answer: Mapping[str, Any]) -> str | None:
        """The session that answered this task first (feed_overlap off), or None."""
        with self._lock:
            return self.answers.first(self._key(answer))

    # -- serving ------------------------------------------------------------
    def next_batch(self, session_id: str, n: int) -> list[dict[str, Any]]:
        """Up to ``n`` tasks for a session, reserved for it; copies, safe to send.

        A session holding ``max_outstanding`` unanswered tasks (a reloaded page, a
        client that never answers) gets those back, oldest first, instead of new ones;
        so does a session when nothing new is left.
        """
        if n <= 0:
            return []
        scope = self._scope(session_id)
        with self._lock:
            take = Take(session_id, scope, self.answers.done_sets(scope), n, time.monotonic())
            self.reservations.make_room(take, self.reservation_cap(), self.quota)
            self._skip_done_prefix(take.done[0])
            batch: list[dict[str, Any]] = []
            if not self.reservations.full(session_id):
                batch = self._take_open(take)
                if (len(batch) < n and (not self.complete or self.truncated)
                        and self.unranked is not None):
                    batch += self._take_unranked(replace(take, n=n - len(batch)))
            if not batch:
                batch = self.reservations.own(take, self.quota)
        return [self._serve(task, session_id) for task in batch]

    def reservation_cap(self) -> int:
        """The most tasks reserved at once: half the pool, at least two sessions' worth."""
        return max(2 * self.reservations.max_outstanding, len(self._order) // 2,
                   len(self.items) // 2)

    def release(self, session_id: str) -> int:
        """Release a session's reservations (its tasks may go to others); return how many."""
        with self._lock:
            return self.reservations.release(session_id, self._scope(session_id), self.quota)

    def _skip_done_prefix(self, done: set[int]) -> None:
        if self.feed_overlap:
            return
        order, i = self._order, self._first_open
        while i < len(order) and self._key(order[i]) in done:
            i += 1
        self._first_open = i

    def _available(self, take: Take, key: int) -> bool:
        """Not done, not held (by this session, or freshly by another in this scope),
        and room left under annotations_per_task."""
        return (not take.is_done(key) and self.reservations.free_for(take, key)
                and self.quota.room(key, take.session_id, take.now, self.reservations.timeout))

    def _take_open(self, take: Take) -> list[dict[str, Any]]:
        order = self._order
        start = 0 if self.feed_overlap else self._first_open
        return self._take((order[i] for i in range(start, len(order))), take)

    def _take_unranked(self, take: Take) -> list[dict[str, Any]]:
        unranked = self.unranked
        assert unranked is not None
        ranked = {int(task["_input_hash"]) for task in self._order}
        tasks = (unranked(self.items[h]) for h in self.items
                 if h not in ranked and not take.is_done(h))
        return self._take(tasks, take)

    def _take(self, tasks: Iterable[dict[str, Any]], take: Take) -> list[dict[str, Any]]:
        """Reserve up to ``take.n`` of ``tasks`` (in order) that this session may have."""
        batch: list[dict[str, Any]] = []
        seen: set[int] = set()
        for task in tasks:
            key = self._key(task)
            if key in seen or not self._available(take, key):
                continue
            self._known.setdefault(int(task["_task_hash"]), int(task["_input_hash"]))
            self.reservations.hold(take, key, task, self.quota)
            seen.add(key)
            batch.append(task)
            if len(batch) >= take.n:
                break
        return batch

    def _serve(self, task: dict[str, Any], session_id: str) -> dict[str, Any]:
        """The full task: the pool item's text, tokens and meta under the ranked fields."""
        served: dict[str, Any] = {}
        item = self.items.get(task["_input_hash"])
        if item is not None and "tokens" not in task:
            served = {"text": item.text, "tokens": item.tokens,
                      "meta": {**item.meta, **task.get("meta", {})}}
        served.update((k, v) for k, v in task.items() if k != "_rank" and k not in served)
        served["_session_id"] = session_id
        return served
