"""``spacy-al spacy-config OUTPUT --ner DATASET``: a spaCy training config that reads the
datasets from the database (:mod:`spacy_al.training.dataset_corpus` does the work)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import SpacyALError
from ..store.export import EVAL_SPLIT
from ._app import app
from .db_commands import DbOption
from .train_command import (
    BaseModelOption,
    ConfigOption,
    EvalSplitOption,
    GpuOption,
    NerOption,
    SeedOption,
    names,
)


@app.command("spacy-config")
def spacy_config_cli(
    output: Annotated[Path, typer.Argument(help="Config file to write, e.g. config.cfg.")],
    ner: NerOption,
    eval_split: EvalSplitOption = EVAL_SPLIT,
    base_model: BaseModelOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    gpu_id: GpuOption = -1,
    seed: SeedOption = 0,
) -> None:
    """Generate a starter config for training from the datasets: spacy train reads them
    from the database (reader spacy-al.Datasets.v1), split as spacy-al train splits them."""
    from ..store.database import default_db_path
    from ..training.dataset_corpus import spacy_config

    database = (db or default_db_path()).resolve()
    try:
        path = spacy_config(output, names(ner), db=database, eval_split=eval_split, seed=seed,
                            config=config, gpu_id=gpu_id, base_model=base_model)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Wrote {path}. Train with: python -m spacy train {path} --output ./model")
