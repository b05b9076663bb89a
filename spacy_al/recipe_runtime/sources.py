"""Annotation sources: JSONL, plain text, CoNLL, OntoNotes, ``.spacy`` or a Hugging Face
dataset into a pool.

Every source becomes a list of :class:`PoolItem` (one per sentence or task, each
text once), read by :func:`spacy_al.corpora.read_source` with the options every command
takes (:class:`~spacy_al.corpora.SourceOptions`: ``--loader``, ``--token-col``,
``--tag-col``, ``--sep``, ``--scheme``, ...; recipes declare them with
:func:`source_recipe_args`, the built-in ones as the ``source_options`` field of their
settings). Gold entities of a corpus file are *not* shown to the annotator; spans of raw
JSONL tasks are kept as pre-annotations for ``ner.manual``.

The bundled samples are named by alias: ``wikigold`` (WikiGold, CC-BY 4.0) and
``wnut17`` (WNUT-17, CC-BY 4.0), from the repository's ``corpora/`` folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..corpora import resolve
from ..corpora.formats import FORMATS, get_format, loader_names
from ..corpora.items import SourceTally, duplicates_note, source_items
from ..corpora.locations import CORPORA_ENV, corpus_dirs
from ..corpora.options import OPTION_FLAGS, from_mapping
from ..errors import CorpusFormatError
from ..tasks import PoolItem

SAMPLES: dict[str, tuple[str, ...]] = {
    "wikigold": ("PER", "ORG", "LOC", "MISC"),
    "wnut17": ("person", "location", "corporation", "product", "creative-work", "group"),
}
"""Bundled samples and their labels."""
SAMPLE_FILES = ("train.conll", "train.txt", "train", "dev.conll")


def resolve_source(source: str | Path, loader: str = "auto") -> Path:
    """The file a source names: a path, or a bundled sample by alias (``wikigold``).

    A loader that reads names (``hf``: a Hugging Face hub name) keeps one that is no path.
    """
    path = Path(source).expanduser()
    if loader in FORMATS and FORMATS[loader].names and not path.exists():
        return Path(str(source))
    if path.exists() or str(source) not in SAMPLES:
        if not path.exists():
            raise CorpusFormatError(path, None, "no such file or folder.",
                                    fix="Check the path, use a bundled sample ("
                                    + ", ".join(SAMPLES) + "), or pass --loader hf for a "
                                    "Hugging Face dataset name.")
        return path
    for folder in corpus_dirs():
        for name in SAMPLE_FILES:
            candidate = folder / str(source) / name
            if candidate.is_file():
                return candidate
        found = sorted((folder / str(source)).glob("*train*"))
        if found:
            return found[0]
    raise CorpusFormatError(str(source), None, "the bundled sample is not installed here.",
                            fix=f"Pass a file path, or set ${CORPORA_ENV} to the folder that "
                            f"holds {source}/train.conll.")


def sample_labels(source: str | Path) -> list[str] | None:
    """Labels of a bundled sample named by alias or found by its folder name, else None."""
    name = str(source)
    if name in SAMPLES:
        return list(SAMPLES[name])
    parent = Path(name).parent.name
    return list(SAMPLES[parent]) if parent in SAMPLES else None


def load_source(
    source: str | Path, *, lang: str = "en", limit: int | None = None, loader: str = "auto",
    **options: Any,
) -> list[PoolItem]:
    """The pool items of a source, each distinct text once, in source order.

    ``loader``: one of :data:`spacy_al.corpora.LOADERS`; ``options`` go to the reader
    (for ``hf``: ``split``, ``tokens_column``, ``tags_column``, ``text_column``).
    """
    return list(iter_source(source, lang=lang, limit=limit, loader=loader, **options))


def iter_source(
    source: str | Path, *, lang: str = "en", limit: int | None = None, loader: str = "auto",
    tally: SourceTally | None = None, **options: Any,
) -> Iterator[PoolItem]:
    """:func:`load_source` one item at a time (a pool streamed to Arrow is never a list):
    :func:`spacy_al.corpora.items.source_items` with the pool's language; ``tally``
    (optional) counts the sentences read and the duplicates skipped."""
    import spacy

    path = resolve_source(source, check_loader(source, loader))
    nlp = spacy.blank(lang)  # raw text is tokenised for the pool's language
    chosen = from_mapping({**options, "loader": loader})
    tally = SourceTally() if tally is None else tally
    yield from source_items(path, nlp.vocab, chosen, tokenizer=nlp.make_doc, limit=limit,
                            tally=tally)
    if not tally.kept:
        raise CorpusFormatError(path, None, "the source holds no text to annotate.",
                                fix="Check the file and its format (--loader).")


def sentences_line(items: Any) -> str:
    """``"1913 sentences (88 duplicate sentences skipped)"`` for a pool (the skipped ones
    from its ``pool.json`` counts, where the pool has them)."""
    info = getattr(getattr(items, "pool", None), "info", None) or {}
    note = duplicates_note((info.get("counts") or {}).get("duplicates"))
    return f"{len(items)} sentences" + (f" ({note})" if note else "")


def check_loader(source: str | Path, loader: str) -> str:
    """``loader`` if it is ``auto`` or a registered format, else a clear error."""
    return loader if loader == "auto" else get_format(loader, source).name


def source_format(path: str | Path, loader: str = "auto", **options: Any) -> str:
    """The format name ``path`` is read with (``options``: Python names of the source
    options, as :func:`iter_source` takes them)."""
    return resolve(path, from_mapping({**options, "loader": loader})).format.name


# -- the recipes' source arguments -------------------------------------------------
OLD_NAMES = {"tokens_column": "token_col", "tags_column": "tag_col"}
"""Older recipe argument names, still accepted."""


def source_recipe_args() -> dict[str, tuple[str, str, str | None, Any]]:
    """The recipe arguments (``@recipe``'s ``(help, kind, abbrev, converter)``) of the
    source options, from :data:`spacy_al.corpora.options.OPTION_FLAGS`."""
    formats = ", ".join(loader_names()[1:])
    args: dict[str, tuple[str, str, str | None, Any]] = {
        option.field: (option.help.format(formats=formats), "flag" if option.is_flag
                       else "option", "lo" if option.field == "loader" else None, None)
        for option in OPTION_FLAGS}
    for old, new in OLD_NAMES.items():
        args[old] = (f"Older name of --{new.replace('_', '-')}", "option", None, None)
    return args

