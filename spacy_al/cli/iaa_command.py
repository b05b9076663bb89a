"""``spacy-al iaa DATASET`` (``metric.iaa.span``), ``metric.iaa.binary``, ``metric.iaa.doc``:
inter-annotator agreement of the sessions of a dataset."""

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


app.command("metric.iaa.span", help="Span F1 per label and micro, and Cohen's kappa on token "
            "tags, over every pair of sessions on the sentences both annotated (as iaa).")(iaa_cli)


def _decision_cli(unit: str, dataset: str, db: Path | None, json_path: Path | None) -> None:
    from ..store.database import connect
    from ..store.decision_agreement import decision_agreement
    from ..store.export import read_datasets

    try:
        result = decision_agreement(read_datasets(connect(db), [dataset]), unit)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    if result.units == 0:
        typer.echo(f"No {'question' if unit == 'binary' else 'sentence'} of {dataset} was "
                   "accepted or rejected by two or more sessions.", err=True)
        raise typer.Exit(code=1)
    for line in result.lines():
        typer.echo(line)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result.as_dict(), indent=2), encoding="utf8")
        typer.echo(f"Wrote {json_path}")


DatasetArg = Annotated[str, typer.Argument(help="Dataset with answers of several sessions.")]
JsonOption = Annotated[Path | None, typer.Option(
    "--json", help="Also write the agreement as JSON to this file.")]


@app.command("metric.iaa.binary")
def iaa_binary_cli(dataset: DatasetArg, db: DbOption = None, json_path: JsonOption = None
                   ) -> None:
    """Agreement of binary accept / reject answers to the same question (e.g. ner.al-teach's
    spans): percent agreement, Krippendorff's alpha and Gwet's AC2."""
    _decision_cli("binary", dataset, db, json_path)


@app.command("metric.iaa.doc")
def iaa_doc_cli(dataset: DatasetArg, db: DbOption = None, json_path: JsonOption = None
                ) -> None:
    """Agreement of whole-sentence accept / reject answers (ner.manual, ner.al-correct):
    percent agreement, Krippendorff's alpha and Gwet's AC2."""
    _decision_cli("doc", dataset, db, json_path)
