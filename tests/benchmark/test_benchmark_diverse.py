"""``<strategy>-diverse`` rows append to a folder; stop-set columns; where criteria stop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spacy_al.acquisition.selectors import DiverseTopK
from spacy_al.benchmark.report import summary_markdown
from spacy_al.benchmark.runner import Benchmark
from spacy_al.benchmark.settings import BenchmarkSettings, base_strategy
from spacy_al.benchmark.stopping import stop_round, stopping_lines
from spacy_al.cli import app
from spacy_al.errors import ConfigError
from spacy_al.registry import build
from tests.benchmark.test_benchmark_cli import DEV, TINY, TRAIN, rows


def run(output: Path, strategies: str, *extra: str) -> Any:
    return CliRunner().invoke(app, ["benchmark", str(TRAIN), str(DEV), "-o", str(output),
                                    "-s", strategies, *TINY, *extra])


def test_diverse_rows_append_to_an_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    assert run(out, "mnlp").exit_code == 0
    before = rows(out)
    fingerprint = BenchmarkSettings(**json.loads((out / "settings.json").read_text())
                                    ).fingerprint()
    result = run(out, "mnlp-diverse")
    assert result.exit_code == 0, result.output + repr(result.exception)
    after = rows(out)
    assert after[: len(before)] == before, "earlier rows stay as they were"
    new = [r for r in after[len(before):]]
    assert {r["strategy"] for r in new} == {"mnlp-diverse"}  # random and full: skipped
    assert [r["round"] for r in new] == [0, 1, 2]
    saved = BenchmarkSettings(**json.loads((out / "settings.json").read_text()))
    assert saved.fingerprint() == fingerprint
    assert saved.strategies == ["mnlp", "random", "mnlp-diverse"]  # the earlier ones kept
    assert all("stop_kappa" in r and "stop_uncertainty" in r for r in new)
    assert new[0]["stop_kappa"] is None and all(-1 <= r["stop_kappa"] <= 1 for r in new[1:])
    plain = {r["round"]: r for r in before if r["strategy"] == "mnlp"}
    assert new[0]["labeled_tokens"] == plain[0]["labeled_tokens"]  # the same seed set
    picks = [json.loads(line) for line in (out / "selections.jsonl").open()]
    diverse = [i for p in picks if p["strategy"] == "mnlp-diverse" for i in p["indices"]]
    assert len(diverse) == len(set(diverse))
    summary = (out / "summary.md").read_text()
    assert "`mnlp-diverse`" in summary and "## Stopping criteria" in summary
    refused = run(out, "mnlp", "--selector", "spacy-al.DiverseTopK.v1")
    assert refused.exit_code != 0 and "selector" in str(refused.exception)


def test_settings_names_and_selectors() -> None:
    settings = BenchmarkSettings(train="a", test="b", strategies=["bald-diverse"],
                                 strategy_options={"bald": {"n_samples": 4}})
    assert base_strategy("bald-diverse") == "bald"
    assert settings.options_for("bald-diverse") == {"n_samples": 4}
    bench = Benchmark.__new__(Benchmark)
    bench.settings = settings
    assert isinstance(bench.selector_for("bald-diverse").select, DiverseTopK)
    assert not isinstance(bench.selector_for("bald").select, DiverseTopK)
    with pytest.raises(ConfigError, match="mnlp-diverse"):
        BenchmarkSettings(train="a", test="b", strategies=["nope-diverse"])


def _rows(kappas: list[float | None], f1: list[float], unc: list[float]) -> list[dict]:
    return [{"strategy": "mnlp", "seed": 0, "round": k, "stop_kappa": kappa, "f1": f,
             "stop_uncertainty": u, "labeled_tokens": 100 * (k + 1), "pool_tokens": 1000}
            for k, (kappa, f, u) in enumerate(zip(kappas, f1, unc, strict=True))]


def test_stop_round_and_summary_lines() -> None:
    run_rows = _rows([None, 0.8, 0.995, 0.991, 0.999, 0.999], [0.3, 0.5, 0.6, 0.65, 0.66, 0.7],
                     [0.2, 0.1, 0.05, 0.02, 0.005, 0.004])
    stab = build("stopper", "spacy-al.StabilizingPredictions.v1", threshold=0.99, window=3)
    assert stop_round(run_rows, stab)["round"] == 4  # kappas of rounds 2, 3, 4 >= 0.99
    unc = build("stopper", "spacy-al.OverallUncertainty.v1", threshold=0.01)
    assert stop_round(run_rows, unc)["round"] == 4
    never = build("stopper", "spacy-al.StabilizingPredictions.v1", threshold=0.999, window=3)
    assert stop_round(run_rows, never) is None
    lines = stopping_lines(run_rows)
    stab_line = next(line for line in lines if "stabilising" in line)
    assert "| 4 | 50.0 % (83 % of the run) | 0.660 | 0.700 |" in stab_line
    assert stopping_lines([{**r, "stop_kappa": None} for r in run_rows])  # column present
    assert stopping_lines([{k: v for k, v in r.items() if k != "stop_kappa"}
                           for r in run_rows]) == []
    assert "## Stopping criteria" in summary_markdown(run_rows, None)
