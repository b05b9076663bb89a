"""``spacy-al score MODEL SOURCE OUTPUT.jsonl``: rank a whole pool, write the best as tasks.

The pool is streamed to an Arrow pool (``--pool-cache DIR`` keeps it, memory-mapped,
for the next run), scored by ``al_ner`` chunk by chunk in this process
(``--engine local``) or on Ray actors (``--engine ray``, ``pip install 'spacy-al[ray]'``;
the same output), and the best entries are written as Prodigy-style JSONL tasks with
``meta.score``, ``meta.strategy`` and ``meta.model``, best first: Prodigy, Label
Studio, doccano and Argilla can all import them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..acquisition import DEFAULT_STRATEGY
from ..corpora import SourceOptions, duplicates_note
from ..errors import SpacyALError
from ..registry import help_names
from ._app import app
from .source_flags import with_source_options


def strategy_options(n_samples: int | None, dropout: float | None,
                     mc_dropout: str | None) -> dict[str, Any]:
    """The MC-dropout options given on the command line (None: the strategy's own)."""
    given = {"n_samples": n_samples, "dropout": dropout, "mc_dropout": mc_dropout}
    return {key: value for key, value in given.items() if value is not None}


@app.command("score")
@with_source_options
def score_cli(
    model: Annotated[Path, typer.Argument(help="Pipeline folder with an al_ner component.",
                                          exists=True, file_okay=False)],
    source: Annotated[str, typer.Argument(help="The pool: text, JSONL, CoNLL, .spacy or a "
                                          "Hugging Face dataset (see --loader).")],
    output: Annotated[Path, typer.Argument(help="Where to write the ranked tasks (JSONL).")],
    source_options: SourceOptions,
    strategy: Annotated[str, typer.Option("--strategy", "-s", help=f"{help_names('strategy')} "
                                          "or a registered name.")] = DEFAULT_STRATEGY,
    top: Annotated[int | None, typer.Option("--top", "-n", help="Write the best N "
                                            "(default: every non-empty entry).")] = None,
    selector: Annotated[str | None, typer.Option("--selector", help="A registered selector, "
                                                 "e.g. spacy-al.DiverseTopK.v1.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", "-b",
                                            help="Entries per model call (one chunk).")] = 64,
    engine: Annotated[str, typer.Option("--engine", help="local, or ray (Ray Data).")] = "local",
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster address "
                                                "(default: a local Ray).")] = None,
    num_workers: Annotated[int, typer.Option("--num-workers", help="Ray actors.")] = 1,
    cpus_per_worker: Annotated[int, typer.Option("--cpus-per-worker", help="CPUs (and torch "
                                                 "threads) of each Ray actor.")] = 1,
    pool_cache: Annotated[Path | None, typer.Option("--pool-cache", help="Keep the Arrow pool "
                                                    "in this folder and reuse it.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seeds MC dropout and random, per "
                                      "chunk.")] = 0,
    n_samples: Annotated[int | None, typer.Option("--n-samples", help="MC-dropout samples "
                                                  "(bald).")] = None,
    dropout: Annotated[float | None, typer.Option("--dropout", help="MC-dropout rate.")] = None,
    mc_dropout: Annotated[str | None, typer.Option("--mc-dropout", help="head or full.")] = None,
) -> None:
    """Score every sentence of SOURCE and write the most informative as ranked tasks."""
    from ..scoring.score_job import score_to_jsonl

    try:
        report = score_to_jsonl(
            model, source, output, strategy=strategy, top=top, selector=selector,
            options=strategy_options(n_samples, dropout, mc_dropout),
            source_options=source_options,
            batch_size=batch_size, engine=engine, address=address, num_workers=num_workers,
            cpus_per_worker=cpus_per_worker,
            pool_cache=pool_cache, seed=seed)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    reused = " (pool cache reused)" if report.pool_reused else ""
    skipped = duplicates_note(report.duplicates, "kept")
    reused += f" ({skipped})" if skipped else ""
    typer.echo(f"Scored {report.entries} sentences, {report.words} words{reused} with "
               f"{report.engine}: {report.words_per_second:,.0f} words/s; wrote "
               f"{report.written} tasks to {report.output}")
