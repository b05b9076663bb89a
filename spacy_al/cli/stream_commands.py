"""Prodigy's stream commands: ``print-stream`` (a model's entities on a source) and
``filter-by-patterns`` (the sentences a pattern file matches, as JSONL tasks).

The work is in :mod:`spacy_al.recipe_runtime.pipeline_annotator`; these print it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from ..corpora.options import SourceOptions
from ..errors import SpacyALError
from ._app import app
from .source_flags import with_source_options


@app.command("print-stream")
@with_source_options
def print_stream_cli(
    spacy_model: Annotated[str, typer.Argument(help="spaCy pipeline folder (al_ner or ner), "
                                               "or blank:LANG.")],
    source: Annotated[str, typer.Argument(help="Source: text, JSONL, CoNLL or any column "
                                          "file, OntoNotes, .spacy, a Hugging Face dataset.")],
    label: Annotated[str | None, typer.Option(
        "--label", "-l", help="Comma-separated labels to show (default: all).",
        show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", help="Print at most N sentences (0: "
                                       "all).")] = 0,
    source_options: SourceOptions | None = None,
) -> None:
    """Pretty-print the model's predictions on the command line: each sentence of SOURCE
    with its predicted entities marked [text LABEL]."""
    from ..recipe_runtime.pipeline_annotator import PipelineAnnotator
    from ..recipe_runtime.sources import iter_source
    from ..store.dataset_report import render_task

    labels = [x.strip() for x in label.split(",") if x.strip()] if label else None
    try:
        annotator = PipelineAnnotator(spacy_model, labels)
        items = iter_source(source, lang=annotator.nlp.lang, limit=limit or None,
                            **(source_options or SourceOptions()).given())
        for task in annotator.tasks(items):
            typer.echo(render_task(task))
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None


@app.command("filter-by-patterns")
@with_source_options
def filter_by_patterns_cli(
    source: Annotated[str, typer.Argument(help="Source: text, JSONL, CoNLL or any column "
                                          "file, OntoNotes, .spacy, a Hugging Face dataset.")],
    patterns: Annotated[Path, typer.Option(
        "--patterns", "-pt", help="Match patterns (JSONL, spaCy EntityRuler / Prodigy "
        "format).")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="JSONL file for the matching tasks (default: standard "
        "output).", show_default=False)] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the tokenizer.")] = "en",
    source_options: SourceOptions | None = None,
) -> None:
    """Filter a stream by patterns: keep the sentences of SOURCE that a pattern matches,
    with the matches as spans, as JSONL tasks (e.g. for ner.manual or mark)."""
    from ..recipe_runtime.pipeline_annotator import matched_tasks
    from ..recipe_runtime.sources import iter_source

    try:
        items = iter_source(source, lang=lang, **(source_options or SourceOptions()).given())
        tasks = matched_tasks(items, str(patterns), lang)
        if output is None:
            count = _write_jsonl(tasks, sys.stdout)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            with output.open("w", encoding="utf8") as handle:
                count = _write_jsonl(tasks, handle)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"{count} sentence(s) matched {patterns}", err=True)


def _write_jsonl(tasks: Iterable[dict[str, Any]], handle: TextIO) -> int:
    from ..store.export import json_line

    count = 0
    for task in tasks:
        handle.write(json_line(task) + "\n")
        count += 1
    return count
