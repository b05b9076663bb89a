"""The typer application behind the ``spacy-al`` command."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="spacy-al",
    help="Active learning for named-entity recognition with spaCy.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help, as Prodigy's: flags without a "<bool>" metavar
)


@app.callback()
def main() -> None:
    """Active learning for named-entity recognition with spaCy."""
