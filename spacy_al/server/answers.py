"""Who answered what: the answers of a :class:`~.stream.PoolStream`.

:class:`AnswerBook` owns the keys (input or task hashes) that are done, for everyone
and, where sessions have their own (``feed_overlap``, or several sessions per question),
for each session; the first session to answer each key (feed_overlap off); and the
:class:`~.stream_quota.TaskQuota` of sessions per question. It is not locked itself: the
stream calls it under its own lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .stream_quota import TaskQuota


class AnswerBook:
    """Done keys, first answers and the quota of one stream."""

    def __init__(self, quota: TaskQuota, *, feed_overlap: bool) -> None:
        self.quota = quota
        self.feed_overlap = feed_overlap
        self._done: dict[str | None, set[int]] = {None: set()}
        self._first: dict[int, str] = {}

    def scope(self, session_id: str | None) -> str | None:
        """Whose reservations and exclusions: the session's (feed_overlap, or several
        sessions per question), else everyone's."""
        return session_id if self.feed_overlap or self.quota.active else None

    @property
    def everyone(self) -> set[int]:
        """Keys done for every session."""
        return self._done[None]

    def done_sets(self, scope: str | None) -> tuple[set[int], ...]:
        """The done keys that apply in ``scope``: everyone's, and the scope's own."""
        if scope is None:
            return (self._done[None],)
        return self._done[None], self._done.setdefault(scope, set())

    def exclude(self, keys: Iterable[int], scope: str | None) -> None:
        self._done.setdefault(scope, set()).update(keys)

    def answered(self, keys: Iterable[int], session_id: str) -> None:
        """``session_id`` answered ``keys``: done for it (for everyone once the quota is
        met), and it is their first session unless another answered before."""
        done = self._done.setdefault(self.scope(session_id), set())
        for key in keys:
            done.add(key)
            if self.quota.active and self.quota.answered(key, session_id):
                self._done[None].add(key)
            if not self.feed_overlap:
                self._first.setdefault(key, session_id)

    def record_first(self, sessions: Mapping[int, str]) -> None:
        """Who answered each key first (from the database, at start)."""
        for key, session_id in sessions.items():
            self._first.setdefault(key, session_id)

    def record(self, answers: Iterable[tuple[int, str]]) -> None:
        """Stored ``(key, session_id)`` answers (at start, annotations_per_task > 1): each
        session's own are done for it, and keys with N sessions for everyone."""
        for key, session_id in answers:
            self._done.setdefault(self.scope(session_id), set()).add(key)
            if self.quota.answered(key, session_id):
                self._done[None].add(key)

    def first(self, key: int) -> str | None:
        """The session that answered ``key`` first (feed_overlap off), or None."""
        return None if self.feed_overlap else self._first.get(key)

    def first_before(self, key: int, session_id: str) -> str | None:
        """The first session to answer, when an answer of ``session_id`` to ``key`` is a
        later one: another session answered first (N = 1), or N others did (N > 1)."""
        first = self.first(key)
        if first is None or first == session_id:
            return None
        return first if not self.quota.active or self.quota.is_extra(key, session_id) else None
