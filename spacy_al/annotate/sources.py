"""Annotation sources: JSONL, plain text, CoNLL, OntoNotes or ``.spacy`` into a pool.

Every source becomes a list of :class:`PoolItem` (one per sentence or task, each
text once). Gold entities of a corpus file are *not* shown to the annotator;
spans of raw JSONL tasks are kept as pre-annotations for ``ner.manual``.

The bundled samples are named by alias: ``wikigold`` (WikiGold, CC-BY 4.0) and
``wnut17`` (WNUT-17, CC-BY 4.0), from the repository's ``corpora/`` folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..errors import CorpusFormatError
from .tasks import PoolItem, doc_tokens, input_hash_of, set_hashes, span_to_dict

SAMPLES: dict[str, tuple[str, ...]] = {
    "wikigold": ("PER", "ORG", "LOC", "MISC"),
    "wnut17": ("person", "location", "corporation", "product", "creative-work", "group"),
}
"""Bundled samples and their labels."""
SAMPLE_FILES = ("train.conll", "train.txt", "train", "dev.conll")
CORPORA_ENV = "SPACY_AL_SAMPLES"


def sample_dirs() -> list[Path]:
    """Where bundled samples are looked for: $SPACY_AL_SAMPLES, the checkout, the cwd."""
    import spacy_al

    dirs = [Path(os.environ[CORPORA_ENV])] if os.environ.get(CORPORA_ENV) else []
    package = Path(spacy_al.__file__).resolve().parent
    return dirs + [package / "data" / "corpora", package.parent / "corpora",
                   Path.cwd() / "corpora"]


def resolve_source(source: str | Path) -> Path:
    """The file a source names: a path, or a bundled sample by alias (``wikigold``)."""
    path = Path(source).expanduser()
    if path.exists() or str(source) not in SAMPLES:
        if not path.exists():
            raise CorpusFormatError(path, None, "no such file or folder.",
                                    fix="Check the path, or use a bundled sample: "
                                    + ", ".join(SAMPLES) + ".")
        return path
    for folder in sample_dirs():
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
    from ..corpora import read_docs

    for doc in read_docs(path, nlp.vocab):
        yield doc_item(doc)


def _text_items(path: Path, nlp: Any) -> Iterator[PoolItem]:
    from ..corpora._io import iter_lines

    for number, line in iter_lines(path):
        if line.strip():
            yield doc_item(nlp.make_doc(line.strip()), {"source": f"{path}:{number}"})


def doc_item(doc: Doc, meta: dict[str, Any] | None = None) -> PoolItem:
    """A pool item from a Doc: tokens, hashes, source; suggested spans as pre-annotations."""
    data = doc.user_data
    meta = dict(meta or {})
    if "source" in data and "source" not in meta:
        meta["source"] = str(data["source"])
    text = doc.text
    given = data.get("_input_hash")
    input_hash = given if isinstance(given, int) else input_hash_of({"text": text})
    suggested: Iterable[Any] = doc.spans["suggested"] if "suggested" in doc.spans else ()
    spans = [span_to_dict(span) for span in suggested]
    return PoolItem(input_hash, text, doc_tokens(doc), meta, spans)


def pool_from_tasks(
    tasks: Iterable[dict[str, Any]], *, view_id: str, lang: str = "en"
) -> tuple[list[PoolItem], list[dict[str, Any]]]:
    """Pool items and hashed tasks from a recipe's plain (finite) stream of task dicts.

    Tasks without ``tokens`` are tokenized with ``spacy.blank(lang)``.
    """
    import spacy

    nlp = spacy.blank(lang)
    items: dict[int, PoolItem] = {}
    ranked: list[dict[str, Any]] = []
    for number, raw in enumerate(tasks):
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            raise CorpusFormatError("<recipe stream>", number + 1,
                                    "a task must be a dict with a 'text' string.")
        task = dict(raw)
        if not task.get("tokens"):
            task["tokens"] = doc_tokens(nlp.make_doc(task["text"]))
        task.setdefault("_view_id", view_id)
        set_hashes(task)
        items.setdefault(task["_input_hash"], PoolItem(
            task["_input_hash"], task["text"], task["tokens"], dict(task.get("meta") or {})))
        ranked.append(task)
    return list(items.values()), ranked
