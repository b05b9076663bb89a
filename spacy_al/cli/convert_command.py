"""``spacy-al convert``: any supported corpus -> a spaCy DocBin (``.spacy``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from ..corpora import detect_format, group_documents, read_docs
from ..corpora.stats import CorpusCounter
from ..errors import ConfigError, SpacyALError
from ._app import app

_SEPARATORS = {"tab": "\t", "\\t": "\t", "space": " ", "whitespace": None, "auto": None, "": None}
_CONLL_DEFAULTS: dict[str, Any] = {
    "token_col": 0, "tag_col": -1, "sep": None, "scheme": "auto", "strict": True,
}


def parse_sep(value: str | None) -> str | None:
    """``TAB``/``\\t`` -> tab, ``SPACE`` -> space; ``auto``/``whitespace``/None -> None."""
    if value is None:
        return None
    return _SEPARATORS.get(value.lower(), value)


def convert(
    input_path: str | Path,
    output_path: str | Path,
    *,
    format: str = "auto",
    token_col: int = 0,
    tag_col: int = -1,
    sep: str | None = None,
    scheme: str = "auto",
    strict: bool = True,
    docs_per_sentence: bool = False,
) -> dict[str, Any]:
    """Convert a corpus to a DocBin and return its counts (see ``corpus_stats``).

    By default the sentences of one source document (``-DOCSTART-`` in CoNLL, ``#begin
    document`` in OntoNotes) become one Doc with sentence boundaries; sentences outside
    any marked document stay single Docs. ``docs_per_sentence`` writes one Doc per
    sentence. The CoNLL layout options are only accepted for CoNLL input.
    """
    fmt = detect_format(input_path) if format == "auto" else format
    given = {"token_col": token_col, "tag_col": tag_col, "sep": sep, "scheme": scheme,
             "strict": strict}
    if fmt != "conll" and given != _CONLL_DEFAULTS:
        changed = sorted(k for k, v in given.items() if _CONLL_DEFAULTS[k] != v)
        raise ConfigError(f"option(s) {', '.join(changed)} only work for CoNLL input, not {fmt}.",
                          fix="Drop those options or pass --format conll.")
    options = given if fmt == "conll" else {}
    docs = read_docs(input_path, Vocab(), format=fmt, **options)
    if not docs_per_sentence:
        docs = group_documents(docs)
    counter = CorpusCounter()
    doc_bin = DocBin(store_user_data=True)
    for doc in docs:
        doc_bin.add(counter.add(doc))
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    doc_bin.to_disk(output_path)
    return counter.as_dict()


@app.command("convert")
def convert_cli(
    input_path: Annotated[Path, typer.Argument(help="Corpus file (or OntoNotes folder).")],
    output_path: Annotated[Path, typer.Argument(help="Output DocBin, e.g. train.spacy.")],
    format: Annotated[str, typer.Option(
        "--format", "-f", help="conll, ontonotes, jsonl, spacy or auto.")] = "auto",
    token_col: Annotated[int, typer.Option(
        "--token-col", help="CoNLL: token column (0-based).")] = 0,
    tag_col: Annotated[int, typer.Option(
        "--tag-col", help="CoNLL: tag column (-1 = last).")] = -1,
    sep: Annotated[str, typer.Option(
        "--sep", help="CoNLL: column separator: auto (any whitespace), TAB, SPACE.")] = "auto",
    scheme: Annotated[str, typer.Option(
        "--scheme", help="CoNLL: auto, IOB1, IOB2 (BIO), IO, BILUO (BIOES).")] = "auto",
    strict: Annotated[bool, typer.Option(
        "--strict/--repair", help="CoNLL: fail on invalid tag sequences, or repair them.")] = True,
    docs_per_sentence: Annotated[bool, typer.Option(
        "--docs-per-sentence", help="One Doc per sentence instead of per document.")] = False,
) -> None:
    """Convert a corpus (CoNLL, OntoNotes CoNLL-2012, Prodigy JSONL) to a spaCy DocBin."""
    try:
        stats = convert(input_path, output_path, format=format, token_col=token_col,
                        tag_col=tag_col, sep=parse_sep(sep), scheme=scheme, strict=strict,
                        docs_per_sentence=docs_per_sentence)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Wrote {output_path}: {stats['docs']} docs, {stats['sentences']} sentences, "
               f"{stats['tokens']} tokens, {stats['entities']} entities")
    for label, count in stats["per_type"].items():
        typer.echo(f"  {label}: {count}")
