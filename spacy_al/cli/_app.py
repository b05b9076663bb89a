"""The typer application behind the ``spacy-al`` command."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="spacy-al",
    help="Active learning for named-entity recognition with spaCy.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Active learning for named-entity recognition with spaCy."""
