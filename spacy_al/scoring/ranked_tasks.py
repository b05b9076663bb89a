"""Rank a scored pool and write its best entries as Prodigy-style tasks (JSONL).

A task is what any annotation tool imports (Prodigy, Label Studio, doccano, Argilla
all read JSONL): ``text``, ``tokens``, ``_input_hash``/``_task_hash`` (as
:mod:`spacy_al.tasks` computes them) and ``meta`` with the score, the strategy, the
model, the source line and the pool index, best first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..acquisition.selection import top_k
from ..acquisition.selectors import Selector
from ..errors import ConfigError
from ..loop.engine import costs
from ..store.arrow_pool import ArrowPool


def ranking(scores: np.ndarray, n_tokens: np.ndarray, top: int | None = None,
            selector: Selector | None = None, embeddings: np.ndarray | None = None
            ) -> np.ndarray:
    """Pool indices to write, best first: the ``top`` non-empty entries (all if None) by
    score, ties by pool index; or those ``selector`` picks with one sentence per slot."""
    if top is not None and top < 0:
        raise ConfigError(f"--top must be >= 0, got {top}.", fix="use e.g. --top 1000.")
    if selector is None:
        return top_k(scores, top, n_tokens)
    cost = costs(n_tokens, "sentences")
    budget = int(cost.sum()) if top is None else top
    return np.asarray(selector(scores, cost, budget, embeddings), dtype=np.int64)


def ranked_task(row: Mapping[str, Any], index: int, score: float,
                meta: Mapping[str, Any]) -> dict[str, Any]:
    """The task of a stored pool entry with its score in ``meta``."""
    info: dict[str, Any] = {"score": float(score), **meta, "pool_index": int(index)}
    if row.get("source"):
        info["source"] = row["source"]
    return {
        "text": row["text"],
        "tokens": [dict(token) for token in row["tokens"]],
        "meta": info,
        "_input_hash": int(row["_input_hash"]),
        "_task_hash": int(row["_task_hash"]),
    }


def write_tasks(path: str | Path, pool: ArrowPool, order: np.ndarray, scores: np.ndarray,
                meta: Mapping[str, Any]) -> int:
    """Write the tasks of ``order`` (pool indices, best first) to JSONL; how many."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    indices = [int(i) for i in order]
    with path.open("w", encoding="utf8") as out:
        for index, row in zip(indices, pool.rows(indices), strict=True):
            task = ranked_task(row, index, scores[index], meta)
            out.write(json.dumps(task, ensure_ascii=False) + "\n")  # scores to the last bit
    return len(indices)
