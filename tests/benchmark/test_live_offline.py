"""The live rule's cost in F1 (benchmarks/live_offline.py): a live run's sentences are
replayed in answer order, the rules are the ones the worker and the offline benchmark use,
and a real replay (tok2vec, bundled WikiGold) writes rows that resume."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from spacy_al.retraining.model_spec import ModelSpec
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import live_offline  # noqa: E402
from live_corpora import PreparedCorpus, corpus_spec, prepare  # noqa: E402

KEY = {"corpus": "wikigold", "order": "al", "seed": 0, "pace": "wait", "variant": "default",
       "answers": 20, "commit": "c0", "run_id": "run-al"}
LINES = [7, 3, 12, 1, 30, 25, 8, 2, 19, 40, 5, 11, 60, 14, 22, 9, 33, 4, 17, 50]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> PreparedCorpus:
    return prepare(corpus_spec("wikigold"), tmp_path_factory.mktemp("cache"))


def write_run(results: Path, corpus: PreparedCorpus) -> list[dict[str, Any]]:
    """A finished live run of 20 answers on the given pool lines, checkpoints at 10, 20."""
    gold = corpus.gold.read_text(encoding="utf8").splitlines()
    tasks = [json.loads(gold[line - 1]) for line in LINES]
    folder = results / "runs" / KEY["run_id"]
    folder.mkdir(parents=True)
    with (folder / "answers.jsonl").open("w") as out:
        for n, (line, task) in enumerate(zip(LINES, tasks, strict=True), start=1):
            spans = [[s["token_start"], s["token_end"], s["label"]] for s in task["spans"]]
            out.write(json.dumps({**KEY, "n": n, "tokens": len(task["tokens"]),
                                  "gold_spans": spans, "source": f"pool.jsonl:{line}"}) + "\n")
    with (folder / "checkpoints.jsonl").open("w") as out:
        for n, f1 in ((10, 0.1), (20, 0.2)):
            out.write(json.dumps({**KEY, "n": n, "f1": f1, "n_train": n - 2}) + "\n")
    (results / "runs.jsonl").write_text(json.dumps(KEY) + "\n")
    return tasks


def test_the_sentences_come_in_answer_order_with_their_gold(tmp_path: Path,
                                                            corpus: PreparedCorpus) -> None:
    tasks = write_run(tmp_path, corpus)
    assert live_offline.answered_tasks(tmp_path, "run-al", corpus) == tasks


def test_answers_that_do_not_match_the_gold_are_refused(tmp_path: Path,
                                                         corpus: PreparedCorpus) -> None:
    write_run(tmp_path, corpus)
    answers = tmp_path / "runs" / KEY["run_id"] / "answers.jsonl"
    rows = [json.loads(line) for line in answers.open()]
    rows[4]["tokens"] += 1
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(SystemExit, match="answer 5 of run run-al does not match"):
        live_offline.answered_tasks(tmp_path, "run-al", corpus)


def test_the_rules_are_the_workers_and_the_offline_benchmarks(corpus: PreparedCorpus) -> None:
    spec = ModelSpec()
    args = live_offline.parse_args(["run", "--corpus", "wikigold", "--rule", "live"])
    rule, held, _ = live_offline.training_plan(args, corpus)
    assert (rule, held) == (spec.training_rule("transformer"), spec.eval_fraction)
    args = live_offline.parse_args(["run", "--corpus", "wikigold", "--rule", "live",
                                    "--set", "epochs=3", "--set", "eval_fraction=0"])
    rule, held, _ = live_offline.training_plan(args, corpus)
    assert (rule.epochs, rule.min_steps, held) == (3, spec.min_steps, 0.0)
    assert live_offline.rule_name(args) == "live epochs=3 eval_fraction=0"
    args = live_offline.parse_args(["run", "--corpus", "wikigold", "--train-seed", "5"])
    assert live_offline.rule_name(args) == "benchmark train_seed=5"
    assert live_offline.train_seed({"seed": 0}, args) == 5
    args = live_offline.parse_args(["run", "--corpus", "wikigold"])
    rule, held, settings = live_offline.training_plan(args, corpus)
    assert (rule.epochs, rule.min_steps, rule.holdout, rule.retrain, held) == \
        (3, 150, 0.1, "continue", 0.0)
    assert settings.architecture == "transformer"


def test_a_real_replay_writes_rows_beside_the_live_f1_and_resumes(
        tmp_path: Path, corpus: PreparedCorpus) -> None:
    write_run(tmp_path, corpus)
    config = tmp_path / "tok2vec.cfg"
    config.write_text('[benchmark]\narchitecture = "tok2vec"\nepochs = 1\nbatch_size = 8\n')
    argv = ["run", "--results", str(tmp_path), "--corpus", "wikigold", "--every", "10",
            "--at", "10", "20", "--config", str(config), "--cache", str(corpus.gold.parents[1])]
    live_offline.main(argv)
    rows = [json.loads(line) for line in (tmp_path / "offline.jsonl").open()]
    assert [(r["n"], r["live_f1"], r["rule"], r["trained_on"]) for r in rows] == \
        [(10, 0.1, "benchmark", 10), (20, 0.2, "benchmark", 20)]
    assert all(0.0 <= r["offline_f1"] <= 1.0 and r["gap"] == pytest.approx(
        r["offline_f1"] - r["live_f1"], abs=1e-4) for r in rows)
    live_offline.main(argv)  # resumed: nothing redone
    assert len((tmp_path / "offline.jsonl").read_text().splitlines()) == 2
    assert "| wikigold | al | 0 | 20 | benchmark | 20 | 0.200 |" in \
        (tmp_path / "offline_gap.md").read_text()
