"""``spacy-al convert``: any supported corpus -> a spaCy DocBin (``.spacy``).

The loader is detected from the content (``--loader auto``, the same detection as
``annotate`` and ``benchmark``) or named: text, jsonl, conll, ontonotes, spacy, hf.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from ..corpora import group_documents, read_docs, resolve_loader
from ..corpora.stats import CorpusCounter
from ..errors import ConfigError, SpacyALError
from ._app import app

_SEPARATORS = {"tab": "\t", "\\t": "\t", "space": " ", "whitespace": None, "auto": None, "": None}
_DEFAULTS: dict[str, Any] = {
    "token_col": 0, "tag_col": -1, "sep": None, "scheme": "auto", "strict": True,
    "split": None, "tokens_column": None, "tags_column": None, "text_column": None,
}
_ACCEPTED = {
    "conll": ("token_col", "tag_col", "sep", "scheme", "strict"),
    "hf": ("split", "tokens_column", "tags_column", "text_column", "scheme", "strict"),
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
    loader: str | None = None,
    token_col: int = 0,
    tag_col: int = -1,
    sep: str | None = None,
    scheme: str = "auto",
    strict: bool = True,
    docs_per_sentence: bool = False,
    **hf_options: str | None,
) -> dict[str, Any]:
    """Convert a corpus to a DocBin and return its counts (see ``corpus_stats``).

    By default the sentences of one source document (``-DOCSTART-`` in CoNLL, ``#begin
    document`` in OntoNotes) become one Doc with sentence boundaries; sentences outside
    any marked document stay single Docs. ``docs_per_sentence`` writes one Doc per
    sentence. The CoNLL layout options are only accepted for CoNLL input; ``hf_options``
    (``split``, ``tokens_column``, ``tags_column``, ``text_column``) for ``hf`` only.
    """
    fmt = resolve_loader(input_path, format, loader)
    given = {"token_col": token_col, "tag_col": tag_col, "sep": sep, "scheme": scheme,
             "strict": strict, **hf_options}
    unknown = sorted(set(given) - set(_DEFAULTS))
    if unknown:
        raise TypeError(f"convert() got unknown options {unknown}")
    accepted = _ACCEPTED.get(fmt, ())
    changed = sorted(k for k, v in given.items() if _DEFAULTS[k] != v and k not in accepted)
    if changed:
        raise ConfigError(f"option(s) {', '.join(changed)} do not apply to {fmt} input.",
                          fix="Drop those options or pass the --loader they belong to "
                          "(conll: columns, sep; hf: split, columns).")
    options: dict[str, Any] = {k: v for k, v in given.items() if k in accepted}
    docs = read_docs(input_path, Vocab(), loader=fmt, **options)
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
    input_path: Annotated[Path, typer.Argument(help="Corpus file (or OntoNotes / datasets "
                                               "folder, or with --loader hf a hub name).")],
    output_path: Annotated[Path, typer.Argument(help="Output DocBin, e.g. train.spacy.")],
    loader: Annotated[str, typer.Option(
        "--loader", "-lo", help="auto (from the content), text, jsonl, conll, ontonotes, "
        "spacy or hf.")] = "auto",
    format: Annotated[str, typer.Option(
        "--format", "-f", help="Older name of --loader.")] = "auto",
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
    split: Annotated[str | None, typer.Option(
        "--split", help="hf: the split to read (default: train).")] = None,
    tokens_column: Annotated[str | None, typer.Option(
        "--tokens-column", help="hf: tokens column (default: tokens).")] = None,
    tags_column: Annotated[str | None, typer.Option(
        "--tags-column", help="hf: tags column (default: ner_tags).")] = None,
    text_column: Annotated[str | None, typer.Option(
        "--text-column", help="hf: text column, when there are no tokens.")] = None,
) -> None:
    """Convert a corpus (CoNLL, OntoNotes, JSONL, text, Hugging Face) to a spaCy DocBin."""
    try:
        stats = convert(input_path, output_path, format=format,
                        loader=None if loader == "auto" else loader, token_col=token_col,
                        tag_col=tag_col, sep=parse_sep(sep), scheme=scheme, strict=strict,
                        docs_per_sentence=docs_per_sentence, split=split,
                        tokens_column=tokens_column, tags_column=tags_column,
                        text_column=text_column)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Wrote {output_path}: {stats['docs']} docs, {stats['sentences']} sentences, "
               f"{stats['tokens']} tokens, {stats['entities']} entities")
    for label, count in stats["per_type"].items():
        typer.echo(f"  {label}: {count}")
