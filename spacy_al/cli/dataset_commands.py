"""Prodigy's dataset commands: ``stats``, ``drop`` (``db-stats``, ``db-drop`` under
Prodigy's names), ``progress``, ``db-merge`` and ``print-dataset``.

The work is in :mod:`spacy_al.store.dataset_report`; these print it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import SpacyALError
from ._app import app
from .db_commands import DbOption, _fail, db_drop_cli, db_stats_cli

app.command("stats", help="Print the datasets of the database, or one dataset's "
            "statistics: answers per kind and session (as db-stats).")(db_stats_cli)
app.command("drop", help="Remove a dataset or annotation session from the database "
            "(as db-drop).")(db_drop_cli)


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


@app.command("progress")
def progress_cli(
    datasets: Annotated[str, typer.Argument(help="Comma-separated datasets.")],
    interval: Annotated[str, typer.Option(
        "--interval", "-i", help="Interval: day, week, month, quarter or year.")] = "month",
    db: DbOption = None,
) -> None:
    """View the annotation progress of one or more datasets over time."""
    from ..store.database import connect
    from ..store.dataset_report import progress

    try:
        rows = progress(connect(db), _names(datasets), interval)
    except SpacyALError as err:
        raise _fail(err) from None
    typer.echo(f"{'':<12}{'New':>8}{'Unique':>8}{'Total':>8}{'Unique':>8}")
    for row in rows:
        typer.echo(f"{row.period:<12}{row.new_answers:>8}{row.new_sentences:>8}"
                   f"{row.total_answers:>8}{row.total_sentences:>8}")
    if not rows:
        typer.echo("No annotations yet.")


@app.command("db-merge")
def db_merge_cli(
    in_sets: Annotated[str, typer.Argument(help="Comma-separated names of datasets to "
                                           "merge.")],
    output_set: Annotated[str, typer.Argument(help="Name of dataset to save the merged "
                                              "examples to.")],
    rehash: Annotated[bool, typer.Option(
        "--rehash", "-R", help="Force-update all hashes assigned to examples.")] = False,
    dry: Annotated[bool, typer.Option(
        "--dry", "-D", help="Perform a dry run and don't save anything.")] = False,
    db: DbOption = None,
) -> None:
    """Merge two or more existing datasets into a new set, e.g. to create a final dataset
    that can be reannotated or exported."""
    from ..store.database import connect
    from ..store.dataset_report import merge_datasets

    try:
        read, new = merge_datasets(connect(db), _names(in_sets), output_set, rehash=rehash,
                                   dry=dry)
    except SpacyALError as err:
        raise _fail(err) from None
    if dry:
        typer.echo(f"Dry run: would merge {read} answers from {in_sets} into {output_set}.")
        return
    typer.echo(f"Merged {read} answers from {in_sets} into {output_set} ({new} new).")


@app.command("print-dataset")
def print_dataset_cli(
    dataset: Annotated[str, typer.Argument(help="Dataset to print.")],
    answer: Annotated[str | None, typer.Option(
        "--answer", help="Only answers of this kind: accept, reject or ignore.",
        show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", help="Print at most N answers (0: "
                                       "all).")] = 0,
    db: DbOption = None,
) -> None:
    """Pretty-print annotations from a given dataset on the command line: each answer,
    its session and its text with the entities marked [text LABEL]."""
    from ..store.database import connect
    from ..store.dataset_report import render_answer
    from ..store.export import read_datasets

    try:
        examples = read_datasets(connect(db), [dataset])
    except SpacyALError as err:
        raise _fail(err) from None
    shown = [eg for eg in examples if answer is None or eg.get("answer") == answer]
    for eg in shown[:limit] if limit > 0 else shown:
        typer.echo(render_answer(eg))
