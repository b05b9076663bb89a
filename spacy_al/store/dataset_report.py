"""Datasets as Prodigy's ``stats``, ``progress``, ``db-merge`` and ``print-dataset`` show them.

The CLI commands (``spacy-al stats`` / ``db-stats``, ``progress``, ``db-merge``,
``print-dataset``) print what these functions return.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..corpora import duplicates_note
from ..errors import ConfigError
from ..tasks import ANSWERS, set_hashes
from .database import Database
from .export import SECOND, read_datasets
from .pace import Pace, pace_by_session

INTERVALS = ("day", "week", "month", "quarter", "year")


@dataclass
class DatasetStats:
    """The answers of one dataset: per kind, per session, the sentences they cover."""

    name: str
    created: float | None
    answers: int
    kinds: dict[str, int]
    sessions: dict[str, int]
    sentences: int
    second_answers: int = 0
    second_sentences: int = 0
    paces: dict[str, Pace] = field(default_factory=dict)
    """Per session: seconds per answer and answers per hour (answers' _annotation_ms)."""
    duplicates_skipped: int = 0
    """Duplicate sentences ``db-in`` skipped (stored in its sessions' meta)."""

    def lines(self) -> list[str]:
        """Key-value lines, as Prodigy's ``stats DATASET`` prints them."""
        created = ("-" if self.created is None else
                   datetime.datetime.fromtimestamp(self.created).strftime("%Y-%m-%d %H:%M:%S"))
        kinds = ", ".join(f"{kind} {self.kinds.get(kind, 0)}" for kind in
                          (*ANSWERS, *sorted(set(self.kinds) - set(ANSWERS))))
        rows = [("Dataset", self.name), ("Created", created),
                ("Annotations", f"{self.answers} ({kinds})"), ("Sentences", str(self.sentences)),
                ("Sessions", str(len(self.sessions)))]
        lines = [f"{key:<14}{value}" for key, value in rows]
        lines += [f"  {session}: {count}{self.paces.get(session, Pace()).describe()}"
                  for session, count in sorted(self.sessions.items())]
        if self.duplicates_skipped:
            lines.append(f"{'Skipped':<14}{duplicates_note(self.duplicates_skipped)} on "
                         "import (db-in)")
        if self.second_answers:
            lines.append(f"Second answers: {self.second_answers} answer(s) to "
                         f"{self.second_sentences} sentence(s) another session had answered "
                         "first (feed_overlap off); data-to-spacy keeps the first")
        return lines


def dataset_stats(db: Database, name: str) -> DatasetStats:
    """The :class:`DatasetStats` of ``name`` (an error naming the datasets if it is absent)."""
    examples = read_datasets(db, [name])
    second = [eg for eg in examples if eg.get(SECOND)]
    sessions = Counter(str(eg.get("_session_id") or "-") for eg in examples)
    return DatasetStats(
        name=name, created=(db.get_meta(name) or {}).get("created"), answers=len(examples),
        kinds=dict(Counter(str(eg.get("answer")) for eg in examples)),
        sessions=dict(sessions),
        sentences=len({eg.get("_input_hash") for eg in examples}),
        second_answers=len(second),
        second_sentences=len({eg.get("_input_hash") for eg in second}),
        paces=pace_by_session(examples),
        duplicates_skipped=sum(int((db.get_meta(session) or {}).get("duplicates_skipped", 0))
                               for session in sessions))


@dataclass
class ProgressRow:
    """One interval of :func:`progress`: answers and new sentences in it, totals so far."""

    period: str
    new_answers: int
    new_sentences: int
    total_answers: int
    total_sentences: int


def period_of(timestamp: float, interval: str) -> str:
    """The label of the ``interval`` (day, week, month, quarter, year) holding ``timestamp``
    (local time)."""
    when = datetime.datetime.fromtimestamp(timestamp)
    year, week, _ = when.isocalendar()
    labels = {"day": when.strftime("%Y-%m-%d"), "week": f"{year}-W{week:02d}",
              "month": when.strftime("%Y-%m"), "year": str(when.year),
              "quarter": f"{when.year}-Q{(when.month + 2) // 3}"}
    if interval not in labels:
        raise ConfigError(f"Unknown interval {interval!r}.",
                          fix=f"Use --interval one of {', '.join(INTERVALS)}.")
    return labels[interval]


def progress(db: Database, names: Sequence[str], interval: str = "month") -> list[ProgressRow]:
    """Annotation progress of ``names`` over time: per ``interval``, the answers stored in
    it, the sentences first answered in it, and the running totals."""
    names = list(dict.fromkeys(names))
    read_datasets(db, names)  # an absent dataset: an error naming the ones there are
    period_of(0, interval)  # an unknown interval: an error before anything is read
    times = sorted(t for name in names for t in db.answer_times(name))
    rows: dict[str, ProgressRow] = {}
    seen: set[int] = set()
    for number, (created, input_hash) in enumerate(times, start=1):
        label = period_of(created, interval)
        row = rows.setdefault(label, ProgressRow(label, 0, 0, 0, 0))
        row.new_answers += 1
        if input_hash not in seen:
            seen.add(input_hash)
            row.new_sentences += 1
        row.total_answers, row.total_sentences = number, len(seen)
    return list(rows.values())


def check_inputs_and_output(in_sets: Sequence[str], output: str, kind: str, usage: str) -> None:
    """A command that reads ``in_sets`` and writes ``output`` (review, ner.silver-to-gold,
    db-merge): some inputs, and an output that is none of them."""
    if not in_sets:
        raise ConfigError(f"No {kind} datasets given.", fix=f"e.g. {usage}")
    if output in in_sets:
        raise ConfigError(f"The output dataset {output!r} is one of the {kind} datasets.",
                          fix="Write to a new dataset.")


def merge_datasets(db: Database, in_sets: Sequence[str], output: str, *,
                   rehash: bool = False, dry: bool = False) -> tuple[int, int]:
    """Copy the answers of ``in_sets`` into ``output`` (sessions and hashes kept, or the
    hashes recomputed with ``rehash``); return ``(read, new in output)``. ``dry``: count,
    store nothing."""
    check_inputs_and_output(in_sets, output, "merged", "spacy-al db-merge news_a,news_b news")
    examples = read_datasets(db, in_sets)
    if rehash:
        examples = [set_hashes(dict(eg), overwrite=True) for eg in examples]
    if dry or not examples:
        return len(examples), 0
    db.add_dataset(output, {"merged_from": list(in_sets)})
    return len(examples), db.add_examples(examples, [output])


def render_task(task: Mapping[str, Any]) -> str:
    """The text of a task with its entities marked ``[text LABEL]`` (overlaps: the first)."""
    text = str(task.get("text", ""))
    out, position = [], 0
    for span in sorted(_char_spans(task.get("spans") or []), key=lambda s: (s[0], -s[1])):
        start, end, label = span
        if start < position or end > len(text):
            continue
        out += [text[position:start], f"[{text[start:end]} {label}]"]
        position = end
    return "".join(out) + text[position:]


def _char_spans(spans: Iterable[Any]) -> list[tuple[int, int, str]]:
    return [(int(s["start"]), int(s["end"]), str(s.get("label", "")))
            for s in spans if isinstance(s, Mapping) and isinstance(s.get("start"), int)
            and isinstance(s.get("end"), int)]


def render_answer(task: Mapping[str, Any]) -> str:
    """One line of ``print-dataset``: the answer, the session, the marked text."""
    answer = str(task.get("answer") or "-")
    session = task.get("_session_id") or "-"
    return f"{answer:<7}{session}  {render_task(task)}"
