"""``spacy-al benchmark``: strategies x seeds on one corpus, learning curves and a summary."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..acquisition.selectors import DEFAULT_SELECTOR
from ..benchmark.settings import DEFAULT_STRATEGIES, BenchmarkSettings
from ..corpora.options import SourceOptions
from ._app import app
from .source_flags import with_source_options


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@app.command("benchmark")
@with_source_options
def benchmark_cli(
    train: Path = typer.Argument(..., help="Pool: the train split (CoNLL, OntoNotes, JSONL, "
                                 ".spacy)", exists=True),
    test: Path = typer.Argument(..., help="Test split, scored with seqeval", exists=True),
    output: Path = typer.Option(..., "--output", "-o", help="Output folder (resumed if it "
                                "holds a run with the same settings)"),
    strategies: str = typer.Option(",".join(DEFAULT_STRATEGIES), "--strategies", "-s",
                                   help="Comma-separated: mnlp, token_entropy, bald, "
                                   "least_confidence, margin, random, beam_uncertainty "
                                   "(random is added unless --no-baseline; \"\" with "
                                   "--no-baseline --full: the full-data run alone); "
                                   "<name>-diverse (e.g. mnlp-diverse): that strategy with "
                                   "spacy-al.DiverseTopK.v1"),
    selector: str = typer.Option(DEFAULT_SELECTOR, "--selector",
                                 help="Registered selector of the plain strategy names "
                                 "(spacy-al.TopK.v1, spacy-al.DiverseTopK.v1, ...)"),
    selector_options: str = typer.Option("{}", "--selector-options",
                                         help='JSON, e.g. {"candidates": 3}'),
    seeds: str = typer.Option("0,1,2", "--seeds", help="Comma-separated seeds"),
    architecture: str = typer.Option("tok2vec", "--architecture", "-a",
                                     help="tok2vec (CPU) or transformer"),
    model_name: str | None = typer.Option(None, "--model-name",
                                          help="Transformer: hub name or folder (default: "
                                          "the embedded MiniLM)"),
    width: int = typer.Option(96, "--width", help="tok2vec width"),
    unit: str = typer.Option("tokens", "--unit", help="tokens or sentences"),
    seed_size: float = typer.Option(0.02, "--seed-size", help="<1: share of the pool"),
    query_size: float = typer.Option(0.02, "--query-size", help="<1: share of the pool"),
    budget: float = typer.Option(0.30, "--budget", help="Stop at this size (<1: share)"),
    max_rounds: int = typer.Option(0, "--max-rounds", help="Stop after N rounds (0: budget)"),
    epochs: int = typer.Option(10, "--epochs", help="Epochs per round"),
    min_steps: int = typer.Option(0, "--min-steps", help="At least N updates per round"),
    full_epochs: int = typer.Option(10, "--full-epochs", help="Epochs of the full-data run"),
    batch_size: int = typer.Option(32, "--batch-size", help="Sentences per update"),
    learn_rate: float = typer.Option(0.001, "--learn-rate", help="Adam learning rate"),
    retrain: str = typer.Option("scratch", "--retrain", help="scratch or continue"),
    pool_sample: int = typer.Option(0, "--pool-sample", help="Sample N pool sentences "
                                    "(seed 0; 0: all)"),
    test_limit: int = typer.Option(0, "--test-limit", help="First N test sentences (0: all)"),
    corpus: str = typer.Option("", "--corpus", help="Name in the report (default: folder)"),
    options: str = typer.Option("{}", "--strategy-options",
                                help='JSON, e.g. {"bald": {"n_samples": 10}}'),
    full: bool = typer.Option(True, "--full/--no-full", help="Full-data reference run"),
    holdout: float = typer.Option(0.0, "--holdout", help="Early stopping on this share of "
                                  "the labelled set (0: fixed epochs)"),
    patience: int = typer.Option(1, "--patience", help="Passes without a better held-out "
                                 "F1 before a round's training stops"),
    warmup_only: bool = typer.Option(False, "--min-steps-fresh-only", help="--min-steps "
                                     "binds a fresh model only (continued rounds: early "
                                     "stopping or --epochs)"),
    lr_schedule: str = typer.Option("constant", "--lr-schedule", help="constant or "
                                    "warmup_linear (per round: a tenth warm-up, then "
                                    "linear decay over the round's planned passes)"),
    score_subsample: float = typer.Option(0.0, "--score-subsample", help="Score a random "
                                          "share of the unlabelled pool per round (0: all)"),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Add the random "
                                  "baseline to --strategies"),
    quantize: bool = typer.Option(False, "--int8-scoring/--fp32-scoring",
                                  help="Transformer: score the pool with an int8 encoder"),
    bf16: bool = typer.Option(False, "--bf16-training/--fp32-training",
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
    settings = BenchmarkSettings(
        train=str(train), test=str(test), corpus=corpus, strategies=_csv(strategies),
        seeds=[int(s) for s in _csv(seeds)], architecture=architecture, model_name=model_name,
        tok2vec_width=width, unit=unit, seed_size=seed_size, query_size=query_size,
        budget=budget, max_rounds=max_rounds, epochs=epochs, min_steps=min_steps,
        full_epochs=full_epochs,
        batch_size=batch_size, learn_rate=learn_rate, retrain=retrain, pool_sample=pool_sample,
        test_limit=test_limit, format=source_options.loader,
        source={k: v for k, v in source_options.given().items() if k != "loader"},
        strategy_options=json.loads(options), full=full,
        holdout=holdout, patience=patience, score_subsample=score_subsample, quantize=quantize,
        mixed_precision=bf16, lr_schedule=lr_schedule,
        min_steps_fresh_only=warmup_only, selector=selector,
        selector_options=json.loads(selector_options), baseline=baseline,
    )
    if gpu_id >= 0:
        from spacy import require_gpu

        require_gpu(gpu_id)
    folder = run_benchmark(settings, output, progress=progress, checkpoints=checkpoints)
    names = (RESULTS_FILE, SELECTIONS_FILE, PLOT_FILE, SUMMARY_FILE)
    typer.echo(f"Results in {folder}: {', '.join(n for n in names if (folder / n).is_file())}")
