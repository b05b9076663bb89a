"""``spacy-al benchmark`` on a tiny setting: all outputs, random always in, resumable."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from spacy_al.benchmark.beam import beam_uncertainty_scores, new_beam_nlp, sentence_uncertainty
from spacy_al.benchmark.results import RESULT_KEYS
from spacy_al.benchmark.settings import BenchmarkSettings
from spacy_al.cli import app
from spacy_al.corpora import read_docs
from spacy_al.corpora.registered import doc_to_example
from spacy_al.errors import ConfigError
from spacy_al.training.trainer import fit
from tests.conftest import REPO

TRAIN = REPO / "corpora" / "wikigold" / "train.conll"
DEV = REPO / "corpora" / "wikigold" / "dev.conll"
TINY = ["--seeds", "0", "--width", "32", "--epochs", "1", "--pool-sample", "100",
        "--test-limit", "30", "--seed-size", "0.1", "--query-size", "0.1", "--budget", "0.3",
        "--no-progress"]


def run(output: Path, *extra: str) -> None:
    result = CliRunner().invoke(app, ["benchmark", str(TRAIN), str(DEV), "-o", str(output),
                                      "-s", "mnlp,beam_uncertainty", *TINY, *extra])
    assert result.exit_code == 0, result.output + repr(result.exception)


def rows(output: Path) -> list[dict]:
    return [json.loads(line) for line in (output / "results.jsonl").open()]


def measured(found: list[dict]) -> list[tuple]:
    """What a row measured: a resumed run must give the same (the stop-set kappa too)."""
    return [(r["strategy"], r["round"], r["labeled_tokens"], r["f1"], r["stop_kappa"])
            for r in found]


@pytest.mark.parametrize("retrain", ["scratch", "continue"])
def test_benchmark_writes_all_outputs_and_resumes(tmp_path: Path, retrain: str) -> None:
    out = tmp_path / "bench"
    run(out, "--retrain", retrain)
    assert {"results.jsonl", "learning_curve.png", "summary.md"} <= {p.name for p in out.iterdir()}
    found = rows(out)
    assert all(set(RESULT_KEYS) <= set(r) for r in found)
    assert all(r["code"] and r["code"] != "unknown" for r in found), "the commit of each row"
    by = {(r["strategy"], r["round"]) for r in found}
    assert by == {("full", 0)} | {(s, k) for s in ("mnlp", "beam_uncertainty", "random")
                                  for k in (0, 1, 2)}
    assert all(0.0 <= r["f1"] <= 1.0 for r in found)
    assert all("peer_f1" in r for r in found if r["strategy"] == "beam_uncertainty")
    curve = [r for r in found if r["strategy"] == "mnlp"]
    assert [r["labeled_tokens"] for r in curve] == sorted(r["labeled_tokens"] for r in curve)
    seed_sets = {r["labeled_tokens"] for r in found if r["round"] == 0 and r["strategy"] != "full"}
    assert len(seed_sets) == 1  # one seed set per seed, shared by the strategies
    summary = (out / "summary.md").read_text()
    assert "`random`" in summary and "`beam_uncertainty`" in summary
    # Interrupted after two more rows: the rerun computes exactly the missing ones.
    lines = (out / "results.jsonl").read_text().splitlines(keepends=True)
    (out / "results.jsonl").write_text("".join(lines[:-2]) + '{"strategy": "ran')
    run(out, "--retrain", retrain)
    again = rows(out)
    assert len(again) == len(found)
    assert measured(again) == measured(found)
    with pytest.raises(AssertionError):
        run(out, "--retrain", retrain, "--epochs", "2")  # other settings: refused


def test_settings_always_include_random_and_check_names() -> None:
    settings = BenchmarkSettings(train="a", test="b", strategies=["mnlp"])
    assert settings.strategies == ["mnlp", "random"]
    with pytest.raises(ConfigError):
        BenchmarkSettings(train="a", test="b", strategies=["nope"])
    alone = BenchmarkSettings(train="a", test="b", strategies=[], baseline=False, full=True)
    assert alone.strategies == []  # the full-data reference alone
    with pytest.raises(ConfigError, match="nothing to run"):
        BenchmarkSettings(train="a", test="b", strategies=[], baseline=False, full=False)


def test_a_no_full_run_that_resumes_a_folder_keeps_its_full_data_flag(tmp_path: Path) -> None:
    BenchmarkSettings(train="a", test="b", strategies=["mnlp"], seeds=[0]).save(tmp_path)
    later = BenchmarkSettings(train="a", test="b", strategies=["bald"], seeds=[1], full=False)
    recorded = later.with_earlier(tmp_path)
    assert recorded.full and recorded.strategies == ["mnlp", "random", "bald"]
    assert recorded.seeds == [0, 1]
    fresh = tmp_path / "fresh"
    assert not later.with_earlier(fresh).full, "a folder without a full-data run stays so"


def test_sentence_uncertainty_prefers_candidates_near_half() -> None:
    assert sentence_uncertainty([]) == 0.0
    assert sentence_uncertainty([0.99, 0.5]) == pytest.approx(1.0)
    assert sentence_uncertainty([0.9, 0.2]) == pytest.approx(0.4)


def test_beam_scores_from_a_trained_beam_ner() -> None:
    settings = BenchmarkSettings(train="a", test="b", tok2vec_width=32, epochs=3)
    nlp = new_beam_nlp(["LOC", "MISC", "ORG", "PER"], 0, settings=settings)
    docs = list(read_docs(TRAIN, nlp.vocab))[:60]
    fit(nlp, [doc_to_example(nlp, doc) for doc in docs], settings.training_rule(), seed=0)
    scores = beam_uncertainty_scores(nlp, docs[:20], batch_size=8)
    assert scores.shape == (20,) and np.all((scores >= 0) & (scores <= 1))
    assert scores.max() > 0


def _spy_on_training(calls: list[str]):  # type: ignore[no-untyped-def]
    """Trainer.train, noting each call's ``desc`` ("round 2", "replay 1") in ``calls``."""
    from spacy_al.training.trainer import Trainer

    train = Trainer.train

    def spy(self, docs, round_, desc="train", **kwargs):  # type: ignore[no-untyped-def]
        calls.append(desc + (" resumed" if kwargs.get("resume") else ""))
        return train(self, docs, round_, desc, **kwargs)

    return spy


def _stop_after_row(strategy: str, round_: int):  # type: ignore[no-untyped-def]
    """JsonlLog.append, and one that stops the run once a result row of ``strategy`` at
    ``round_`` is written."""
    from spacy_al.benchmark.results import JsonlLog

    append = JsonlLog.append

    def append_then_stop(self, row):  # type: ignore[no-untyped-def]
        append(self, row)
        if row.get("strategy") == strategy and row.get("round") == round_ and "f1" in row:
            raise KeyboardInterrupt

    return append, append_then_stop


@pytest.mark.parametrize(("strategy", "stop_at"), [("mnlp", "checkpoint"), ("mnlp", "row"),
                                                   ("beam_uncertainty", "checkpoint")])
def test_a_resumed_continued_run_loads_its_checkpoint_instead_of_retraining(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strategy: str, stop_at: str) -> None:
    """Stopped right after round 1's checkpoint, the rerun retrains nothing; stopped after
    round 1's row but before its checkpoint, it loads round 0's and retrains round 1 only.
    Either way the rows equal those of an uninterrupted run (beam_uncertainty: its peer
    model is checkpointed beside the main one)."""
    from spacy_al.benchmark.checkpoints import RunCheckpoints
    from spacy_al.benchmark.results import JsonlLog
    from spacy_al.training.trainer import Trainer

    whole = tmp_path / "whole"
    run(whole, "--retrain", "continue", "--no-full", "-s", strategy)
    assert not (whole / ".checkpoints").exists(), "a complete run leaves no checkpoint"

    calls: list[str] = []
    save = RunCheckpoints.save
    append, append_then_stop = _stop_after_row(strategy, 1)

    def save_then_stop(self, trainers, round_):  # type: ignore[no-untyped-def]
        save(self, trainers, round_)
        if self.folder.name == f"{strategy}-seed0" and round_ == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "train", _spy_on_training(calls))
    if stop_at == "row":
        monkeypatch.setattr(JsonlLog, "append", append_then_stop)
    else:
        monkeypatch.setattr(RunCheckpoints, "save", save_then_stop)
    part = tmp_path / "part"
    with pytest.raises(AssertionError):  # the CLI run is interrupted
        run(part, "--retrain", "continue", "--no-full", "-s", strategy)
    saved = part / ".checkpoints" / f"{strategy}-seed0" / "main" / "state.json"
    assert json.loads(saved.read_text())["round"] == (1 if stop_at == "checkpoint" else 0)
    peer = saved.parent.parent / "peer" / "state.json"
    assert peer.is_file() == (strategy == "beam_uncertainty")
    monkeypatch.setattr(JsonlLog, "append", append)
    monkeypatch.setattr(RunCheckpoints, "save", save)
    calls.clear()
    run(part, "--retrain", "continue", "--no-full", "-s", strategy)
    rounds = ["round 2"] if stop_at == "checkpoint" else ["replay 1", "round 2"]
    if strategy == "beam_uncertainty":
        rounds = ["round 2", "peer 2"]
    assert calls == [*rounds, "round 0", "round 1", "round 2"], "then random, from scratch"
    assert not (part / ".checkpoints").exists()
    assert sorted(measured(rows(whole))) == sorted(measured(rows(part)))


def test_an_interrupted_replay_goes_on_from_its_last_replayed_round(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run without a checkpoint (it ran with --no-checkpoints) replays its rounds on
    resume, checkpointing each: stopped during the replay, the next resume replays only
    the rounds after the last checkpointed one. The rows equal an uninterrupted run's."""
    from spacy_al.benchmark.checkpoints import RunCheckpoints
    from spacy_al.benchmark.results import JsonlLog
    from spacy_al.training.trainer import Trainer

    whole = tmp_path / "whole"
    run(whole, "--retrain", "continue", "--no-full", "-s", "mnlp")
    calls: list[str] = []
    save = RunCheckpoints.save
    append, append_then_stop = _stop_after_row("mnlp", 1)

    def save_then_stop(self, trainers, round_):  # type: ignore[no-untyped-def]
        save(self, trainers, round_)
        raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "train", _spy_on_training(calls))
    monkeypatch.setattr(JsonlLog, "append", append_then_stop)
    part = tmp_path / "part"
    with pytest.raises(AssertionError):  # rounds 0 and 1 recorded, no checkpoint
        run(part, "--retrain", "continue", "--no-full", "-s", "mnlp", "--no-checkpoints")
    monkeypatch.setattr(JsonlLog, "append", append)
    monkeypatch.setattr(RunCheckpoints, "save", save_then_stop)
    calls.clear()
    with pytest.raises(AssertionError):  # stopped right after replaying round 0
        run(part, "--retrain", "continue", "--no-full", "-s", "mnlp")
    assert calls == ["replay 0"]
    monkeypatch.setattr(RunCheckpoints, "save", save)
    calls.clear()
    run(part, "--retrain", "continue", "--no-full", "-s", "mnlp")
    assert calls[:2] == ["replay 1", "round 2"]
    assert sorted(measured(rows(whole))) == sorted(measured(rows(part)))


def test_a_full_data_run_stopped_between_passes_resumes_from_its_last_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The full-data run is one long round: it is checkpointed after each pass, and a
    rerun goes on from the last saved pass. Its row equals an uninterrupted run's."""
    from spacy_al.benchmark.checkpoints import RunCheckpoints
    from spacy_al.training.trainer import Trainer

    full = ["-s", "random", "--max-rounds", "1", "--full-epochs", "3", "--holdout", "0.2",
            "--patience", "3"]
    whole = tmp_path / "whole"
    run(whole, *full)
    save_pass = RunCheckpoints.save_pass

    def save_then_stop(self, trainer, progress):  # type: ignore[no-untyped-def]
        save_pass(self, trainer, progress)
        if progress.passes == 2:
            raise KeyboardInterrupt

    calls: list[str] = []
    monkeypatch.setattr(Trainer, "train", _spy_on_training(calls))
    monkeypatch.setattr(RunCheckpoints, "save_pass", save_then_stop)
    part = tmp_path / "part"
    with pytest.raises(AssertionError):
        run(part, *full)
    saved = part / ".checkpoints" / "full-seed0" / "main" / "progress.json"
    assert json.loads(saved.read_text())["passes"] == 2
    monkeypatch.setattr(RunCheckpoints, "save_pass", save_pass)
    calls.clear()
    run(part, *full)
    assert calls[0] == "full seed 0 resumed"
    assert not (part / ".checkpoints").exists()
    want, got = ([r for r in rows(out) if r["strategy"] == "full"] for out in (whole, part))
    assert measured(got) == measured(want)
    assert [r["train_passes"] for r in got] == [r["train_passes"] for r in want] == [3]


def test_a_round_whose_selection_was_recorded_before_a_stop_keeps_the_selections_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped after round 2's selection was written but before round 1's row: the rerun
    trains round 1 again and its row reports the recorded selection's scoring time."""
    from spacy_al.benchmark.results import JsonlLog

    append = JsonlLog.append

    def append_then_stop(self, row):  # type: ignore[no-untyped-def]
        append(self, row)
        if row.get("strategy") == "mnlp" and row.get("round") == 2 and "indices" in row:
            raise KeyboardInterrupt

    monkeypatch.setattr(JsonlLog, "append", append_then_stop)
    out = tmp_path / "part"
    with pytest.raises(AssertionError):
        run(out, "--retrain", "continue", "--no-full", "-s", "mnlp")
    assert [r["round"] for r in rows(out)] == [0]
    monkeypatch.setattr(JsonlLog, "append", append)
    run(out, "--retrain", "continue", "--no-full", "-s", "mnlp")
    selections = [json.loads(line) for line in (out / "selections.jsonl").open()]
    selected = {(r["strategy"], r["round"]): r["score_seconds"] for r in selections}
    assert selected[("mnlp", 2)] > 0
    for row in rows(out):
        if row["strategy"] == "mnlp" and row["round"] < 2:
            want = selected[("mnlp", row["round"] + 1)]
            assert row["score_seconds"] == pytest.approx(want, abs=0.005)
