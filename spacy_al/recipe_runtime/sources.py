"""Annotation sources: JSONL, plain text, CoNLL, OntoNotes or ``.spacy`` into a pool.

Every source becomes a list of :class:`PoolItem` (one per sentence or task, each
text once). Gold entities of a corpus file are *not* shown to the annotator;
spans of raw JSONL tasks are kept as pre-annotations for ``ner.manual``.

The bundled samples are named by alias: ``wikigold`` (WikiGold, CC-BY 4.0) and
``wnut17`` (WNUT-17, CC-BY 4.0), from the repository's ``corpora/`` folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..corpora import iter_lines, read_docs
from ..corpora.locations import CORPORA_ENV, corpus_dirs
from ..errors import CorpusFormatError
from ..tasks import PoolItem, doc_item

SAMPLES: dict[str, tuple[str, ...]] = {
    "wikigold": ("PER", "ORG", "LOC", "MISC"),
    "wnut17": ("person", "location", "corporation", "product", "creative-work", "group"),
}
"""Bundled samples and their labels."""
SAMPLE_FILES = ("train.conll", "train.txt", "train", "dev.conll")


def resolve_source(source: str | Path) -> Path:
    """The file a source names: a path, or a bundled sample by alias (``wikigold``)."""
    path = Path(source).expanduser()
    if path.exists() or str(source) not in SAMPLES:
        if not path.exists():
            raise CorpusFormatError(path, None, "no such file or folder.",
                                    fix="Check the path, or use a bundled sample: "
                                    + ", ".join(SAMPLES) + ".")
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
    source: str | Path, *, lang: str = "en", limit: int | None = None
) -> list[PoolItem]:
    """The pool items of a source, each distinct text once, in source order."""
    path = resolve_source(source)
    items: dict[int, PoolItem] = {}
    for item in _read_items(path, lang):
        if item.tokens and item.input_hash not in items:
            items[item.input_hash] = item
            if limit is not None and len(items) >= limit:
                break
    if not items:
        raise CorpusFormatError(path, None, "the source holds no text to annotate.",
                                fix="Check the file and its format.")
    return list(items.values())


def _read_items(path: Path, lang: str) -> Iterator[PoolItem]:
    import spacy

    nlp = spacy.blank(lang)
    if path.suffix == ".txt":
        yield from _text_items(path, nlp)
        return
    for doc in read_docs(path, nlp.vocab):
        yield doc_item(doc)


def _text_items(path: Path, nlp: Any) -> Iterator[PoolItem]:
    for number, line in iter_lines(path):
        if line.strip():
            yield doc_item(nlp.make_doc(line.strip()), {"source": f"{path}:{number}"})
