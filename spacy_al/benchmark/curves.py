"""Learning curves from ``results.jsonl`` rows, and the numbers the summary reports.

A strategy's curve has one point per round: the labelled share of the pool's
tokens (x) and the test F1 (y), averaged over the seeds that reached that round,
with their minimum and maximum. Between rounds, curves are read by linear
interpolation; nothing is extrapolated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .settings import FULL


@dataclass
class Curve:
    strategy: str
    rounds: np.ndarray
    share: np.ndarray
    """Mean labelled share of the pool's tokens (0-1) per round."""
    tokens: np.ndarray
    """Mean labelled tokens per round."""
    f1: np.ndarray
    f1_min: np.ndarray
    f1_max: np.ndarray
    n_seeds: np.ndarray
    per_seed: dict[int, tuple[np.ndarray, np.ndarray]]
    """seed -> (share, f1) of that seed's rounds."""


def share_of(row: dict[str, Any]) -> float:
    return float(row["labeled_tokens"]) / float(row["pool_tokens"])


def build_curves(rows: Iterable[dict[str, Any]]) -> dict[str, Curve]:
    """One :class:`Curve` per strategy (the full-data rows excluded), first-seen order."""
    grouped: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row["strategy"] != FULL:
            grouped[str(row["strategy"])][int(row["round"])].append(row)
    return {name: _curve(name, by_round) for name, by_round in grouped.items()}


def _curve(name: str, by_round: dict[int, list[dict[str, Any]]]) -> Curve:
    rounds = sorted(by_round)
    f1s = [np.array([r["f1"] for r in by_round[k]], dtype=np.float64) for k in rounds]
    per_seed: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for k in rounds:
        for r in by_round[k]:
            per_seed[int(r["seed"])].append((share_of(r), float(r["f1"])))
    return Curve(
        strategy=name,
        rounds=np.array(rounds),
        share=np.array([np.mean([share_of(r) for r in by_round[k]]) for k in rounds]),
        tokens=np.array([np.mean([r["labeled_tokens"] for r in by_round[k]]) for k in rounds]),
        f1=np.array([f.mean() for f in f1s]),
        f1_min=np.array([f.min() for f in f1s]),
        f1_max=np.array([f.max() for f in f1s]),
        n_seeds=np.array([len(f) for f in f1s]),
        per_seed={s: (np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
                  for s, pts in sorted(per_seed.items())},
    )


def of_seeds(rows: Iterable[dict[str, Any]], seeds: Iterable[int] | None
             ) -> list[dict[str, Any]]:
    """The full-data rows and the AL rows of ``seeds`` (all rows for None): a comparison
    on the seeds every strategy has finished still reads the reference over all its seeds."""
    if seeds is None:
        return list(rows)
    wanted = set(seeds)
    return [r for r in rows if r["strategy"] == FULL or int(r["seed"]) in wanted]


def split_unfinished(rows: Iterable[dict[str, Any]], tolerance: float = 0.005,
                     ) -> tuple[list[dict[str, Any]], dict[tuple[str, int], float]]:
    """The rows of finished runs, and ``(strategy, seed) -> labelled share`` of the runs still
    in progress: a run is finished when its last round reaches (within ``tolerance``) the
    furthest share any run has reached (every strategy runs to the same budget). The
    full-data rows are kept. A mean curve over finished runs only does not drop seeds
    round by round, and a strategy just started does not shrink the common range."""
    rows = list(rows)
    last: dict[tuple[str, int], float] = {}
    for row in rows:
        if row["strategy"] != FULL:
            key = (str(row["strategy"]), int(row["seed"]))
            last[key] = max(last.get(key, 0.0), share_of(row))
    furthest = max(last.values(), default=0.0)
    running = {key: share for key, share in last.items() if share < furthest - tolerance}
    kept = [r for r in rows if r["strategy"] == FULL
            or (str(r["strategy"]), int(r["seed"])) not in running]
    return kept, running


def full_f1(rows: Iterable[dict[str, Any]]) -> list[float]:
    """Test F1 of the full-data reference runs, one per seed."""
    return [float(r["f1"]) for r in rows if r["strategy"] == FULL]


def f1_at(share: np.ndarray, f1: np.ndarray, at: float, tolerance: float = 0.002) -> float | None:
    """F1 at ``at`` by linear interpolation; None outside the curve (within ``tolerance``,
    the nearest end point: a token budget is filled from below, so round 0 of a 2 % seed
    set holds slightly less than 2 %)."""
    if len(share) == 0 or at < share[0] - tolerance or at > share[-1] + tolerance:
        return None
    return float(np.interp(at, share, f1))


def share_to_reach(share: np.ndarray, f1: np.ndarray, target: float) -> float | None:
    """The first share of tokens at which the curve reaches ``target`` (interpolated)."""
    for i in range(len(share)):
        if f1[i] >= target:
            if i == 0:
                return float(share[0])
            x0, x1, y0, y1 = share[i - 1], share[i], f1[i - 1], f1[i]
            return float(x0 + (target - y0) * (x1 - x0) / (y1 - y0))
    return None


def normalised_area(share: np.ndarray, f1: np.ndarray, start: float, end: float) -> float | None:
    """Area under the curve between ``start`` and ``end`` divided by ``end - start``:
    the mean F1 over that range of labelled shares (None if the curve does not span it)."""
    if len(share) < 2 or end <= start or share[0] > start + 1e-9 or share[-1] < end - 1e-9:
        return None
    xs = np.concatenate([[start], share[(share > start) & (share < end)], [end]])
    ys = np.interp(xs, share, f1)
    return float(np.sum((xs[1:] - xs[:-1]) * (ys[1:] + ys[:-1]) / 2) / (end - start))


def common_range(curves: Sequence[Curve]) -> tuple[float, float]:
    """The shares every curve spans: (largest first point, smallest last point)."""
    if not curves:
        return (0.0, 0.0)
    return (max(float(c.share[0]) for c in curves), min(float(c.share[-1]) for c in curves))


@dataclass(frozen=True)
class Dip:
    """A fall in test F1 from one round to the next."""

    drop: float
    """F1 lost (positive), as a fraction (0.01 is one point)."""
    before: float
    """Labelled share of the round before the fall."""
    after: float
    """Labelled share of the round after it."""


def dips(share: np.ndarray, f1: np.ndarray) -> list[Dip]:
    """Every fall in F1 from one round to the next of one run, largest first."""
    falls = [Dip(float(f1[i] - f1[i + 1]), float(share[i]), float(share[i + 1]))
             for i in range(len(f1) - 1) if f1[i + 1] < f1[i]]
    return sorted(falls, key=lambda d: -d.drop)
