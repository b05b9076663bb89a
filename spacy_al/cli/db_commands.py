"""Database commands: ``db-out``, ``data-to-spacy``, ``db-stats``, ``db-drop``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SpacyALError
from ..store.export import EVAL_SPLIT
from ._app import app

DbOption = Annotated[Path | None, typer.Option(
    "--db", help="SQLite database file (default: $SPACY_AL_DB or ~/.spacy_al/spacy_al.db).")]


def _fail(err: SpacyALError) -> typer.Exit:
    typer.echo(str(err), err=True)
    return typer.Exit(code=1)


@app.command("db-out")
def db_out_cli(
    dataset: Annotated[str, typer.Argument(help="Dataset to export.")],
    output: Annotated[Path | None, typer.Argument(
        help="Output file (default: standard output).", show_default=False)] = None,
    db: DbOption = None,
    answer: Annotated[str | None, typer.Option(
        "--answer", help="Only answers of this kind: accept, reject or ignore.")] = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="jsonl (every answer, as stored) or conll (merged gold, "
        "complete sentences only).")] = "jsonl",
) -> None:
    """Export a dataset's annotations as JSONL (Prodigy's task format) or CoNLL."""
    from ..store.database import connect
    from ..store.export import db_out

    try:
        database = connect(db)
        if output is None:
            db_out(database, dataset, sys.stdout, answer=answer, format=format)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf8") as handle:
            count = db_out(database, dataset, handle, answer=answer, format=format)
    except SpacyALError as err:
        raise _fail(err) from None
    typer.echo(f"Wrote {count} {'answers' if format == 'jsonl' else 'sentences'} to {output}",
               err=True)


@app.command("data-to-spacy")
def data_to_spacy_cli(
    out_dir: Annotated[Path, typer.Argument(help="Folder for train.spacy and dev.spacy.")],
    ner: Annotated[str, typer.Option(
        "--ner", help="Comma-separated datasets with NER annotations.")],
    db: DbOption = None,
    eval_split: Annotated[float, typer.Option(
        "--eval-split", "-es", help="Share of sentences held out as dev.spacy.")] = EVAL_SPLIT,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the train/dev split.")] = 0,
    lang: Annotated[str, typer.Option("--lang", help="Language of the vocab.")] = "en",
    conll: Annotated[bool, typer.Option(
        "--conll", help="Also write train.conll and dev.conll.")] = False,
) -> None:
    """Merge annotations per sentence and write spaCy DocBin train/dev files."""
    from ..store.database import connect
    from ..store.export import data_to_spacy

    names = [name.strip() for name in ner.split(",") if name.strip()]
    try:
        counts = data_to_spacy(connect(db), names, out_dir, eval_split=eval_split, seed=seed,
                               lang=lang, conll=conll)
    except SpacyALError as err:
        raise _fail(err) from None
    typer.echo(f"Wrote {out_dir}/train.spacy ({counts['train']} sentences) and "
               f"{out_dir}/dev.spacy ({counts['dev']} sentences)")
    if counts["second_answers_dropped"]:
        typer.echo(f"Kept the first session's answer of sentences answered twice: dropped "
                   f"{counts['second_answers_dropped']} later answer(s) (_answered_before_by)")


@app.command("db-stats")
def db_stats_cli(
    dataset: Annotated[str | None, typer.Argument(
        help="A dataset (default: list them all).", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """List the datasets of the database, or one dataset's answers per kind and session
    (also: spacy-al stats)."""
    from ..store.database import connect
    from ..store.dataset_report import dataset_stats

    try:
        database = connect(db)
        if dataset is None:
            lines = [f"Database {database.path}"] + [
                f"  {name:<30} {database.count(name):>7} answers" for name in database.datasets]
        else:
            lines = dataset_stats(database, dataset).lines()
    except SpacyALError as err:
        raise _fail(err) from None
    for line in lines:
        typer.echo(line)


@app.command("db-drop")
def db_drop_cli(
    dataset: Annotated[str, typer.Argument(help="Dataset to delete.")],
    db: DbOption = None,
) -> None:
    """Delete a dataset or a session (answers linked to no other dataset are deleted too;
    also: spacy-al drop)."""
    from ..store.database import connect

    try:
        dropped = connect(db).drop_dataset(dataset)
    except SpacyALError as err:
        raise _fail(err) from None
    if not dropped:
        typer.echo(f"No dataset {dataset!r}.", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"Dropped {dataset}.")
