"""``summary.md``: per strategy, F1 at fixed shares of tokens, area under the curve, and
the share of tokens needed to reach 99 % of the full-data F1; plus the plot and the
settings. Rebuilt from ``results.jsonl`` after every run, so it is always current.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from .cells import number_cell, share_cell
from .curves import (
    Curve,
    build_curves,
    common_range,
    dips,
    f1_at,
    full_f1,
    normalised_area,
    share_to_reach,
    split_unfinished,
)
from .paired import paired_lines
from .plot import PLOT_FILE, plot_learning_curves
from .results import load_results
from .settings import BASELINE, SETTINGS_FILE
from .stopping import stopping_lines

SUMMARY_FILE = "summary.md"
SHARES = (0.02, 0.05, 0.10, 0.20)
TARGET = 0.99
DIP_POINTS = 0.5


def _pct(value: float | None) -> str:
    return share_cell(value, missing="not reached")


def strategy_row(curve: Curve, target: float | None, area_range: tuple[float, float],
                 baseline: float | None = None) -> str:
    """One table row: F1 at the fixed shares, AULC, share to reach the random baseline's
    last F1 and the share to reach the target."""
    cells = [f"`{curve.strategy}`", str(int(curve.n_seeds.max())),
             f"{100 * curve.share[-1]:.1f} %"]
    cells += [number_cell(f1_at(curve.share, curve.f1, s)) for s in SHARES]
    cells.append(number_cell(normalised_area(curve.share, curve.f1, *area_range)))
    if baseline is not None:
        cells.append(_pct(share_to_reach(curve.share, curve.f1, baseline)))
    if target is None:
        cells.append("(no full-data run)")
    else:
        reach = share_to_reach(curve.share, curve.f1, target)
        seeds = [share_to_reach(x, y, target) for x, y in curve.per_seed.values()]
        per_seed = ", ".join("–" if s is None else f"{100 * s:.1f}" for s in seeds)
        cells.append(f"{_pct(reach)} (per seed: {per_seed})")
    return "| " + " | ".join(cells) + " |"


def table_header(base_at: str | None) -> str:
    """The header and rule of the strategy table; the random-baseline column only where
    random has rows (so no column goes missing while it is unfinished)."""
    columns = ["strategy", "seeds", "labelled up to", "F1 @2 %", "F1 @5 %", "F1 @10 %",
               "F1 @20 %", "AULC"]
    if base_at is not None:
        columns.append(f"tokens to random's F1 at {base_at}")
    columns.append("tokens to 99 % of full F1")
    align = ["---"] + ["---:"] * (len(columns) - 2) + ["---"]
    return "| " + " | ".join(columns) + " |\n|" + "|".join(align) + "|"


def finished_curves(rows: Sequence[dict[str, Any]]
                    ) -> tuple[dict[str, Curve], dict[tuple[str, int], float]]:
    """The mean curves of the finished runs (what the tables and the plot read), and the
    runs still in progress (:func:`~.curves.split_unfinished`)."""
    finished, running = split_unfinished(rows)
    return build_curves(finished), running


def summary_markdown(rows: Sequence[dict[str, Any]], settings: dict[str, Any] | None,
                     finished: tuple[dict[str, Curve], dict[tuple[str, int], float]]
                     | None = None) -> str:
    """The summary of ``rows``; ``finished``: :func:`finished_curves` of them, if at hand."""
    curves, running = finished if finished is not None else finished_curves(rows)
    full = full_f1(rows)
    target = TARGET * float(np.mean(full)) if full else None
    area_range = common_range(list(curves.values()))
    baseline = curves.get(BASELINE)
    base_f1 = float(baseline.f1[-1]) if baseline is not None else None
    base_at = f"{100 * baseline.share[-1]:.0f} %" if baseline is not None else ""
    title = (settings or {}).get("corpus", "benchmark")
    lines = [f"# Active-learning benchmark: {title}", ""]
    if curves:
        lines += [f"![learning curve]({PLOT_FILE})", ""]
    if full:
        lines.append(f"Full-data reference F1: {np.mean(full):.4f} (seeds: "
                     f"{', '.join(f'{f:.4f}' for f in full)}); 99 % of it: {target:.4f}.")
    if curves:  # a full-data-only run (no strategies) has no curve to tabulate
        lines += [
            "", "Test F1 (seqeval, strict IOB2, entity-level micro), mean over the finished "
            "runs' seeds, read off the learning curve by linear interpolation at each share "
            f"of the pool's tokens. AULC: mean F1 over {100 * area_range[0]:.1f}–"
            f"{100 * area_range[1]:.1f} % of the tokens (the range every strategy covers). "
            "Last column: the first share of tokens at which the mean curve reaches "
            f"{int(100 * TARGET)} % of the full-data F1; the one before it, the share at "
            "which it reaches the random baseline's mean F1 at the baseline's last round.", "",
            table_header(base_at if baseline is not None else None),
        ]
        lines += [strategy_row(curve, target, area_range, base_f1) for curve in curves.values()]
        lines += dip_lines(build_curves(rows).values())
    peer = [r for r in rows if "peer_f1" in r]
    if peer:
        last = max(peer, key=lambda r: (r["round"], r["seed"]))
        lines += ["", f"`beam_uncertainty` selects with spaCy's `beam_ner`; its own test F1 "
                  f"(what a Prodigy `ner.teach` user trains) at round {last['round']} "
                  f"(seed {last['seed']}): {last['peer_f1']:.4f}; per round in "
                  "`results.jsonl` (`peer_f1`)."]
    lines += paired_lines(curves, BASELINE, target, running)
    lines += stopping_lines(rows)
    lines += _timing(rows)
    if settings:
        lines += ["", "Settings (`settings.json`):", "", "```json",
                  json.dumps(settings, indent=1), "```"]
    return "\n".join(lines) + "\n"


def dip_lines(curves: Iterable[Curve]) -> list[str]:
    """Per run, how often and how far test F1 falls from one round to the next: the
    smoothness of the training rule (a dip is noise a strategy's gain can hide in)."""
    lines = ["", "## Round-to-round dips", "",
             f"Falls in test F1 from one round to the next, per run (points; a fall of more "
             f"than {DIP_POINTS} point is counted apart).", "",
             f"| strategy | seed | rounds | falls | falls > {DIP_POINTS} | largest fall | where |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for curve in curves:
        for seed, (share, f1) in curve.per_seed.items():
            falls = dips(share, f1)
            big = sum(d.drop > DIP_POINTS / 100 for d in falls)
            worst = (f"{100 * falls[0].drop:.2f}", f"{100 * falls[0].before:.0f} → "
                     f"{100 * falls[0].after:.0f} %") if falls else ("–", "–")
            lines.append(f"| `{curve.strategy}` | {seed} | {len(f1)} | {len(falls)} | {big} "
                         f"| {worst[0]} | {worst[1]} |")
    return lines


def _timing(rows: Sequence[dict[str, Any]]) -> list[str]:
    train = sum(float(r.get("train_seconds", 0)) for r in rows)
    score = sum(float(r.get("score_seconds", 0)) for r in rows)
    evaluate = sum(float(r.get("eval_seconds", 0)) for r in rows)
    return ["", f"Time in rows so far: training {_hours(train)}, pool scoring {_hours(score)}, "
            f"test evaluation {_hours(evaluate)} ({len(rows)} rows)."]


def _hours(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    return f"{minutes // 60} h {minutes % 60:02d} min"


def write_report(output: Path) -> list[Path]:
    """Rebuild ``summary.md`` in ``output`` from its results, and ``learning_curve.png``
    once a run has finished (a full-data-only run has no curve, so no plot); the files
    written."""
    rows = load_results(output)
    if not rows:
        raise ConfigError(f"No results in {output} yet.", fix="run the benchmark first.")
    settings_path = output / SETTINGS_FILE
    settings = json.loads(settings_path.read_text("utf8")) if settings_path.is_file() else None
    finished = finished_curves(rows)
    written = []
    if finished[0]:
        title = f"{(settings or {}).get('corpus', '')} — {(settings or {}).get('architecture', '')}"
        written.append(plot_learning_curves(finished[0], full_f1(rows), output / PLOT_FILE,
                                            title=title, pool_tokens=int(rows[-1]["pool_tokens"])))
    summary = output / SUMMARY_FILE
    summary.write_text(summary_markdown(rows, settings, finished), encoding="utf8")
    return [*written, summary]
