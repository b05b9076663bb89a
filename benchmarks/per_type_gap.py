"""Where a learning curve's gap to the full-data F1 lies: per entity type, at one share.

Reads one benchmark folder's ``results.jsonl`` (``per_type_f1``, ``precision``, ``recall``
of every row) and prints, for each strategy at the round nearest ``--share`` of the
pool's tokens, the test F1, each type's F1 minus the full-data reference's (points; means
over the seeds given, the reference over all of its seeds), precision and recall; then the
full-data row itself.
Writes the same as JSON beside the folder::

    python benchmarks/per_type_gap.py ontonotes5-transformer --share 0.12
    # -> docs/benchmarks/ontonotes5-transformer_per_type_12.json

Types are ordered by their full-data F1 (lowest first), where the gap usually is.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from spacy_al.benchmark.cells import number_cell  # noqa: E402
from spacy_al.benchmark.curves import of_seeds, share_of, split_unfinished  # noqa: E402
from spacy_al.benchmark.results import read_rows  # noqa: E402
from spacy_al.benchmark.settings import FULL  # noqa: E402

MEASURES = ("f1", "precision", "recall")


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def mean_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The mean over ``rows`` (one per seed) of F1, precision, recall and per-type F1."""
    types = sorted({t for r in rows for t in r["per_type_f1"]})
    return {"seeds": sorted(int(r["seed"]) for r in rows),
            "share": mean([share_of(r) for r in rows]),
            **{m: mean([float(r[m]) for r in rows]) for m in MEASURES},
            "per_type_f1": {t: mean([float(r["per_type_f1"].get(t, 0.0)) for r in rows])
                            for t in types}}


def nearest_rows(rows: list[dict[str, Any]], share: float) -> dict[str, list[dict[str, Any]]]:
    """Per strategy, each seed's row at the round whose share is nearest ``share``."""
    by_run: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["strategy"] != FULL:
            by_run[(r["strategy"], int(r["seed"]))].append(r)
    picked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (strategy, _seed), run in by_run.items():
        picked[strategy].append(min(run, key=lambda r: abs(share_of(r) - share)))
    return dict(picked)


def gap_table(rows: list[dict[str, Any]], share: float, seeds: list[int] | None
              ) -> dict[str, Any]:
    kept = of_seeds(split_unfinished(rows)[0], seeds)
    full = mean_row([r for r in kept if r["strategy"] == FULL])
    order = sorted(full["per_type_f1"], key=lambda t: full["per_type_f1"][t])
    strategies = {}
    for name, picked in nearest_rows(kept, share).items():
        row = mean_row(picked)
        row["gap_points"] = {t: 100 * (row["per_type_f1"].get(t, 0.0) - full["per_type_f1"][t])
                             for t in order}
        strategies[name] = row
    return {"share": share, "types": order, "full": full, "strategies": strategies}


def print_table(result: dict[str, Any]) -> None:
    types = result["types"]
    print(f"| at {100 * result['share']:.0f} % | seeds | F1 | " + " | ".join(types)
          + " | precision | recall |")
    print("|---|---|---:|" + "---:|" * (len(types) + 2))
    for name, row in result["strategies"].items():
        gaps = " | ".join(f"{row['gap_points'][t]:+.1f}" for t in types)
        print(f"| {name} | {','.join(map(str, row['seeds']))} | {number_cell(row['f1'])} | "
              f"{gaps} | {number_cell(row['precision'])} | {number_cell(row['recall'])} |")
    full = result["full"]
    print(f"| full data | {','.join(map(str, full['seeds']))} | {number_cell(full['f1'])} | "
          + " | ".join(number_cell(full["per_type_f1"][t]) for t in types)
          + f" | {number_cell(full['precision'])} | {number_cell(full['recall'])} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="a folder under docs/benchmarks, e.g. conll2003-transformer")
    parser.add_argument("--share", type=float, default=0.12,
                        help="share of the pool's tokens (the nearest round is read)")
    parser.add_argument("--seeds", type=int, nargs="*", default=None,
                        help="only these seeds' AL rows (default: every finished seed; "
                             "the full-data reference is the mean of all its seeds)")
    args = parser.parse_args()
    folder = REPO / "docs" / "benchmarks" / args.folder
    rows = read_rows(folder / "results.jsonl")
    if not any(r["strategy"] == FULL for r in rows):
        parser.error(f"{folder / 'results.jsonl'} has no full-data row to compare with")
    result = gap_table(rows, args.share, args.seeds)
    print_table(result)
    out = folder.parent / f"{args.folder}_per_type_{round(100 * args.share)}.json"
    result["command"] = " ".join(["python benchmarks/per_type_gap.py", *sys.argv[1:]])
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf8")
    print(f"\nWrote {out}")


if __name__ == "__main__":
    main()
