"""``spacy-al evaluate``: seqeval entity F1 and words/s of a pipeline on a corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ._app import app

if TYPE_CHECKING:
    from ..pipeline.evaluation import Evaluation


def evaluate(
    model: str | Path, data: str | Path, fmt: str = "auto", limit: int = 0
) -> Evaluation:
    """Load ``model`` and evaluate it on ``data`` (any format the readers read)."""
    import spacy  # imported here: seqeval (sklearn, pandas) would slow every CLI start

    from ..pipeline.evaluation import evaluate_path

    return evaluate_path(spacy.load(model), data, fmt=fmt, limit=limit)


@app.command("evaluate")
def evaluate_cli(
    model: str = typer.Argument(..., help="Pipeline folder (with al_ner or any NER)"),
    data: Path = typer.Argument(..., help="Gold corpus: CoNLL, OntoNotes, JSONL, .spacy",
                                exists=True),
    fmt: str = typer.Option("auto", "--format", "-f", help="conll, ontonotes, jsonl, spacy, auto"),
    limit: int = typer.Option(0, "--limit", help="Evaluate the first N sentences only (0: all)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the scores as JSON"),
) -> None:
    """Entity-level precision, recall and F1 (seqeval, strict IOB2, micro) and words/s."""
    result = evaluate(model, data, fmt=fmt, limit=limit)
    typer.echo(f"{'type':<16}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}")
    for label, row in sorted(result.per_type.items()):
        typer.echo(f"{label:<16}{row['precision']:8.3f}{row['recall']:8.3f}{row['f1']:8.3f}"
                   f"{row['support']:9d}")
    typer.echo(f"{'micro':<16}{result.precision:8.3f}{result.recall:8.3f}{result.f1:8.3f}")
    typer.echo(f"{result.sentences} sentences, {result.words} words, "
               f"{result.words_per_second:,.0f} words/s")
    if output is not None:
        output.write_text(json.dumps(result.to_dict(), indent=2), encoding="utf8")
