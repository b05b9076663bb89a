"""The summary's seed-by-seed comparison of each strategy with the random baseline.

A strategy and random that share a seed start from the same random seed set, so their
difference on that seed is free of the seed set's luck; and the means over the seeds both
have finished compare like with like (the summary's main table averages the finished runs
each strategy has, which can be different seeds while a benchmark is still running).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .cells import number_cell, share_cell
from .curves import Curve, normalised_area, share_to_reach


@dataclass(frozen=True)
class Pair:
    """One seed of a strategy beside the same seed of random."""

    strategy: str
    seed: int
    f1: float
    """The strategy's test F1 at its last round."""
    random_f1: float
    area: float | None
    random_area: float | None
    """Mean F1 over the range both runs cover."""
    to_random_end: float | None
    """Share of tokens the strategy needs to reach random's F1 at random's last round."""
    random_end: float
    """The share of random's last round."""
    to_target: float | None
    random_to_target: float | None

    @property
    def saving(self) -> float | None:
        """How many times the tokens random needs for its last F1."""
        return None if not self.to_random_end else self.random_end / self.to_random_end


def pairs(curve: Curve, baseline: Curve, target: float | None) -> list[Pair]:
    """The seeds ``curve`` and ``baseline`` both have, one :class:`Pair` each."""
    found = []
    for seed in sorted(set(curve.per_seed) & set(baseline.per_seed)):
        (share, f1), (r_share, r_f1) = curve.per_seed[seed], baseline.per_seed[seed]
        start, end = max(share[0], r_share[0]), min(share[-1], r_share[-1])
        found.append(Pair(
            strategy=curve.strategy, seed=seed, f1=float(f1[-1]), random_f1=float(r_f1[-1]),
            area=normalised_area(share, f1, start, end),
            random_area=normalised_area(r_share, r_f1, start, end),
            to_random_end=share_to_reach(share, f1, float(r_f1[-1])),
            random_end=float(r_share[-1]),
            to_target=None if target is None else share_to_reach(share, f1, target),
            random_to_target=None if target is None else share_to_reach(r_share, r_f1, target)))
    return found


def _mean(values: Iterable[float | None]) -> float | None:
    """The mean where every seed has a value, else None (a mean over some seeds misleads)."""
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return float(np.mean([v for v in values if v is not None]))


def _cells(p: list[Pair]) -> list[str]:
    def both(strategy: Iterable[float | None], random: Iterable[float | None],
             cell: Callable[[float | None], str] = number_cell) -> str:
        return f"{cell(_mean(strategy))} / {cell(_mean(random))}"

    return [both((x.f1 for x in p), (x.random_f1 for x in p)),
            both((x.area for x in p), (x.random_area for x in p)),
            share_cell(_mean(x.to_random_end for x in p)),
            number_cell(_mean(x.saving for x in p), 2),
            both((x.to_target for x in p), (x.random_to_target for x in p), share_cell)]


def paired_lines(curves: dict[str, Curve], baseline_name: str, target: float | None,
                 running: dict[tuple[str, int], float]) -> list[str]:
    """The section: a row per strategy and shared seed, a mean row per strategy, and the
    runs still in progress (left out of every table)."""
    baseline = curves.get(baseline_name)
    others = [c for name, c in curves.items() if name != baseline_name]
    lines: list[str] = []
    if baseline is not None and others:
        lines += ["", "## Against random, seed by seed", "",
                  "Each strategy beside random on the seeds both have finished (the same seed "
                  "set): F1 at the last round and AULC (strategy / random), the tokens the "
                  "strategy needs to reach random's F1 at random's last round, how many times "
                  "that random needs (its last share / the strategy's), and the tokens to 99 % "
                  "of full-data F1 (strategy / random). Mean rows: over those seeds; a dash "
                  "where a seed does not reach it.", "",
                  "| strategy | seed | F1 at end | AULC | tokens to random's end F1 "
                  "| random needs × | tokens to 99 % |", "|---|---|---:|---:|---:|---:|---:|"]
        for curve in others:
            found = pairs(curve, baseline, target)
            lines += [f"| `{p.strategy}` | {p.seed} | " + " | ".join(_cells([p])) + " |"
                      for p in found]
            if len(found) > 1:
                lines.append(f"| `{curve.strategy}` | **mean of {len(found)}** | "
                             + " | ".join(_cells(found)) + " |")
    if running:
        lines += ["", "Runs in progress, left out of the tables above and the plot: " + ", ".join(
            f"`{name}` seed {seed} (at {100 * share:.0f} %)"
            for (name, seed), share in sorted(running.items())) + "."]
    return lines
