"""``spacy-al train-curve --ner DATASET``: train on 25/50/75/100 % and print the F1 of
each (:mod:`spacy_al.training.train_curve` does the work)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import SpacyALError
from ..store.export import EVAL_SPLIT
from ._app import app
from .db_commands import DbOption
from .train_command import (
    CONTEXT,
    BaseModelOption,
    ConfigOption,
    EvalOption,
    EvalSplitOption,
    GpuOption,
    NerOption,
    SeedOption,
    names,
)


@app.command("train-curve", context_settings=CONTEXT)
def train_curve_cli(
    ctx: typer.Context,
    ner: NerOption,
    eval_datasets: EvalOption = "",
    eval_split: EvalSplitOption = EVAL_SPLIT,
    n_samples: Annotated[int, typer.Option(
        "--n-samples", "-ns", help="Number of samples to train, e.g. 4 for 25%, 50%, 75% "
        "and 100%.")] = 4,
    base_model: BaseModelOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    gpu_id: GpuOption = -1,
    seed: SeedOption = 0,
) -> None:
    """Train a model with portions of the data to test whether more data improves
    accuracy: the same training as spacy-al train, on 25, 50, 75 and 100 % of the
    sentences, scored on the same evaluation sentences."""
    from spacy.cli._util import parse_config_overrides

    from ..training.train_curve import CurveStep, fractions_of, train_curve

    def report(step: CurveStep) -> None:
        typer.echo(f"Trained on {step.fraction:.0%} ({step.sentences} sentences): "
                   f"ents_f {step.f1:.3f}", err=True)

    try:
        fractions = fractions_of(n_samples)
        typer.echo(f"Training {len(fractions)} times with "
                   f"{', '.join(f'{f:.0%}' for f in fractions)} of the data", err=True)
        curve = train_curve(names(ner), fractions=fractions, on_step=report,
                            base_model=base_model, gpu_id=gpu_id, seed=seed,
                            overrides=parse_config_overrides(list(ctx.args)),
                            eval_datasets=names(eval_datasets), eval_split=eval_split,
                            config=config, db=db)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Evaluated on {curve.dev_sentences} sentences")
    for line in curve.lines():
        typer.echo(line)
    typer.echo(curve.verdict())
