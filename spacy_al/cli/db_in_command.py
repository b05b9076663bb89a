"""``spacy-al db-in DATASET FILE``: import annotations (Prodigy JSONL, DocBin, CoNLL, ...)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import SpacyALError
from ._app import app
from .db_commands import DbOption


@app.command("db-in")
def db_in_cli(
    dataset: Annotated[str, typer.Argument(help="Dataset to add the annotations to.")],
    source: Annotated[str, typer.Argument(
        help="Prodigy JSONL, .spacy DocBin, CoNLL, OntoNotes, or a Hugging Face dataset.")],
    db: DbOption = None,
    loader: Annotated[str, typer.Option(
        "--loader", "-lo", help="auto (from the content), jsonl, spacy, conll, ontonotes, "
        "hf.")] = "auto",
    answer: Annotated[str, typer.Option(
        "--answer", help="Answer of the tasks that have none: accept, reject or ignore.")
    ] = "accept",
    session: Annotated[str | None, typer.Option(
        "--session", help="Session of the tasks without _session_id (stored as "
        "DATASET-NAME; default: the file's stem).", show_default=False)] = None,
    rehash: Annotated[bool, typer.Option(
        "--rehash", help="Recompute _input_hash and _task_hash even where present.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Tokenizer for tasks without "
                                      "tokens.")] = "en",
    split: Annotated[str | None, typer.Option("--split", help="hf: the split.")] = None,
    tokens_column: Annotated[str | None, typer.Option(
        "--tokens-column", help="hf: tokens column (default: tokens).")] = None,
    tags_column: Annotated[str | None, typer.Option(
        "--tags-column", help="hf: tags column (default: ner_tags).")] = None,
) -> None:
    """Import annotations into DATASET; rerunning with the same file adds nothing."""
    from ..store.database import connect
    from ..store.importer import import_file

    given = {"split": split, "tokens_column": tokens_column, "tags_column": tags_column}
    options = {key: value for key, value in given.items() if value is not None}
    try:
        result = import_file(connect(db), dataset, source, loader=loader, answer=answer,
                             session=session, rehash=rehash, lang=lang, **options)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Imported {result.read} answers from {source} into {dataset} "
               f"({result.new} new, {result.read - result.new} already there)")
    for name, count in sorted(result.sessions.items()):
        typer.echo(f"  {name}: {count}")


__all__ = ["db_in_cli"]
