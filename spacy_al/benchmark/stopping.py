"""Stopping criteria in the benchmark: stop-set columns of every row, and where each
criterion would have stopped each run.

Every round's model tags a fixed *stop set* (``STOP_SET_SIZE`` pool sentences drawn
with seed 0, the same for every strategy and seed). The row gets ``stop_kappa``, Cohen's
kappa of its tags with the previous round's model's (None in round 0; a resumed run
stands the previous round's model again for it: rows written before that fix lack the
kappa of their first round after a resume, and a criterion reads over such a gap), and
``stop_uncertainty``, the stop set's mean uncertainty. The summary replays the registered
criteria over those columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from spacy.language import Language

from ..acquisition.stoppers import (
    OverallUncertainty,
    StabilizingPredictions,
    Stopper,
    cohen_kappa,
    flatten,
)
from ..loop.pool_state import Pool
from ..pipeline.pool_scoring import stop_set_tags
from ..registry import build
from .settings import BASELINE, FULL

STOP_SET_SIZE = 1000
CRITERIA: dict[str, tuple[str, dict[str, Any]]] = {
    f"stabilising predictions (kappa >= {StabilizingPredictions.threshold} "
    f"{StabilizingPredictions.window} rounds running)":
        ("spacy-al.StabilizingPredictions.v1", {}),
    f"overall uncertainty (stop-set mean < {OverallUncertainty.threshold})":
        ("spacy-al.OverallUncertainty.v1", {}),
}
"""The stopping criteria the report reads, each with its registered defaults."""


def stop_set(pool: Pool, size: int = STOP_SET_SIZE) -> np.ndarray:
    """The benchmark's fixed stop set: ``size`` pool indices drawn with seed 0, sorted."""
    rng = np.random.default_rng(0)
    return np.sort(rng.choice(len(pool), size=min(size, len(pool)), replace=False))


def stop_columns(nlp: Language, pool: Pool, previous: list[str] | None, batch_size: int
                 ) -> tuple[dict[str, Any], list[str]]:
    """The row's ``stop_kappa`` and ``stop_uncertainty``, and this model's flat tags."""
    tags, uncertainty = stop_set_tags(nlp, pool.docs(stop_set(pool), nlp.vocab),
                                      batch_size=batch_size)
    flat = flatten(tags)
    kappa = None if previous is None else round(cohen_kappa(previous, flat), 6)
    return {"stop_kappa": kappa,
            "stop_uncertainty": round(float(uncertainty.mean()), 6)}, flat


def stop_round(rows: Sequence[dict[str, Any]], stopper: Stopper) -> dict[str, Any] | None:
    """The first row (by round) at which ``stopper`` fires on the rows' stop columns."""
    for row in sorted(rows, key=lambda r: int(r["round"])):
        kappa = row.get("stop_kappa")
        if kappa is not None:
            stopper.kappas.append(float(kappa))
        fired = stopper.decide_on_tags()
        if row.get("stop_uncertainty") is not None:
            fired = stopper.update_uncertainty([float(row["stop_uncertainty"])]) or fired
        if fired:
            return row
    return None


def stopping_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The summary's stopping table: per strategy, seed and criterion, the round it would
    stop at, its tokens (share of what the run spends) and F1, and the run's best F1."""
    runs: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["strategy"] not in (FULL,) and "stop_kappa" in row:
            runs[(str(row["strategy"]), int(row["seed"]))].append(row)
    if not runs:
        return []
    lines = ["", "## Stopping criteria", "",
             f"Each round's model tags a fixed stop set of {STOP_SET_SIZE} pool sentences; "
             "`stop_kappa` in `results.jsonl` is Cohen's kappa of its tags with the previous "
             "round's model. Where each criterion would stop each run (tokens: share of the "
             "pool, and of the tokens the whole run spends):", "",
             "| strategy | seed | criterion | stops at round | tokens | F1 there | best F1 "
             "of the run | kappas |", "|---|---:|---|---:|---:|---:|---:|---|"]
    for (strategy, seed), run in sorted(runs.items(), key=lambda kv: (kv[0][0] == BASELINE,
                                                                       kv[0])):
        lines += [_stop_row(strategy, seed, run, label, *spec)
                  for label, spec in CRITERIA.items()]
    return lines


def _stop_row(strategy: str, seed: int, run: list[dict[str, Any]], label: str, name: str,
              options: dict[str, Any]) -> str:
    best = max(float(r["f1"]) for r in run)
    spent = max(int(r["labeled_tokens"]) for r in run)
    kappas = " ".join(f"{r['stop_kappa']:.3f}" for r in sorted(run, key=lambda r: r["round"])
                      if r.get("stop_kappa") is not None)
    row = stop_round(run, build("stopper", name, **options))
    if row is None:
        where = "not reached | – | –"
    else:
        tokens = int(row["labeled_tokens"])
        where = (f"{row['round']} | {100 * tokens / int(row['pool_tokens']):.1f} % "
                 f"({100 * tokens / spent:.0f} % of the run) | {float(row['f1']):.3f}")
    return f"| `{strategy}` | {seed} | {label} | {where} | {best:.3f} | {kappas or '–'} |"
