"""``spacy-al convert``: any supported corpus -> a spaCy DocBin (``.spacy``).

The source is read as every command reads one (:func:`spacy_al.corpora.read_source`,
the flags of :mod:`.source_flags`): ``--loader auto`` detects the format and a column
file's layout from the content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from ..corpora import duplicates_note, group_documents, read_source
from ..corpora.options import SourceOptions, from_mapping
from ..corpora.stats import CorpusCounter
from ..errors import SpacyALError
from ._app import app
from .source_flags import with_source_options


def convert(
    input_path: str | Path,
    output_path: str | Path,
    source_options: SourceOptions | None = None,
    *,
    docs_per_sentence: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Convert a corpus to a DocBin and return its counts (see ``corpus_stats``).

    By default the sentences of one source document (``-DOCSTART-`` in CoNLL, ``#begin
    document`` in OntoNotes) become one Doc with sentence boundaries; sentences outside
    any marked document stay single Docs. ``docs_per_sentence`` writes one Doc per
    sentence. ``options``: Python keyword names of the source options (``loader``,
    ``token_col``, ``tag_col``, ``sep``, ``scheme``, ``strict``, ``split``, ...), when
    ``source_options`` is not given.
    """
    chosen = source_options or from_mapping(options)
    docs = read_source(input_path, Vocab(), chosen)
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
@with_source_options
def convert_cli(
    input_path: Annotated[Path, typer.Argument(help="Corpus file (or OntoNotes / datasets "
                                               "folder, or with --loader hf a hub name).")],
    output_path: Annotated[Path, typer.Argument(help="Output DocBin, e.g. train.spacy.")],
    source_options: SourceOptions,
    docs_per_sentence: Annotated[bool, typer.Option(
        "--docs-per-sentence", help="One Doc per sentence instead of per document.")] = False,
) -> None:
    """Convert a corpus (CoNLL, OntoNotes, JSONL, text, Hugging Face) to a spaCy DocBin."""
    try:
        stats = convert(input_path, output_path, source_options,
                        docs_per_sentence=docs_per_sentence)
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    kept = duplicates_note(stats["duplicates"], "kept")
    typer.echo(f"Wrote {output_path}: {stats['docs']} docs, {stats['sentences']} sentences"
               f"{f' ({kept})' if kept else ''}, {stats['tokens']} tokens, "
               f"{stats['entities']} entities")
    for label, count in stats["per_type"].items():
        typer.echo(f"  {label}: {count}")
