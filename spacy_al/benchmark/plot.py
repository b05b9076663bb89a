"""``learning_curve.png``: test F1 against labelled tokens, one line per strategy.

Mean over seeds as a line with markers, the min-max band over seeds shaded, and the
full-data F1 (mean over seeds) as a dashed horizontal line with its 99 % level dotted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from numpy.typing import ArrayLike  # noqa: E402

from ..registry import is_registered, names, resolve  # noqa: E402
from .curves import Curve  # noqa: E402
from .settings import BASELINE, PEER, base_strategy  # noqa: E402

PLOT_FILE = "learning_curve.png"
PALETTE = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink",
           "tab:olive", "tab:cyan", "tab:gray")
"""Colours of the registered strategies, by their place in the registry's sorted names."""
FIXED_COLORS = {BASELINE: "black", PEER: "tab:red"}


def color_of(name: str) -> str:
    """A strategy's colour: the same for a strategy in every plot, a third party's too
    (``<name>-diverse`` takes its strategy's colour; the dashed random baseline is black)."""
    base = base_strategy(name)
    if base in FIXED_COLORS:
        return FIXED_COLORS[base]
    registered = names("strategy")
    full = resolve("strategy", base) if is_registered("strategy", base) else base
    index = registered.index(full) if full in registered else len(registered)
    return PALETTE[index % len(PALETTE)]


def plot_learning_curves(
    curves: dict[str, Curve],
    full: Sequence[float],
    path: Path,
    *,
    title: str = "",
    pool_tokens: int | None = None,
) -> Path:
    """Draw the curves and save them to ``path``; return ``path``."""
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    for name, curve in curves.items():
        color = color_of(name)
        style = "--" if name == "random" else "-"
        seeds = int(curve.n_seeds.max()) if len(curve.n_seeds) else 0
        ax.plot(curve.tokens, curve.f1, style, marker="o", markersize=3, color=color,
                label=f"{name} ({seeds} seed{'s' if seeds != 1 else ''})")
        ax.fill_between(curve.tokens, curve.f1_min, curve.f1_max, color=color, alpha=0.15,
                        linewidth=0)
    if full:
        level = float(np.mean(full))
        plural = "s" if len(full) != 1 else ""
        ax.axhline(level, color="grey", linestyle="--", linewidth=1,
                   label=f"full data ({level:.3f}, {len(full)} seed{plural})")
        ax.axhline(0.99 * level, color="grey", linestyle=":", linewidth=1, label="99 % of full")
    ax.set_xlabel("labelled tokens" + (f" (pool: {pool_tokens:,})" if pool_tokens else ""))
    ax.set_ylabel("test F1 (seqeval, entity-level micro)")
    if pool_tokens:
        scale = 100.0 / pool_tokens

        def to_share(x: ArrayLike) -> ArrayLike:
            return np.asarray(x) * scale

        def to_tokens(p: ArrayLike) -> ArrayLike:
            return np.asarray(p) / scale

        secondary = ax.secondary_xaxis("top", functions=(to_share, to_tokens))
        secondary.set_xlabel("% of the pool's tokens")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
