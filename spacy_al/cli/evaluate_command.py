"""``spacy-al evaluate``: seqeval entity F1 and words/s of a pipeline on a corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..corpora.options import SourceOptions
from ..errors import SpacyALError
from ._app import app
from .source_flags import with_source_options

if TYPE_CHECKING:
    from ..pipeline.evaluation import Evaluation


def evaluate(
    model: str | Path, data: str | Path, fmt: str = "auto", limit: int = 0,
    source_options: SourceOptions | None = None,
) -> Evaluation:
    """Load ``model`` and evaluate it on ``data`` (any format the readers read, as
    ``source_options`` say; ``fmt`` is the loader when they are not given)."""
    import spacy  # imported here: seqeval (sklearn, pandas) would slow every CLI start

    from ..pipeline.evaluation import evaluate_path

    read_with = (source_options or SourceOptions(loader=fmt)).given()
    return evaluate_path(spacy.load(model), data, limit=limit, **read_with)


@app.command("evaluate")
@with_source_options
def evaluate_cli(
    model: str = typer.Argument(..., help="Pipeline folder (with al_ner or any NER)"),
    data: Path = typer.Argument(..., help="Gold corpus: CoNLL, OntoNotes, JSONL, .spacy",
                                exists=True),
    limit: int = typer.Option(0, "--limit", help="Evaluate the first N sentences only (0: all)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the scores as JSON"),
    *,
    source_options: SourceOptions,
) -> None:
    """Entity-level precision, recall and F1 (seqeval, strict IOB2, micro) and words/s."""
    try:
        result = evaluate(model, data, limit=limit, source_options=source_options)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"{'type':<16}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}")
    for label, row in sorted(result.per_type.items()):
        typer.echo(f"{label:<16}{row['precision']:8.3f}{row['recall']:8.3f}{row['f1']:8.3f}"
                   f"{row['support']:9d}")
    typer.echo(f"{'micro':<16}{result.precision:8.3f}{result.recall:8.3f}{result.f1:8.3f}")
    typer.echo(f"{result.sentences} sentences, {result.words} words, "
               f"{result.words_per_second:,.0f} words/s")
    if output is not None:
        output.write_text(json.dumps(result.to_dict(), indent=2), encoding="utf8")
