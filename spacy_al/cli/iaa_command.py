"""``spacy-al iaa DATASET``: inter-annotator agreement of the sessions of a dataset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ConfigError, SpacyALError
from ._app import app
from .db_commands import DbOption


def iaa(dataset: str, db: str | Path | None = None) -> dict[str, Any]:
    """The agreement of ``dataset`` (see :mod:`spacy_al.store.agreement`) as a dict."""
    from ..store.agreement import agreement
    from ..store.database import connect
    from ..store.export import read_datasets

    result = agreement(read_datasets(connect(db), [dataset]))
    if result.sentences == 0:
        raise ConfigError(f"No sentence of {dataset} has accepted ner_manual answers from two "
                          f"or more sessions ({result.skipped} skipped: different tokens).",
                          fix="Let several annotators answer the same sentences: annotate "
                          "with --feed-overlap and one ?session=NAME per annotator.")
    return result.as_dict()


def format_table(result: dict[str, Any]) -> list[str]:
    """The terminal table: per label, micro, kappa, then every pair of sessions."""
    lines = [f"{result['sentences']} sentences annotated by 2+ of {len(result['sessions'])} "
             f"sessions ({result['skipped_token_mismatch']} skipped: different tokens)",
             f"{'label':<20}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
    rows = [*result["per_label"].items(), ("micro", {
        "precision": result["micro_precision"], "recall": result["micro_recall"],
        "f1": result["micro_f1"], **_micro_counts(result)})]
    for label, row in rows:
        lines.append(f"{label:<20}{row['precision']:8.3f}{row['recall']:8.3f}{row['f1']:8.3f}"
                     f"{row['tp']:6d}{row['fp']:6d}{row['fn']:6d}")
    lines.append(f"Cohen's kappa (token IOB tags): {result['kappa']:.3f}")
    for pair in result["pairs"]:
        lines.append(f"  {pair['a']} vs {pair['b']}: {pair['sentences']} sentences, "
                     f"F1 {pair['f1']:.3f}, kappa {pair['kappa']:.3f}")
    return lines


def _micro_counts(result: dict[str, Any]) -> dict[str, int]:
    return {key: sum(pair[key] for pair in result["pairs"]) for key in ("tp", "fp", "fn")}


@app.command("iaa")
def iaa_cli(
    dataset: Annotated[str, typer.Argument(help="Dataset with answers of several sessions.")],
    db: DbOption = None,
    json_path: Annotated[Path | None, typer.Option(
        "--json", help="Also write the agreement as JSON to this file.")] = None,
) -> None:
    """Span F1 (exact span and label) per label and micro, and Cohen's kappa on token tags,
    over every pair of sessions on the sentences both annotated."""
    try:
        result = iaa(dataset, db)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    for line in format_table(result):
        typer.echo(line)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2), encoding="utf8")
        typer.echo(f"Wrote {json_path}")
