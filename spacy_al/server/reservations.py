"""Who holds which question: the reservations of a :class:`~.stream.PoolStream`.

A task handed to a session is reserved for it until answered, for at most ``timeout``
seconds, and while the session stays among the ``max_sessions`` most recently active
ones; a session holds at most ``max_outstanding`` tasks. :class:`Reservations` owns that
state (who holds what since when, each session's tasks oldest first, when each session
was last seen); the stream asks it through one :class:`Take` per request. It is not
locked itself: the stream calls it under its own lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .stream_quota import TaskQuota


@dataclass(frozen=True)
class Take:
    """One request for questions: who asks, in which scope (their own with feed_overlap
    or several sessions per question, else everyone's), what is done for them, how many
    they want, and when."""

    session_id: str
    scope: str | None
    done: tuple[set[int], ...]
    n: int
    now: float

    def is_done(self, key: int) -> bool:
        return any(key in done for done in self.done)


class Reservations:
    """The reservations of one stream, bounded per session, in sessions and in total."""

    def __init__(self, *, timeout: float, max_outstanding: int, max_sessions: int) -> None:
        self.timeout = timeout
        self.max_outstanding = max_outstanding
        self.max_sessions = max_sessions
        self._held: dict[tuple[str | None, int], tuple[str, float]] = {}
        self._tasks: dict[str, dict[int, dict[str, Any]]] = {}
        self._last_seen: dict[str, float] = {}

    def count(self, session_id: str | None = None) -> int:
        """Tasks held by ``session_id``, or by all sessions."""
        if session_id is not None:
            return len(self._tasks.get(session_id, ()))
        return sum(len(mine) for mine in self._tasks.values())

    def holders(self) -> set[str]:
        return {session for session, mine in self._tasks.items() if mine}

    def full(self, session_id: str) -> bool:
        return self.count(session_id) >= self.max_outstanding

    def make_room(self, take: Take, cap: int, quota: TaskQuota) -> None:
        """Bound the reservations before ``take``: at most ``max_sessions`` sessions and
        ``cap`` tasks held; the least recently active sessions give way."""
        self._last_seen.pop(take.session_id, None)
        self._last_seen[take.session_id] = take.now  # most recent last
        mine = self.count(take.session_id)
        if mine >= self.max_outstanding:
            return  # gets its own tasks back: nothing new is reserved
        holders = [s for s in self._last_seen if s != take.session_id and self._tasks.get(s)]
        total = self.count()
        while holders and (len(holders) + (mine == 0) > self.max_sessions
                           or total + take.n > cap):
            other = holders.pop(0)
            total -= self.release(other, take.scope if take.scope is None else other, quota)
        if len(self._last_seen) > 4 * self.max_sessions:
            for other in [s for s in self._last_seen if not self._tasks.get(s)]:
                self._last_seen.pop(other, None)

    def release(self, session_id: str, scope: str | None, quota: TaskQuota) -> int:
        """Release a session's reservations (its tasks may go to others); return how many."""
        mine = self._tasks.pop(session_id, {})
        for key in mine:
            quota.drop(key, session_id)
            held = self._held.get((scope, key))
            if held is not None and held[0] == session_id:
                del self._held[(scope, key)]
        return len(mine)

    def free_for(self, take: Take, key: int) -> bool:
        """Not held by this session, nor freshly (within ``timeout``) by another."""
        held = self._held.get((take.scope, key))
        return held is None or (held[0] != take.session_id
                                and take.now - held[1] >= self.timeout)

    def hold(self, take: Take, key: int, task: dict[str, Any], quota: TaskQuota) -> None:
        """Reserve ``task`` for the session of ``take`` (taking it from a lapsed holder)."""
        held = self._held.get((take.scope, key))
        if held is not None and held[0] != take.session_id:
            self._tasks.get(held[0], {}).pop(key, None)
        self._held[(take.scope, key)] = (take.session_id, take.now)
        quota.hold(key, take.session_id, take.now)
        mine = self._tasks.setdefault(take.session_id, {})
        mine.pop(key, None)
        mine[key] = task  # (re)inserted last: the oldest reservations stay first

    def own(self, take: Take, quota: TaskQuota) -> list[dict[str, Any]]:
        """Up to ``take.n`` of the session's unanswered tasks, oldest first, held again
        (a reloaded page gets them back); answered ones are dropped."""
        mine = self._tasks.get(take.session_id, {})
        batch = []
        for key, task in list(mine.items()):
            if take.is_done(key):
                mine.pop(key, None)
                continue
            batch.append((key, task))
            if len(batch) >= take.n:
                break
        for key, task in batch:
            self.hold(take, key, task, quota)
        return [task for _, task in batch]

    def answered(self, scope: str | None, key: int) -> None:
        """An answer to ``key`` in ``scope`` ends its reservation."""
        held = self._held.pop((scope, key), None)
        if held is not None:
            self._tasks.get(held[0], {}).pop(key, None)

    def refresh(self, latest: Mapping[int, dict[str, Any]]) -> None:
        """Held tasks take the newest task of their key (a new ranking's spans)."""
        for mine in self._tasks.values():
            mine.update((key, latest[key]) for key in list(mine) if key in latest)

    def tasks(self) -> Iterable[dict[str, Any]]:
        """Every held task."""
        return [task for mine in self._tasks.values() for task in mine.values()]
