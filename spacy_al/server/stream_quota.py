"""How many sessions annotate each question: ``annotations_per_task`` of a :class:`PoolStream`.

With ``annotations_per_task = N > 1`` (``feed_overlap`` off) a question is reserved
for up to N sessions at once and is done once N distinct sessions answered it; a
session never gets a question it answered. :class:`TaskQuota` keeps, per key (input
or task hash), the sessions that answered it and the sessions holding a reservation
(with the time it was made), so that the stream can tell in O(N) whether a session
may take a question. With N = 1 it keeps nothing and allows everything (the
stream's own reservations decide, as before).
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError


class TaskQuota:
    """Distinct answering and holding sessions per question key."""

    def __init__(self, n: Any = 1, *, feed_overlap: bool = False) -> None:
        """The one check of ``annotations_per_task`` (:class:`ConfigError`): an integer
        >= 1, and above 1 only with ``feed_overlap`` off."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ConfigError(f"annotations_per_task must be an integer >= 1, not {n!r}.")
        if n > 1 and feed_overlap:
            raise ConfigError("annotations_per_task > 1 needs feed_overlap off.",
                              fix="With feed_overlap every session annotates every task.")
        self.n = n
        self._answers: dict[int, list[str]] = {}
        self._holders: dict[int, dict[str, float]] = {}

    @property
    def active(self) -> bool:
        """Whether more than one session annotates each question."""
        return self.n > 1

    def answered(self, key: int, session_id: str) -> bool:
        """Record an answer of ``session_id``; return whether ``key`` is now done (N answers)."""
        if not self.active:
            return True
        sessions = self._answers.setdefault(key, [])
        if session_id not in sessions:
            sessions.append(session_id)
        self.drop(key, session_id)
        return len(sessions) >= self.n

    def sessions(self, key: int) -> list[str]:
        """The sessions that answered ``key``, first first."""
        return list(self._answers.get(key, ()))

    def is_extra(self, key: int, session_id: str) -> bool:
        """Whether an answer of ``session_id`` comes after N other sessions answered ``key``."""
        sessions = self._answers.get(key, ())
        return session_id not in sessions and len(sessions) >= self.n

    def hold(self, key: int, session_id: str, now: float) -> None:
        if self.active:
            self._holders.setdefault(key, {})[session_id] = now

    def drop(self, key: int, session_id: str) -> None:
        holders = self._holders.get(key)
        if holders is not None:
            holders.pop(session_id, None)
            if not holders:
                del self._holders[key]

    def room(self, key: int, session_id: str, now: float, timeout: float) -> bool:
        """Whether ``session_id`` may take ``key``: it did not answer it, and fewer than N
        other sessions answered it or hold a live (not timed out) reservation of it."""
        if not self.active:
            return True
        answered = self._answers.get(key, ())
        if session_id in answered:
            return False
        live = sum(1 for other, since in self._holders.get(key, {}).items()
                   if other != session_id and other not in answered and now - since < timeout)
        return len(answered) + live < self.n
