"""``spacy-al benchmark``: strategies x seeds on one corpus, learning curves and a summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from click.core import ParameterSource

from ..benchmark.settings import BenchmarkSettings, default_of, read_config
from ..corpora.options import SourceOptions
from ..registry import help_names
from ._app import app
from .source_flags import with_source_options


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


FLAG_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "strategies": ("strategies", lambda v: _csv(v)), "seeds": ("seeds", lambda v: [int(s) for
                                                                            s in _csv(v)]),
    "selector": ("selector", str), "selector_options": ("selector_options", json.loads),
    "architecture": ("architecture", str), "model_name": ("model_name", lambda v: v),
    "width": ("tok2vec_width", int), "unit": ("unit", str), "seed_size": ("seed_size", float),
    "query_size": ("query_size", float), "budget": ("budget", float),
    "max_rounds": ("max_rounds", int), "epochs": ("epochs", int),
    "min_steps": ("min_steps", int), "full_epochs": ("full_epochs", int),
    "batch_size": ("batch_size", int), "learn_rate": ("learn_rate", float),
    "retrain": ("retrain", str), "pool_sample": ("pool_sample", int),
    "test_limit": ("test_limit", int), "corpus": ("corpus", str),
    "options": ("strategy_options", json.loads), "full": ("full", bool),
    "holdout": ("holdout", float), "patience": ("patience", int),
    "warmup_only": ("min_steps_fresh_only", bool), "lr_schedule": ("lr_schedule", str),
    "score_subsample": ("score_subsample", float), "baseline": ("baseline", bool),
    "quantize": ("quantize", bool), "bf16": ("mixed_precision", bool),
}
"""Each settings flag -> its :class:`BenchmarkSettings` field and how the flag's text reads."""


def _d(name: str) -> Any:
    """A flag's default: the setting's, declared once in :class:`BenchmarkSettings`."""
    value = default_of(name)
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return json.dumps(value) if isinstance(value, dict) else value


@app.command("benchmark")
@with_source_options
def benchmark_cli(
    ctx: typer.Context,
    train: Path = typer.Argument(..., help="Pool: the train split (CoNLL, OntoNotes, JSONL, "
                                 ".spacy)", exists=True),
    test: Path = typer.Argument(..., help="Test split, scored with seqeval", exists=True),
    output: Path = typer.Option(..., "--output", "-o", help="Output folder (resumed if it "
                                "holds a run with the same settings)"),
    config: Path | None = typer.Option(None, "--config", "-c", exists=True, dir_okay=False,
                                       help="Settings file (.cfg, a [benchmark] section with "
                                       "the settings below, e.g. spacy_al/configs/benchmark/"
                                       "transformer.cfg); flags given override it"),
    strategies: str = typer.Option(_d("strategies"), "--strategies", "-s",
                                   help="Comma-separated: "
                                   f"{help_names('strategy')}, beam_uncertainty "
                                   "(random is added unless --no-baseline; \"\" with "
                                   "--no-baseline --full: the full-data run alone); "
                                   "<name>-diverse (e.g. mnlp-diverse): that strategy with "
                                   "spacy-al.DiverseTopK.v1"),
    selector: str = typer.Option(_d("selector"), "--selector",
                                 help="Registered selector of the plain strategy names "
                                 f"({help_names('selector')})"),
    selector_options: str = typer.Option(_d("selector_options"), "--selector-options",
                                         help='JSON, e.g. {"candidates": 3}'),
    seeds: str = typer.Option(_d("seeds"), "--seeds", help="Comma-separated seeds"),
    architecture: str = typer.Option(_d("architecture"), "--architecture", "-a",
                                     help="tok2vec (CPU) or transformer"),
    model_name: str | None = typer.Option(_d("model_name"), "--model-name",
                                          help="Transformer: hub name or folder (default: "
                                          "the embedded MiniLM)"),
    width: int = typer.Option(_d("tok2vec_width"), "--width", help="tok2vec width"),
    unit: str = typer.Option(_d("unit"), "--unit", help="tokens or sentences"),
    seed_size: float = typer.Option(_d("seed_size"), "--seed-size",
                                    help="<1: share of the pool"),
    query_size: float = typer.Option(_d("query_size"), "--query-size",
                                     help="<1: share of the pool"),
    budget: float = typer.Option(_d("budget"), "--budget", help="Stop at this size (<1: share)"),
    max_rounds: int = typer.Option(_d("max_rounds"), "--max-rounds",
                                   help="Stop after N rounds (0: budget)"),
    epochs: int = typer.Option(_d("epochs"), "--epochs", help="Epochs per round"),
    min_steps: int = typer.Option(_d("min_steps"), "--min-steps",
                                  help="At least N updates per round"),
    full_epochs: int = typer.Option(_d("full_epochs"), "--full-epochs",
                                    help="Epochs of the full-data run"),
    batch_size: int = typer.Option(_d("batch_size"), "--batch-size",
                                   help="Sentences per update"),
    learn_rate: float = typer.Option(_d("learn_rate"), "--learn-rate", help="Adam learning rate"),
    retrain: str = typer.Option(_d("retrain"), "--retrain", help="scratch or continue"),
    pool_sample: int = typer.Option(_d("pool_sample"), "--pool-sample",
                                    help="Sample N pool sentences (seed 0; 0: all)"),
    test_limit: int = typer.Option(_d("test_limit"), "--test-limit",
                                   help="First N test sentences (0: all)"),
    corpus: str = typer.Option(_d("corpus"), "--corpus",
                               help="Name in the report (default: folder)"),
    options: str = typer.Option(_d("strategy_options"), "--strategy-options",
                                help='JSON, e.g. {"bald": {"n_samples": 10}}'),
    full: bool = typer.Option(_d("full"), "--full/--no-full", help="Full-data reference run"),
    holdout: float = typer.Option(_d("holdout"), "--holdout", help="Early stopping on this "
                                  "share of the labelled set (0: fixed epochs)"),
    patience: int = typer.Option(_d("patience"), "--patience", help="Passes without a better "
                                 "held-out F1 before a round's training stops"),
    warmup_only: bool = typer.Option(_d("min_steps_fresh_only"), "--min-steps-fresh-only",
                                     help="--min-steps binds a fresh model only (continued "
                                     "rounds: early stopping or --epochs)"),
    lr_schedule: str = typer.Option(_d("lr_schedule"), "--lr-schedule", help="constant or "
                                    "warmup_linear (per round: a tenth warm-up, then "
                                    "linear decay over the round's planned passes)"),
    score_subsample: float = typer.Option(_d("score_subsample"), "--score-subsample",
                                          help="Score a random share of the unlabelled pool "
                                          "per round (0: all)"),
    baseline: bool = typer.Option(_d("baseline"), "--baseline/--no-baseline", help="Add the "
                                  "random baseline to --strategies"),
    quantize: bool = typer.Option(_d("quantize"), "--int8-scoring/--fp32-scoring",
                                  help="Transformer: score the pool with an int8 encoder"),
    bf16: bool = typer.Option(_d("mixed_precision"), "--bf16-training/--fp32-training",
                              help="Transformer: train under bfloat16 autocast"),
    report_only: bool = typer.Option(False, "--report-only",
                                     help="Only rebuild the plot and summary"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bars"),
    checkpoints: bool = typer.Option(True, "--checkpoints/--no-checkpoints", help="--retrain "
                                     "continue: keep each run's latest round in OUTPUT/"
                                     ".checkpoints, so a resumed run does not retrain it"),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU to train and score on (-1: CPU)"),
    *,
    source_options: SourceOptions,
) -> None:
    """Benchmark acquisition strategies against random sampling (and a full-data run).

    Writes results.jsonl (one row per strategy, seed and round, appended as it goes),
    selections.jsonl, learning_curve.png and summary.md to OUTPUT. Interrupt at any time:
    the same command resumes where it stopped.
    """
    # imported here: matplotlib and seqeval would slow every `spacy-al` command
    from ..benchmark.plot import PLOT_FILE
    from ..benchmark.report import SUMMARY_FILE, write_report
    from ..benchmark.results import RESULTS_FILE, SELECTIONS_FILE
    from ..benchmark.runner import run_benchmark

    if report_only:
        for path in write_report(output):
            typer.echo(f"Wrote {path}")
        return
    given = {field: read(ctx.params[flag]) for flag, (field, read) in FLAG_FIELDS.items()
             if ctx.get_parameter_source(flag) is not ParameterSource.DEFAULT}
    given.update(source_settings(source_options))
    from_file = read_config(config) if config is not None else {}
    settings = BenchmarkSettings(train=str(train), test=str(test), **{**from_file, **given})
    if gpu_id >= 0:
        from spacy import require_gpu

        require_gpu(gpu_id)
    folder = run_benchmark(settings, output, progress=progress, checkpoints=checkpoints)
    names = (RESULTS_FILE, SELECTIONS_FILE, PLOT_FILE, SUMMARY_FILE)
    typer.echo(f"Results in {folder}: {', '.join(n for n in names if (folder / n).is_file())}")


def source_settings(options: SourceOptions) -> dict[str, Any]:
    """The settings the source flags given on the command line set: ``format`` (the
    loader) and ``source`` (the other options)."""
    given = options.given()
    loader = given.pop("loader", default_of("format"))
    settings: dict[str, Any] = {} if loader == default_of("format") else {"format": loader}
    if given:
        settings["source"] = given
    return settings
