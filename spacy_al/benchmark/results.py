"""Append-only JSONL files of a benchmark: ``results.jsonl`` and ``selections.jsonl``.

Every row is written and fsynced as soon as it is known, so an interrupted run
loses at most the round in progress. A half-written last line (a crash in the
middle of a write) is cut off when the file is opened again.

``results.jsonl``: one row per (strategy, seed, round) with at least
:data:`RESULT_KEYS`; ``strategy = "full"`` rows are the full-data reference.
``selections.jsonl``: one row per (strategy, seed, round) with the pool indices
added in that round (``round 0``: the random seed set, shared by all strategies
of a seed), so a run can be audited and resumed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

RESULTS_FILE = "results.jsonl"
SELECTIONS_FILE = "selections.jsonl"
RESULT_KEYS = (
    "strategy", "seed", "round", "labeled_sentences", "labeled_tokens", "pool_tokens",
    "f1", "precision", "recall", "train_seconds", "score_seconds",
)


class JsonlLog:
    """An append-only JSONL file of dict rows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[dict[str, Any]] = read_rows(path) if path.is_file() else []

    def append(self, row: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.rows.append(row)

    def find(self, strategy: str, seed: int) -> dict[int, dict[str, Any]]:
        """Rows of one (strategy, seed) by round."""
        return {int(r["round"]): r for r in self.rows
                if r["strategy"] == strategy and int(r["seed"]) == seed}


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file; a truncated last line is removed from the file."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        with path.open("r+b") as handle:
            handle.truncate(len(data))
    return [json.loads(line) for line in data.decode("utf8").splitlines() if line.strip()]


def load_results(output: Path) -> list[dict[str, Any]]:
    path = output / RESULTS_FILE
    return read_rows(path) if path.is_file() else []

