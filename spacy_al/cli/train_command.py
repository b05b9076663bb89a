"""``spacy-al train OUTPUT --ner DATASET[,eval:DATASET]``: a real ``spacy train`` on
annotated datasets (:mod:`spacy_al.training.pipeline_training` does the work).

Extra ``--section.key value`` arguments override the config, as with ``spacy train``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import SpacyALError
from ..store.export import EVAL_SPLIT
from ._app import app
from .db_commands import DbOption

CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def names(value: str) -> list[str]:
    """Comma-separated dataset names."""
    return [name.strip() for name in value.split(",") if name.strip()]


def echo_scores(result: dict[str, Any]) -> None:
    for key in ("ents_p", "ents_r", "ents_f"):
        if result.get(key) is not None:
            typer.echo(f"  {key}: {result[key]:.3f}")
    for label, row in sorted((result.get("ents_per_type") or {}).items()):
        typer.echo(f"  {label:<16} P {row['p']:.3f}  R {row['r']:.3f}  F {row['f']:.3f}")


NerOption = Annotated[str, typer.Option(
    "--ner", "-n", help="Comma-separated datasets for the named entity recognizer; "
    "eval:NAME evaluates on NAME (e.g. --ner news,eval:news_eval).")]
EvalOption = Annotated[str, typer.Option(
    "--eval", help="Comma-separated datasets to evaluate on (else --eval-split).")]
EvalSplitOption = Annotated[float, typer.Option(
    "--eval-split", "-es", help="Share of the sentences held out for evaluation when no "
    "evaluation dataset is given.")]
BaseModelOption = Annotated[Path | None, typer.Option(
    "--base-model", "-m", help="Optional spaCy pipeline to update (with al_ner, or any "
    "pipeline with an ner component).")]
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", "-c", help="spaCy config (default: configs/ner_tok2vec.cfg; "
    "ner_transformer.cfg with --gpu-id).", show_default=False)]
GpuOption = Annotated[int, typer.Option("--gpu-id", "-g", help="GPU ID or -1 for CPU.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the eval split.")]


@app.command("train", context_settings=CONTEXT)
def train_cli(
    ctx: typer.Context,
    output: Annotated[Path, typer.Argument(help="Output folder (model-best, model-last).")],
    ner: NerOption,
    eval_datasets: EvalOption = "",
    eval_split: EvalSplitOption = EVAL_SPLIT,
    base_model: BaseModelOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    gpu_id: GpuOption = -1,
    seed: SeedOption = 0,
) -> None:
    """Train a NER pipeline on annotated datasets with spaCy's training (prodigy train)."""
    from spacy.cli._util import parse_config_overrides

    from ..training.pipeline_training import train

    try:
        result = train(output, names(ner), eval_datasets=names(eval_datasets),
                       eval_split=eval_split, base_model=base_model, config=config, db=db,
                       gpu_id=gpu_id, seed=seed,
                       overrides=parse_config_overrides(list(ctx.args)))
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Best model: {output / 'model-best'}")
    echo_scores(result)
