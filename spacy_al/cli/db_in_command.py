"""``spacy-al db-in DATASET FILE``: import annotations (Prodigy JSONL, DocBin, CoNLL, ...)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..corpora.options import SourceOptions
from ..errors import SpacyALError
from ._app import app
from .db_commands import DbOption
from .source_flags import with_source_options


@app.command("db-in")
@with_source_options
def db_in_cli(
    dataset: Annotated[str, typer.Argument(help="Dataset to add the annotations to.")],
    source: Annotated[str, typer.Argument(
        help="Prodigy JSONL, .spacy DocBin, CoNLL, OntoNotes, or a Hugging Face dataset.")],
    source_options: SourceOptions,
    db: DbOption = None,
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
) -> None:
    """Import annotations into DATASET; rerunning with the same file adds nothing."""
    from ..corpora import duplicates_note
    from ..store.database import connect
    from ..store.importer import import_file

    try:
        result = import_file(connect(db), dataset, source, answer=answer, session=session,
                             rehash=rehash, lang=lang, source_options=source_options)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    note = duplicates_note(result.duplicates)
    if note and result.conflicting:
        note += f" ({result.conflicting} with other entities than their first copy)"
    typer.echo(f"Imported {result.kept} answers from {source} into {dataset} "
               f"({result.new} new, {result.kept - result.new} already there)"
               + (f"; {note}" if note else ""))
    for name, count in sorted(result.sessions.items()):
        typer.echo(f"  {name}: {count}")


__all__ = ["db_in_cli"]
