"""``spacy-al annotate RECIPE [ARGS]...``: run a recipe's annotation server.

::

    spacy-al annotate ner.al-correct                 # WikiGold sample, embedded model
    spacy-al annotate ner.al-correct news ./model news.jsonl --label PER,ORG --port 8081
    spacy-al annotate my.recipe ds data.jsonl -F my_recipe.py
    spacy-al annotate ner.manual --help              # a recipe's own help
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SpacyALError
from ._app import app

CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def _print_overview() -> None:
    from ..recipe_runtime.decorator import get_recipe, list_recipes

    typer.echo("Usage: spacy-al annotate RECIPE [ARGS]... [--db PATH] [--host HOST] "
               "[--port PORT] [--token T] [--allowed-host H] [-F FILE.py]\n\nRecipes:")
    for name in list_recipes():
        doc = (get_recipe(name).__doc__ or "").strip().splitlines()
        typer.echo(f"  {name:<18} {doc[0] if doc else ''}")
    typer.echo("\nspacy-al annotate RECIPE --help shows a recipe's arguments.")


@app.command("annotate", context_settings=CONTEXT, add_help_option=False)
def annotate_cli(
    ctx: typer.Context,
    recipe_name: Annotated[str | None, typer.Argument(
        metavar="RECIPE", help="Recipe name, e.g. ner.al-correct.", show_default=False)] = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="SQLite database file (default: $SPACY_AL_DB or "
        "~/.spacy_al/spacy_al.db).")] = None,
    host: Annotated[str, typer.Option("--host", help="Host to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    file: Annotated[list[Path] | None, typer.Option(
        "-F", "--file", help="Python file defining more recipes.")] = None,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "warning",
    token: Annotated[str | None, typer.Option(
        "--token", help="Require this token on every API request (default: "
        "$SPACY_AL_TOKEN; generated when --host is not a loopback address).",
        show_default=False)] = None,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="Also accept requests for this Host name (repeatable; "
        "loopback names and --host are always accepted).", show_default=False)] = None,
) -> None:
    """Start the annotation server for RECIPE; ARGS are the recipe's (see RECIPE --help)."""
    args = list(ctx.args)
    wants_help = any(a in ("--help", "-h") for a in args)
    try:
        if recipe_name is None or recipe_name in ("--help", "-h"):
            _print_overview()
            return
        if wants_help:
            from ..recipe_runtime.decorator import get_recipe, import_file
            from ..recipe_runtime.recipe_args import recipe_help

            for path in file or []:
                import_file(path)
            typer.echo(recipe_help(get_recipe(recipe_name)))
            return
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                            datefmt="%H:%M:%S")
        logging.getLogger("spacy_al").setLevel(logging.INFO)
        from ..recipe_runtime.launch import run_annotate

        run_annotate(recipe_name, args, db_path=db, host=host, port=port, files=file,
                     log_level=log_level, token=token, allowed_hosts=allowed_host)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
