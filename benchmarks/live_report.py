"""``summary.md`` and plots of the live-loop benchmark from its rows (``live_loop.py``).

Each run's rows are in a folder of its own (``RESULTS/runs/RUN_ID``); only runs listed in
``runs.jsonl`` count, rows of a run still going or cut short are counted as "in progress".
Curves are means over seeds at each checkpoint, the per-seed range in brackets; between
checkpoints they are read by linear interpolation (``spacy_al.benchmark.curves``), nothing
is extrapolated.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from live_costs import COST_MODELS, PRIMARY  # noqa: E402

from spacy_al.benchmark.cells import MISSING, number_cell  # noqa: E402
from spacy_al.benchmark.curves import f1_at, share_to_reach  # noqa: E402

GROUP = ("commit", "variant", "pace", "answers")
CITATION = (
    "E. Ringger, M. Carmen, R. Haertel, K. Seppi, D. Lonsdale, P. McClanahan, J. Carroll, "
    "N. Ellison: *Assessing the Costs of Machine-Assisted Corpus Annotation through a User "
    "Study*, LREC 2008; R. Haertel, E. Ringger, K. Seppi, J. Carroll, P. McClanahan: "
    "*Assessing the Costs of Sampling Methods in Active Learning for Annotation*, ACL-08 "
    "HLT short papers, which evaluates AL in hours with the study's model "
    "h = (3.795·l + 5.387·c + 12.57) / 3600. The study timed part-of-speech correction "
    "(c: tags corrected), not NER; here c counts span edits (a boundary fix is a removal "
    "plus an addition), so `corrections_x3` is there to show whether a conclusion "
    "survives dearer corrections. `python benchmarks/live_loop.py fit-costs DB DATASET` "
    "fits a, b, c to answers that carry `_annotation_ms`.")
COLORS = {"al": "tab:blue", "random": "black"}
SHORT_LINE = 3
"""Answers to sentences of at most this many tokens are counted (datelines, scores, names:
lines the annotator should not be spent on)."""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def run_folder(results: Path, run_id: str) -> Path:
    """One run's own folder, ``RESULTS/runs/RUN_ID``: its ``answers.jsonl`` and
    ``checkpoints.jsonl`` (``RESULTS/runs.jsonl`` lists the finished runs)."""
    return results / "runs" / run_id


def rows_by_run(results: Path, name: str) -> dict[str, list[dict[str, Any]]]:
    """Every run's rows of ``name`` (``answers.jsonl`` or ``checkpoints.jsonl``) by run id."""
    folders = sorted((results / "runs").glob("*/"))
    return {folder.name: read_jsonl(folder / name) for folder in folders}


class Run:
    """One finished run: its checkpoints and the cumulative effort at each answer."""

    def __init__(self, meta: dict[str, Any], checkpoints: list[dict[str, Any]],
                 answers: list[dict[str, Any]]) -> None:
        self.meta = meta
        self.n = np.asarray([c["n"] for c in checkpoints], dtype=float)
        self.f1 = np.asarray([c["f1"] for c in checkpoints], dtype=float)
        answers = sorted(answers, key=lambda a: a["n"])
        self.answered = len(answers)
        self.cumulative = {field: np.cumsum([a[field] for a in answers]) for field in
                           ("tokens", "corrections", "added", "removed", "relabelled")}
        for name in COST_MODELS:
            self.cumulative[name] = np.cumsum([a["seconds"][name] for a in answers])
        lines = [int(str(a.get("source") or "").rpartition(":")[2] or 0) for a in answers[:20]]
        self.first_lines = float(np.median(lines)) if lines else None
        """The median pool-file line of the first 20 answers (the cold start's spread)."""
        self.cumulative["stale"] = np.cumsum([(a["task_model_version"] or 0)
                                              < a["model_version"] for a in answers])
        self.cumulative["short"] = np.cumsum([a["tokens"] <= SHORT_LINE for a in answers])

    def at(self, field: str, n: int) -> float | None:
        series = self.cumulative[field]
        return float(series[n - 1]) if 0 < n <= len(series) else None


def load_runs(results: Path) -> tuple[list[Run], list[Run]]:
    """The finished runs, and the runs in progress or cut short (meta: their first row)."""
    metas = {r["run_id"]: r for r in read_jsonl(results / "runs.jsonl")}
    checkpoints = rows_by_run(results, "checkpoints.jsonl")
    finished, unfinished = [], []
    for run_id, rows in rows_by_run(results, "answers.jsonl").items():
        if not rows:
            continue
        done = sorted(checkpoints.get(run_id, []), key=lambda c: c["n"])
        if run_id in metas:
            finished.append(Run(metas[run_id], done, rows))
        else:
            unfinished.append(Run(rows[0], done, rows))
    return finished, unfinished


def mean_range(values: list[float], digits: int = 3) -> str:
    if not values:
        return MISSING
    text = number_cell(float(np.mean(values)), digits)
    if len(values) > 1:
        text += f" ({number_cell(min(values), digits)}–{number_cell(max(values), digits)})"
    return text


def f1_of(runs: list[Run], n: int) -> list[float]:
    return [float(r.f1[list(r.n).index(n)]) for r in runs if n in r.n]


def mean_curve(runs: list[Run], checkpoints: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Checkpoints every run reached, and the mean F1 there."""
    common = [n for n in checkpoints if all(n in r.n for r in runs)]
    return np.asarray(common, float), np.asarray([np.mean(f1_of(runs, n)) for n in common])


def savings(al: list[Run], random: list[Run], checkpoints: list[int]) -> dict[str, Any]:
    """Answers and estimated seconds AL needs to reach random's last-checkpoint F1."""
    n_r, f1_r = mean_curve(random, checkpoints)
    n_a, f1_a = mean_curve(al, checkpoints)
    if not len(n_r) or not len(n_a):
        return {}
    last = int(n_r[-1])
    target = float(f1_r[-1])
    reach = share_to_reach(n_a, f1_a, target)
    out: dict[str, Any] = {"at": last, "target": target, "answers": reach}
    for name in COST_MODELS:
        random_s = np.mean([r.at(name, last) or np.nan for r in random])
        if reach is None:
            out[name] = None
            continue
        al_s = [f1_at(np.arange(1, len(r.cumulative[name]) + 1, dtype=float),
                      r.cumulative[name], reach) for r in al]
        known = [s for s in al_s if s is not None]
        out[name] = float(np.mean(known)) / float(random_s) if known else None
    return out


def group_runs(runs: Iterable[Run]) -> dict[tuple[Any, ...], dict[str, dict[str, list[Run]]]]:
    groups: dict[tuple[Any, ...], dict[str, dict[str, list[Run]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    for run in runs:
        meta = run.meta
        groups[tuple(meta[k] for k in GROUP)][meta["corpus"]][meta["order"]].append(run)
    return groups


def corpus_tables(corpus: str, orders: dict[str, list[Run]], checkpoints: list[int]
                  ) -> list[str]:
    shown = checkpoints  # the group's: every corpus of a table has the same columns
    lines = ["| corpus | order | seeds | " + " | ".join(f"F1 @{n}" for n in shown)
             + " | tokens | corrections (added/removed/relabelled) | est. hours ("
             + " / ".join(COST_MODELS) + ") | served by an older model "
             + f"| median pool line of answers 1-20 | lines of ≤ {SHORT_LINE} tokens |",
             "|---|---|---:|" + "---:|" * len(shown) + "---:|---:|---:|---:|---:|---:|"]
    for order in ("al", "random"):
        runs = orders.get(order, [])
        if not runs:
            continue
        last = min(r.answered for r in runs)

        def total(field: str, runs: list[Run] = runs, last: int = last) -> list[float]:
            return [v for r in runs if (v := r.at(field, last)) is not None]

        fixes = "/".join(number_cell(float(np.mean(total(f))), 0)
                         for f in ("added", "removed", "relabelled"))
        hours = " / ".join(number_cell(float(np.mean(total(m))) / 3600, 2) for m in COST_MODELS)
        cells = [mean_range(f1_of(runs, n)) for n in shown]
        lines.append(f"| {corpus} | {order} | {len(runs)} | " + "".join(c + " | " for c in cells)
                     + f"{number_cell(float(np.mean(total('tokens'))), 0)} @{last} | "
                     + f"{mean_range(total('corrections'), 0)} ({fixes}) | {hours} | "
                     + f"{mean_range(total('stale'), 0)} | "
                     + f"{mean_range([r.first_lines for r in runs if r.first_lines], 0)} | "
                     + f"{mean_range(total('short'), 0)} |")
    return lines


def finding(corpus: str, orders: dict[str, list[Run]], checkpoints: list[int]) -> str | None:
    if not orders.get("al") or not orders.get("random"):
        return None
    found = savings(orders["al"], orders["random"], checkpoints)
    if not found:
        return None
    seeds = f"{len(orders['al'])}/{len(orders['random'])} seeds (AL/random)"
    if found["answers"] is None:
        return (f"**{corpus}**: AL order does not reach random's {found['at']}-answer F1 "
                f"({found['target']:.3f}) within its checkpoints; {seeds}.")
    ratios = ", ".join(f"{name} {number_cell(found[name], 2)}" for name in COST_MODELS)
    return (f"**{corpus}**: AL order reaches random's {found['at']}-answer F1 "
            f"({found['target']:.3f}) at {found['answers']:.0f} answers "
            f"({found['answers'] / found['at']:.2f}× the answers) and at this share of "
            f"random's estimated seconds: {ratios}; {seeds}.")


def variant_findings(runs: list[Run]) -> list[str]:
    """Each variant against the default at the same commit, pace and answers: the F1 of
    each order at its last common checkpoint, on the seeds both ran."""
    by_key: dict[tuple[Any, ...], dict[str, Run]] = defaultdict(dict)
    for run in runs:
        m = run.meta
        by_key[(m["commit"], m["pace"], m["answers"], m["corpus"], m["order"],
                m["seed"])][m["variant"]] = run
    pairs: dict[tuple[Any, ...], list[tuple[Run, Run]]] = defaultdict(list)
    for (commit, pace, answers, corpus, order, _), variants in by_key.items():
        for variant, run in variants.items():
            if variant != "default" and "default" in variants:
                pairs[(corpus, variant, commit, pace, answers, order)].append(
                    (run, variants["default"]))
    lines = []
    for (corpus, variant, commit, pace, _, order), matched in sorted(pairs.items()):
        common = [n for n in sorted({int(n) for run, _ in matched for n in run.n})
                  if all(n in a.n and n in b.n for a, b in matched)]
        if not common:
            continue
        last = common[-1]
        ours = np.mean(f1_of([a for a, _ in matched], last))
        base = np.mean(f1_of([b for _, b in matched], last))
        seeds = ", ".join(str(a.meta["seed"]) for a, _ in matched)
        lines.append(f"- **{corpus}**, {order} order, variant {variant!r} against 'default': "
                     f"F1 at {last} answers {ours:.3f} against {base:.3f} ({ours - base:+.3f}; "
                     f"seeds {seeds}; commit {commit}, pace {pace}).")
    return lines


def variant_savings(runs: list[Run]) -> list[str]:
    """AL order under each variant against the default's random order at the same commit,
    pace and answers: the baseline a user has whatever the ranking's settings."""
    checkpoints = sorted({int(n) for r in runs for n in r.n})
    groups = group_runs(runs)
    lines = []
    for (commit, variant, pace, answers), corpora in sorted(groups.items(), key=str):
        base = groups.get((commit, "default", pace, answers), {})
        for corpus, orders in sorted(corpora.items()):
            random = base.get(corpus, {}).get("random", [])
            if variant == "default" or "random" in orders or not random:
                continue
            if text := finding(corpus, {"al": orders.get("al", []), "random": random},
                               checkpoints):
                lines.append(f"- {text} (AL with variant {variant!r}, random order with the "
                             f"default; commit {commit}, pace {pace})")
    return lines


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "default"


def plot_corpus(corpus: str, orders: dict[str, list[Run]], path: Path, title: str) -> None:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110, sharey=True)
    for order, runs in orders.items():
        color = COLORS.get(order, "tab:orange")
        for i, run in enumerate(runs):
            hours = [(run.at(PRIMARY.name, int(n)) or np.nan) / 3600 for n in run.n]
            label = f"{order} ({len(runs)} seeds)" if i == 0 else None
            left.plot(run.n, run.f1, marker="o", markersize=3, color=color, alpha=0.7,
                      linestyle="--" if order == "random" else "-", label=label)
            right.plot(hours, run.f1, marker="o", markersize=3, color=color, alpha=0.7,
                       linestyle="--" if order == "random" else "-")
    left.set_xlabel("answers")
    right.set_xlabel(f"estimated annotation hours ({PRIMARY.name})")
    left.set_ylabel("test F1 (seqeval, entity-level micro)")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    left.legend(loc="lower right", fontsize=8)
    fig.suptitle(f"{corpus}: {title}", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def group_sections(runs: list[Run], out: Path, findings: list[str] | None) -> list[str]:
    """Tables and plots per (commit, variant, pace, answers); the findings of finished runs
    appended to ``findings`` (None: runs in progress, no findings, no wall time)."""
    checkpoints = sorted({int(n) for r in runs for n in r.n})
    body: list[str] = []
    for group, corpora in sorted(group_runs(runs).items(), key=lambda g: str(g[0])):
        commit, variant, pace, answers = group
        title = f"commit {commit}, variant {variant!r}, pace {pace}, {answers} answers"
        if findings is None:
            title = "in progress or cut short: " + title
        body += ["", f"### {title}", ""]
        table: list[str] = []
        plots: list[str] = []
        shown = sorted({int(n) for rs in corpora.values() for o in rs.values() for r in o
                        for n in r.n})
        for corpus, orders in sorted(corpora.items()):
            lines = corpus_tables(corpus, orders, shown)
            table += lines if not table else lines[2:]
            if findings is not None and (text := finding(corpus, orders, checkpoints)):
                findings.append(f"- {text} ({title})")
            name = (f"{'partial_' if findings is None else ''}{slug(corpus)}_{slug(pace)}_"
                    f"{slug(variant)}_{slug(str(commit))}.png")
            plot_corpus(corpus, orders, out / name, title)
            plots.append(f"![{corpus}]({name})")
        body += table + [""] + plots
        if findings is not None:
            walls = [r.meta["wall_seconds"] / 60 for rs in corpora.values()
                     for o in rs.values() for r in o]
            finished = [r for rs in corpora.values() for o in rs.values() for r in o]
            loads = [r.meta["load_average"][2] for r in finished if r.meta.get("load_average")]
            body.append(f"\nWall time per run: {mean_range(walls, 1)} min ({len(walls)} runs; "
                        f"{finished[0].meta['hardware']}, shared: 15-minute load average "
                        f"{mean_range(loads, 1)} at the end of a run).")
    return body


def write_report(results: Path, out: Path) -> Path:
    runs, unfinished = load_runs(results)
    findings: list[str] = []
    body = group_sections(runs, out, findings) + group_sections(unfinished, out, None)
    head = ["# Live-loop benchmark: AL order against random order through the real server",
            "", "Written by `python benchmarks/live_loop.py report`; how the runs are made: "
            "the docstring of `benchmarks/live_loop.py`.", "", "## Findings", ""]
    head += findings or ["- No corpus has finished runs of both orders yet."]
    head += variant_savings(runs) + variant_findings(runs)
    if unfinished:
        head += ["", f"{len(unfinished)} runs in progress or cut short: their rows so far are "
                 "in the last tables (not in the findings)."]
    head += ["", "## Cost models (seconds per sentence = a·tokens + b·corrections + c)", ""]
    head += [f"- `{m.name}`: a = {m.a}, b = {m.b}, c = {m.c}. {m.source}."
             for m in COST_MODELS.values()]
    head += ["", CITATION]
    commands = sorted({r.meta["command"] for r in runs})
    head += ["", "## Commands (rerun to resume: finished runs are skipped)", "", "```"]
    head += commands + ["```"]
    head += ["", "## Results", "", "F1: mean over seeds (per-seed range). tokens, corrections, "
             "hours and answers to questions served by an older model than the newest (pace "
             "wait only: the UI's queue holds up to a batch fetched before an update): "
             "cumulative at the last answer every seed of the row reached."]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "summary.md"
    path.write_text("\n".join(head + body) + "\n", encoding="utf8")
    return path
