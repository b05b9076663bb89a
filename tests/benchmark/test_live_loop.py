"""The live-loop benchmark (benchmarks/live_loop.py): known answers for the corrections,
the cost model and its fit, and one real run of the real server on a tiny pool that
writes its rows and resumes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spacy_al.store.pace import ANNOTATION_MS
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from live_costs import (  # noqa: E402
    RINGGER_2008,
    SHOWN_KEY,
    Corrections,
    answer_costs,
    corrections,
    fit_cost_model,
    timed_answers,
)

SCRIPT = REPO / "benchmarks" / "live_loop.py"


def span(start: int, end: int, label: str) -> dict[str, Any]:
    return {"token_start": start, "token_end": end, "label": label}


def test_corrections_count_additions_removals_and_relabellings() -> None:
    shown = [span(0, 1, "PER"), span(3, 3, "ORG"), span(5, 6, "LOC"), span(8, 8, "MISC")]
    gold = [span(0, 1, "PER"), span(3, 3, "LOC"), span(5, 5, "LOC"), span(10, 11, "ORG")]
    # kept: 0-1 PER; relabelled: 3 ORG->LOC; a boundary fix 5-6 -> 5: one removal, one
    # addition; 8 MISC removed; 10-11 ORG added
    assert corrections(shown, gold) == Corrections(added=2, removed=2, relabelled=1)
    assert corrections(shown, gold).total == 5


def test_corrections_of_an_empty_pre_annotation_and_of_a_perfect_one() -> None:
    gold = [span(0, 0, "PER"), span(2, 4, "ORG")]
    assert corrections([], gold) == Corrections(added=2)
    assert corrections(gold, gold).total == 0
    assert corrections(gold, []) == Corrections(removed=2)


def test_the_published_cost_model_gives_known_seconds() -> None:
    # 20 tokens, 3 corrections: 3.795 * 20 + 5.387 * 3 + 12.57 = 104.631 s
    assert RINGGER_2008.seconds(20, 3) == pytest.approx(104.631)
    costs = answer_costs(20, Corrections(added=1, removed=1, relabelled=1))
    assert costs["ringger2008"] == pytest.approx(104.631)
    assert costs["corrections_x3"] == pytest.approx(104.631 + 2 * 5.387 * 3)


def test_the_fit_recovers_known_coefficients() -> None:
    rng = np.random.default_rng(0)
    tokens = rng.integers(3, 60, size=200)
    fixes = rng.integers(0, 8, size=200)
    seconds = 2.5 * tokens + 7.0 * fixes + 9.0
    fit = fit_cost_model(tokens.tolist(), fixes.tolist(), seconds.tolist())
    assert (fit.model.a, fit.model.b, fit.model.c) == pytest.approx((2.5, 7.0, 9.0), abs=1e-3)
    assert fit.r2 == pytest.approx(1.0) and fit.n == 200
    noisy = seconds + rng.normal(0, 5, size=200)
    rough = fit_cost_model(tokens.tolist(), fixes.tolist(), noisy.tolist())
    assert rough.model.a == pytest.approx(2.5, abs=0.2)
    assert rough.model.b == pytest.approx(7.0, abs=1.0)
    assert 0.9 < rough.r2 < 1.0 and 3 < rough.rmse < 7


def test_the_fit_refuses_fewer_answers_than_coefficients() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        fit_cost_model([1, 2], [0, 1], [3.0, 4.0])


def test_timed_answers_read_only_accepted_timed_answers() -> None:
    tokens = [{"text": w} for w in "Anna met Bob".split()]
    answers: list[dict[str, Any]] = [
        {"answer": "accept", "tokens": tokens, "spans": [span(0, 0, "PER"), span(2, 2, "PER")],
         SHOWN_KEY: [span(0, 0, "PER")], ANNOTATION_MS: 4500},
        {"answer": "accept", "tokens": tokens, "spans": [span(0, 0, "PER")],
         ANNOTATION_MS: 2000},
        {"answer": "reject", "tokens": tokens, "spans": [], ANNOTATION_MS: 900},
        {"answer": "accept", "tokens": tokens, "spans": []},
    ]
    # without the shown spans every span of the answer was added (from scratch)
    assert timed_answers(answers) == ([3, 3], [1, 1], [4.5, 2.0])


def run_script(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=REPO)


@pytest.mark.slow
def test_a_real_run_writes_its_rows_and_a_rerun_resumes(tmp_path: Path) -> None:
    """The real server and worker on 60 WikiGold sentences (bundled), 12 fast answers."""
    results = tmp_path / "results"
    args = ("run", "--corpus", "wikigold", "--order", "al", "--seeds", "0", "--pace", "fast",
            "--answers", "12", "--checkpoints", "5", "12", "--pool-sample", "60",
            "--test-sample", "20", "--results", str(results), "--", "--update-every", "5")
    done = run_script(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    (folder,) = (results / "runs").iterdir()  # the run's own folder
    answers = [json.loads(line) for line in (folder / "answers.jsonl").open()]
    assert [a["n"] for a in answers] == list(range(1, 13))
    for row in answers:
        assert row["corpus"] == "wikigold-p60-t20" and row["variant"] == "--update-every 5"
        assert row["corrections"] == row["added"] + row["removed"] + row["relabelled"]
        assert row["seconds"]["ringger2008"] == pytest.approx(
            RINGGER_2008.seconds(row["tokens"], row["corrections"]), abs=1e-3)
    checkpoints = [json.loads(line) for line in (folder / "checkpoints.jsonl").open()]
    assert [c["n"] for c in checkpoints] == [5, 12]
    assert all(0.0 <= c["f1"] <= 1.0 and c["test_sentences"] == 20 for c in checkpoints)
    assert len((results / "runs.jsonl").read_text().splitlines()) == 1
    assert "wikigold-p60-t20" in (results / "summary.md").read_text()

    again = run_script(*args)
    assert again.returncode == 0, again.stdout + again.stderr
    assert len((folder / "answers.jsonl").read_text().splitlines()) == 12  # skipped
    assert len(list((results / "runs").iterdir())) == 1
    assert len((results / "runs.jsonl").read_text().splitlines()) == 1


def test_fit_costs_reads_a_dataset_of_timed_answers(tmp_path: Path) -> None:
    """``fit-costs DB DATASET`` on a database written through the project's store: the
    answers' ``_annotation_ms`` made with a = 2, b = 6, c = 10 give those back."""
    from spacy_al.store.database import connect
    from spacy_al.tasks.hashing import set_hashes

    rng = np.random.default_rng(1)
    answers = []
    for i in range(40):
        n, fixes = int(rng.integers(2, 30)), int(rng.integers(0, 5))
        tokens = [{"text": f"w{i}_{k}", "start": 0, "end": 1, "id": k, "ws": True}
                  for k in range(n)]
        gold = [span(k, k, "PER") for k in range(fixes)]
        answer = {"text": f"sentence {i}", "tokens": tokens, "spans": gold, "answer": "accept",
                  SHOWN_KEY: [], ANNOTATION_MS: 1000 * (2 * n + 6 * fixes + 10)}
        answers.append(set_hashes(answer))
    db = connect(tmp_path / "timed.db")
    db.add_examples(answers, ["timed"])
    db.close()
    done = run_script("fit-costs", str(tmp_path / "timed.db"), "timed", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "40 timed answers of 40: seconds = 2.0 * tokens + 6.0 * corrections + 10.0" \
        in done.stdout


def write_rows(results: Path, order: str, f1: list[float], fixes: int,
               variant: str = "default") -> None:
    key = {"corpus": "toy", "order": order, "seed": 0, "pace": "wait", "variant": variant,
           "answers": 200, "commit": "c0", "run_id": f"run-{order}-{variant}"}
    folder = results / "runs" / key["run_id"]
    folder.mkdir(parents=True)
    with (folder / "answers.jsonl").open("a") as out:
        for n in range(1, 201):
            out.write(json.dumps({**key, "n": n, "tokens": 10, "corrections": fixes,
                                  "added": fixes, "removed": 0, "relabelled": 0,
                                  "seconds": answer_costs(10, Corrections(added=fixes)),
                                  "task_model_version": 0, "model_version": 0,
                                  "source": f"pool.jsonl:{n}"}) + "\n")
    with (folder / "checkpoints.jsonl").open("a") as out:
        for n, value in zip((20, 40, 60, 100, 140, 200), f1, strict=True):
            out.write(json.dumps({**key, "n": n, "f1": value}) + "\n")
    with (results / "runs.jsonl").open("a") as out:
        out.write(json.dumps({**key, "wall_seconds": 60.0, "hardware": "CPU test",
                              "command": "python benchmarks/live_loop.py run"}) + "\n")


def test_the_report_finds_when_al_reaches_random_and_at_what_cost(tmp_path: Path) -> None:
    """AL reaches random's 200-answer F1 (0.5) at 100 answers; its answers take 2
    corrections against random's 1: seconds 100 x 61.294 / (200 x 55.907) = 0.55 of
    random's (ringger2008), 100 x 82.842 / (200 x 66.681) = 0.62 (corrections_x3)."""
    from live_report import write_report

    write_rows(tmp_path, "random", [0.1, 0.2, 0.3, 0.4, 0.45, 0.5], fixes=1)
    write_rows(tmp_path, "al", [0.2, 0.3, 0.4, 0.5, 0.55, 0.6], fixes=2)
    summary = write_report(tmp_path, tmp_path / "out").read_text()
    assert ("**toy**: AL order reaches random's 200-answer F1 (0.500) at 100 answers "
            "(0.50× the answers) and at this share of random's estimated seconds: "
            "ringger2008 0.55, corrections_x3 0.62") in summary
    assert "| toy | al | 1 | 0.200 | 0.300 | 0.400 | 0.500 | 0.550 | 0.600 | 2000 @200 |" \
        in summary
    assert summary.count("| 0 | 10 | 0 |") == 2  # none stale; lines 1-20; no short line
    assert (tmp_path / "out" / "toy_wait_default_c0.png").is_file()


def test_the_report_sets_a_variant_against_the_default_on_the_same_seeds(tmp_path: Path
                                                                         ) -> None:
    from live_report import write_report

    write_rows(tmp_path, "al", [0.2, 0.3, 0.4, 0.5, 0.55, 0.6], fixes=2)
    write_rows(tmp_path, "al", [0.3, 0.4, 0.5, 0.55, 0.6, 0.65], fixes=2,
               variant="--training benchmark")
    summary = write_report(tmp_path, tmp_path / "out").read_text()
    assert ("- **toy**, al order, variant '--training benchmark' against 'default': F1 at 200 "
            "answers 0.650 against 0.600 (+0.050; seeds 0; commit c0, pace wait).") in summary


def test_the_report_sets_an_al_variant_against_the_defaults_random_order(tmp_path: Path
                                                                         ) -> None:
    """An AL-only variant (as ``--cost-aware``) is measured against the random order of the
    default: with the numbers of the test above, AL reaches 0.5 at 100 answers."""
    from live_report import write_report

    write_rows(tmp_path, "random", [0.1, 0.2, 0.3, 0.4, 0.45, 0.5], fixes=1)
    write_rows(tmp_path, "al", [0.1, 0.1, 0.1, 0.1, 0.1, 0.1], fixes=2)
    write_rows(tmp_path, "al", [0.2, 0.3, 0.4, 0.5, 0.55, 0.6], fixes=2, variant="--cost-aware")
    summary = write_report(tmp_path, tmp_path / "out").read_text()
    assert ("**toy**: AL order reaches random's 200-answer F1 (0.500) at 100 answers (0.50× the "
            "answers) and at this share of random's estimated seconds: ringger2008 0.55, "
            "corrections_x3 0.62; 1/1 seeds (AL/random). (AL with variant '--cost-aware', "
            "random order with the default; commit c0, pace wait)") in summary
    assert "**toy**: AL order does not reach random's" in summary  # the default's own AL
