"""tok2vec and the embedded transformer side by side: one corpus's learning curves.

Reads ``docs/benchmarks/<corpus>-tok2vec/results.jsonl`` and
``docs/benchmarks/<corpus>-transformer/results.jsonl`` and draws both backends' curves
(mean over the seeds each has; the full-data F1 dashed where there is one) in two panels
with one y axis, and prints and writes a table of F1 at fixed shares, AULC over the
range every curve covers, and the share of tokens at which each curve reaches the random
baseline's F1 at its last round (of the same backend)::

    python benchmarks/compare_backends.py conll2003
    # -> docs/benchmarks/conll2003_backends.png, docs/benchmarks/conll2003_backends.json

``--seeds 0`` keeps only those seeds' AL rows (every full-data row stays), so that a
backend whose seeds are still running is compared on the seeds it has finished; runs
still in progress are left out (as in each folder's ``summary.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from spacy_al.benchmark.cells import number_cell, share_cell  # noqa: E402
from spacy_al.benchmark.curves import (  # noqa: E402
    Curve,
    build_curves,
    common_range,
    f1_at,
    full_f1,
    normalised_area,
    of_seeds,
    share_to_reach,
    split_unfinished,
)
from spacy_al.benchmark.plot import color_of  # noqa: E402
from spacy_al.benchmark.results import read_rows  # noqa: E402

STRATEGIES = ("random", "mnlp", "token_entropy", "bald")
SHARES = (0.05, 0.10, 0.20, 0.30)
BACKENDS = {"tok2vec": "-tok2vec", "transformer": "-transformer"}


def backend_rows(corpus: str) -> dict[str, list[dict[str, Any]]]:
    folder = REPO / "docs" / "benchmarks"
    return {name: read_rows(folder / f"{corpus}{suffix}" / "results.jsonl")
            for name, suffix in BACKENDS.items()}


def table(curves: dict[str, dict[str, Curve]], full: dict[str, list[float]]
          ) -> list[dict[str, Any]]:
    every = [c for by in curves.values() for c in by.values()]
    start, end = common_range(every)
    rows = []
    for backend, by in curves.items():
        base = by.get("random")
        target = float(base.f1[-1]) if base is not None else None
        for name, c in by.items():
            rows.append({
                "backend": backend, "strategy": name, "seeds": int(c.n_seeds.max()),
                "labelled_up_to": round(float(c.share[-1]), 4),
                **{f"f1_at_{round(100 * s)}": _round(f1_at(c.share, c.f1, s)) for s in SHARES},
                "aulc": _round(normalised_area(c.share, c.f1, start, end)),
                "aulc_range": [round(start, 4), round(end, 4)],
                "tokens_to_random_last": _round(
                    None if target is None else share_to_reach(c.share, c.f1, target)),
                "full_f1": _round(sum(full[backend]) / len(full[backend])
                                  if full[backend] else None),
            })
    return rows


def _round(value: float | None) -> float | None:
    """Six decimals: enough that the three printed here and in the docs are rounded once,
    from the same value the per-corpus summary rounds (four would round 0.74749 to 0.7475
    and then print 0.748 beside the summary's 0.747)."""
    return None if value is None else round(value, 6)


def plot(curves: dict[str, dict[str, Curve]], full: dict[str, list[float]], path: Path,
         corpus: str) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), dpi=120, sharey=True)
    for ax, (backend, by) in zip(axes, curves.items(), strict=True):
        for name, c in by.items():
            seeds = int(c.n_seeds.max())
            ax.plot(100 * c.share, c.f1, "--" if name == "random" else "-", marker="o",
                    markersize=3, color=color_of(name),
                    label=f"{name} ({seeds} seed{'s' if seeds != 1 else ''})")
        if full[backend]:
            level = sum(full[backend]) / len(full[backend])
            ax.axhline(level, color="grey", linestyle="--", linewidth=1,
                       label=f"full data ({level:.3f})")
        ax.set_title(f"{corpus}: {backend}")
        ax.set_xlabel("% of the pool's tokens labelled")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("test F1 (seqeval, entity-level micro)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", choices=["conll2003", "ontonotes5"])
    parser.add_argument("--seeds", type=int, nargs="*", default=None,
                        help="only these seeds' AL rows (default: every seed)")
    args = parser.parse_args()
    rows = {b: split_unfinished(of_seeds(r, args.seeds))[0]  # runs in progress left out
            for b, r in backend_rows(args.corpus).items()}
    curves = {b: {n: c for n, c in build_curves(r).items() if n in STRATEGIES}
              for b, r in rows.items()}
    full = {b: full_f1(r) for b, r in rows.items()}
    out = REPO / "docs" / "benchmarks" / f"{args.corpus}_backends"
    plot(curves, full, out.with_suffix(".png"), args.corpus)
    result = table(curves, full)
    print("| backend | strategy | seeds | up to | " + " | ".join(
        f"F1 @{round(100 * s)} %" for s in SHARES) + " | AULC | to random's last F1 | full |")
    print("|---|---|---:|---:|" + "---:|" * (len(SHARES) + 3))
    for r in result:
        cells = [r[f"f1_at_{round(100 * s)}"] for s in SHARES]
        print(f"| {r['backend']} | {r['strategy']} | {r['seeds']} | "
              f"{100 * r['labelled_up_to']:.0f} % | " + " | ".join(number_cell(v) for v in cells)
              + f" | {number_cell(r['aulc'])} | {share_cell(r['tokens_to_random_last'])} | "
              f"{number_cell(r['full_f1'])} |")
    out.with_suffix(".json").write_text(json.dumps(
        {"corpus": args.corpus, "rows": result,
         "seeds": args.seeds, "command": " ".join(["python benchmarks/compare_backends.py",
                                                    *sys.argv[1:]])}, indent=1) + "\n",
        encoding="utf8")
    print(f"\nWrote {out.with_suffix('.png')} and {out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
