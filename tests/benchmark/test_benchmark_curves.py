"""Learning-curve numbers on hand-made results with known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spacy_al.benchmark.curves import (
    build_curves,
    common_range,
    dips,
    f1_at,
    full_f1,
    normalised_area,
    of_seeds,
    share_to_reach,
    split_unfinished,
)
from spacy_al.benchmark.paired import pairs
from spacy_al.benchmark.report import summary_markdown, write_report
from spacy_al.benchmark.results import JsonlLog, read_rows


def row(strategy: str, seed: int, rnd: int, tokens: int, f1: float) -> dict:
    return {"strategy": strategy, "seed": seed, "round": rnd, "labeled_sentences": tokens // 10,
            "labeled_tokens": tokens, "pool_tokens": 1000, "f1": f1, "precision": f1,
            "recall": f1, "train_seconds": 1.0, "score_seconds": 0.5}


ROWS = [
    row("full", 0, 0, 1000, 0.80), row("full", 1, 0, 1000, 0.82),
    row("mnlp", 0, 0, 20, 0.40), row("mnlp", 0, 1, 40, 0.70), row("mnlp", 0, 2, 60, 0.80),
    row("mnlp", 1, 0, 20, 0.50), row("mnlp", 1, 1, 40, 0.72), row("mnlp", 1, 2, 60, 0.82),
    row("random", 0, 0, 20, 0.40), row("random", 0, 1, 40, 0.50), row("random", 0, 2, 60, 0.50),
]


def test_curves_average_over_seeds_with_a_band() -> None:
    curves = build_curves(ROWS)
    assert list(curves) == ["mnlp", "random"]
    mnlp = curves["mnlp"]
    assert mnlp.share.tolist() == pytest.approx([0.02, 0.04, 0.06])
    assert mnlp.f1.tolist() == pytest.approx([0.45, 0.71, 0.81])
    assert mnlp.f1_min.tolist() == pytest.approx([0.40, 0.70, 0.80])
    assert mnlp.f1_max.tolist() == pytest.approx([0.50, 0.72, 0.82])
    assert full_f1(ROWS) == [0.80, 0.82]
    assert common_range(list(curves.values())) == pytest.approx((0.02, 0.06))


def test_reading_the_curve() -> None:
    share, f1 = np.array([0.02, 0.04, 0.06]), np.array([0.45, 0.71, 0.81])
    assert f1_at(share, f1, 0.03) == pytest.approx(0.58)
    assert f1_at(share, f1, 0.0199) == pytest.approx(0.45)  # a budget filled from below
    assert f1_at(share, f1, 0.10) is None
    assert share_to_reach(share, f1, 0.76) == pytest.approx(0.05)
    assert share_to_reach(share, f1, 0.40) == pytest.approx(0.02)
    assert share_to_reach(share, f1, 0.90) is None
    assert normalised_area(share, f1, 0.02, 0.04) == pytest.approx(0.58)
    assert normalised_area(share, f1, 0.02, 0.08) is None


def test_summary_and_plot(tmp_path: Path) -> None:
    text = summary_markdown(ROWS, {"corpus": "toy"})
    assert "learning_curve.png" in text and "| `mnlp` | 2 |" in text
    assert "not reached" in text  # random never reaches 99 % of 0.81
    log = JsonlLog(tmp_path / "results.jsonl")
    for r in ROWS:
        log.append(r)
    plot, summary = write_report(tmp_path)
    assert plot.name == "learning_curve.png" and plot.stat().st_size > 1000
    assert summary.read_text().startswith("# Active-learning")


def test_a_full_data_only_run_summarises_without_curve_tables(tmp_path: Path) -> None:
    log = JsonlLog(tmp_path / "results.jsonl")
    for r in ROWS[:2]:  # `-s "" --no-baseline --full`: the full-data rows alone
        log.append(r)
    (summary,) = write_report(tmp_path)  # no curve, so no plot
    text = summary.read_text()
    assert "Full-data reference F1: 0.8100 (seeds: 0.8000, 0.8200)" in text
    assert "AULC" not in text and "Round-to-round dips" not in text
    assert "(2 rows)" in text and "learning_curve.png" not in text
    assert not (tmp_path / "learning_curve.png").exists()


def test_a_truncated_last_line_is_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text('{"a": 1}\n{"a": 2}\n{"a": ', encoding="utf8")
    assert read_rows(path) == [{"a": 1}, {"a": 2}]
    assert path.read_text() == '{"a": 1}\n{"a": 2}\n'


def test_summary_table_keeps_its_columns_without_random() -> None:
    from spacy_al.benchmark.report import table_header

    with_random, without = table_header("30 %"), table_header(None)
    assert "tokens to random's F1 at 30 %" in with_random
    assert "random's F1" not in without and "at  |" not in without
    for header in (with_random, without):
        names, rule = header.split("\n")
        assert names.count("|") == rule.count("|")


def test_dips_are_the_falls_between_rounds_largest_first() -> None:
    share = np.array([0.02, 0.04, 0.06, 0.08, 0.10])
    falls = dips(share, np.array([0.50, 0.60, 0.592, 0.65, 0.62]))
    assert [round(d.drop, 4) for d in falls] == [0.03, 0.008]
    assert (falls[0].before, falls[0].after) == (0.08, 0.10)
    assert dips(share, np.array([0.5, 0.6, 0.6, 0.7, 0.8])) == []


def test_summary_counts_each_runs_dips() -> None:
    rows = [row("random", 0, k, 20 * (k + 1), f1) for k, f1 in enumerate([0.4, 0.5, 0.49, 0.6])]
    rows += [row("random", 1, k, 20 * (k + 1), f1) for k, f1 in enumerate([0.4, 0.45, 0.5])]
    text = summary_markdown(rows, None)
    assert "| `random` | 0 | 4 | 1 | 1 | 1.00 | 4 → 6 % |" in text
    assert "| `random` | 1 | 3 | 0 | 0 | – | – |" in text


def test_runs_short_of_their_strategys_furthest_round_are_in_progress() -> None:
    rows = ROWS + [row("random", 1, 0, 20, 0.45)]
    kept, running = split_unfinished(rows)
    assert running == {("random", 1): pytest.approx(0.02)}
    assert [r for r in rows if r not in kept] == [rows[-1]]
    assert build_curves(kept)["random"].n_seeds.tolist() == [1, 1, 1]  # not 2, then 1
    assert "`random` seed 1 (at 2 %)" in summary_markdown(rows, None)
    started = summary_markdown(ROWS + [row("bald", 0, 0, 20, 0.45)], None)
    assert "AULC: mean F1 over 2.0–6.0 %" in started  # a strategy just started is left out
    assert "`bald` seed 0 (at 2 %)" in started and "| `bald` | 1 |" not in started


def test_of_seeds_keeps_every_full_data_row_and_the_al_rows_of_those_seeds() -> None:
    kept = of_seeds(ROWS, [1])
    assert [(r["strategy"], r["seed"]) for r in kept] == [
        ("full", 0), ("full", 1), ("mnlp", 1), ("mnlp", 1), ("mnlp", 1)]
    assert full_f1(kept) == [0.80, 0.82]
    assert of_seeds(ROWS, None) == ROWS and of_seeds(ROWS, []) == ROWS[:2]


def test_pairs_compare_a_strategy_with_random_on_the_same_seed() -> None:
    curves = build_curves(ROWS)
    (pair,) = pairs(curves["mnlp"], curves["random"], target=0.99 * 0.81)
    assert pair.seed == 0 and (pair.f1, pair.random_f1) == (0.80, 0.50)
    assert (pair.area, pair.random_area) == (pytest.approx(0.65), pytest.approx(0.475))
    assert pair.to_random_end == pytest.approx(0.02 + 0.02 / 3)  # 0.5 between 0.4 and 0.7
    assert pair.saving == pytest.approx(0.06 / (0.02 + 0.02 / 3))
    assert pair.to_target is None and pair.random_to_target is None
    text = summary_markdown(ROWS, None)
    assert "| `mnlp` | 0 | 0.800 / 0.500 | 0.650 / 0.475 | 2.7 % | 2.25 | – / – |" in text


def test_the_mean_row_needs_every_seed() -> None:
    rows = ROWS + [row("random", 1, 0, 20, 0.45), row("random", 1, 1, 40, 0.75),
                   row("random", 1, 2, 60, 0.78)]
    text = summary_markdown(rows, None)
    assert "| `mnlp` | 1 | 0.820 / 0.780 | 0.690 / 0.683 | 5.2 % | 1.15 |" in text
    assert ("| `mnlp` | **mean of 2** | 0.810 / 0.640 | 0.670 / 0.579 | 3.9 % | 1.70 | – / – |"
            in text)  # seed 0 never reaches 99 %: no mean of it
