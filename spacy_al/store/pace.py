"""Annotation pace: seconds per answer and answers per hour, per session.

The web UI stores the active time each answer took in the answer, ``_annotation_ms``
(the clock runs while the page is visible and stops after a while without input:
``static/js/answer_clock.js``). ``db-stats`` and ``/progress`` report the pace through
:func:`pace_by_session` / :class:`Pace`, the one place that computes it. Answers
without a usable time (imported with ``db-in``, from an older UI, a value that is not a
number of milliseconds between 0 and a day) count as answers, not as timed ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ANNOTATION_MS = "_annotation_ms"
"""The answer's key for the active time it took, in milliseconds."""
MAX_ANNOTATION_MS = 24 * 3600 * 1000
"""Longer than a day is not a measurement (a broken client): the answer counts as untimed."""


def annotation_ms(example: Mapping[str, Any]) -> int | None:
    """The active time an answer took in whole ms, or None when it carries no usable one."""
    value = example.get(ANNOTATION_MS)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not 0 <= value <= MAX_ANNOTATION_MS:
        return None
    return round(value)


@dataclass
class Pace:
    """The answers of one session and their active times, by ``_task_hash``: a later
    answer to the same task replaces the earlier one, as in the database."""

    times: dict[Any, int | None] = field(default_factory=dict)

    def add(self, examples: Iterable[Mapping[str, Any]]) -> Pace:
        for example in examples:
            key = example.get("_task_hash", ("row", len(self.times)))
            self.times[key] = annotation_ms(example)
        return self

    @property
    def answers(self) -> int:
        return len(self.times)

    @property
    def timed(self) -> int:
        return sum(ms is not None for ms in self.times.values())

    @property
    def seconds(self) -> float:
        """The active seconds of the timed answers."""
        return sum(ms for ms in self.times.values() if ms is not None) / 1000

    @property
    def seconds_per_answer(self) -> float | None:
        return round(self.seconds / self.timed, 2) if self.timed else None

    @property
    def answers_per_hour(self) -> float | None:
        return round(3600 * self.timed / self.seconds, 1) if self.seconds > 0 else None

    def summary(self) -> dict[str, Any]:
        """``/progress``'s ``pace``: answers, timed, seconds_per_answer, answers_per_hour."""
        return {"answers": self.answers, "timed": self.timed,
                "seconds_per_answer": self.seconds_per_answer,
                "answers_per_hour": self.answers_per_hour}


    def describe(self) -> str:
        """", 11.8 s per answer, 305 answers an hour (active time, 20 timed)", or "" while
        no answer is timed (db-stats' session lines)."""
        if self.seconds_per_answer is None or self.answers_per_hour is None:
            return ""
        return (f", {self.seconds_per_answer:.1f} s per answer, {self.answers_per_hour:.0f} "
                f"answers an hour (active time, {self.timed} timed)")


def pace_by_session(examples: Iterable[Mapping[str, Any]]) -> dict[str, Pace]:
    """One :class:`Pace` per ``_session_id`` ("-" for answers without one), sorted by name."""
    sessions: dict[str, list[Mapping[str, Any]]] = {}
    for example in examples:
        sessions.setdefault(str(example.get("_session_id") or "-"), []).append(example)
    return {name: Pace().add(sessions[name]) for name in sorted(sessions)}
