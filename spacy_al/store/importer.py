"""``db-in``: annotations from a file into a dataset (Prodigy JSONL, DocBin, CoNLL, ...).

JSONL tasks are stored as they are, with what the store needs added where absent:
``tokens`` (blank-``lang`` tokenizer), the token indices of ``spans`` (from their
character offsets), ``answer`` (``--answer``), ``_view_id`` (``ner_manual``), the
hashes (:func:`spacy_al.tasks.set_hashes`) and ``_session_id``. Corpus files (DocBin,
CoNLL, OntoNotes, Hugging Face) become one ``ner_manual`` task per sentence with the
gold entities as spans (``ner``, a partial answer, where tokens are unannotated).

A session id that is absent becomes ``DATASET-NAME`` (``--session NAME``, default the
file's stem), as the server names sessions. The store keeps one answer per dataset,
task hash and session: importing the same file again adds nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..corpora import Resolved, SourceOptions, iter_lines, resolve
from ..corpora.options import from_mapping
from ..errors import ConfigError, CorpusFormatError
from ..tasks import ANSWERS, doc_tokens, set_hashes, span_to_dict
from .database import Database


@dataclass
class ImportResult:
    """What :func:`import_file` stored: answers read, new ones, answers per session, and
    the duplicates skipped (``conflicting``: of those, copies with other entities)."""

    read: int = 0
    new: int = 0
    sessions: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    conflicting: int = 0

    @property
    def kept(self) -> int:
        return self.read - self.duplicates


def import_file(
    db: Database,
    dataset: str,
    path: str | Path,
    *,
    loader: str = "auto",
    answer: str = "accept",
    session: str | None = None,
    rehash: bool = False,
    lang: str = "en",
    source_options: SourceOptions | None = None,
    **options: Any,
) -> ImportResult:
    """Read ``path`` (any loader but ``text``) and add its answers to ``dataset``.

    Everything is read and checked before anything is written. ``source_options`` (or
    ``loader`` and ``options``, their Python names) say how to read it. A sentence of a
    corpus file that came before (same text) is skipped, as the annotation pool skips
    it; a JSONL task that came before in the same session is replaced, as the store
    does. Both are counted (``duplicates``) and stored in the session's meta.
    """
    if answer not in ANSWERS:
        raise ConfigError(f"Unknown answer {answer!r}.", fix=f"Use one of {', '.join(ANSWERS)}.")
    found = resolve(path, source_options or from_mapping({**options, "loader": loader}))
    if not found.format.annotated:
        raise ConfigError(f"{path} is read as {found.format.name}: it holds no annotations "
                          "to import.", fix="Import Prodigy JSONL, a .spacy DocBin or CoNLL "
                          "(--loader); annotate text with `spacy-al annotate ner.manual`.")
    default = f"{dataset}-{session or Path(str(path)).stem}"
    jsonl = found.format.name == "jsonl"
    tasks = list(_jsonl_tasks(Path(path), lang, answer) if jsonl
                 else _corpus_tasks(found, lang, answer))
    result = ImportResult(read=len(tasks))
    by_session: dict[str, dict[tuple[int, str], dict[str, Any]]] = {}
    skipped: Counter[str] = Counter()
    for task in tasks:
        set_hashes(task, overwrite=rehash)
        task["_session_id"] = str(task.get("_session_id") or default)
        key = (task["_task_hash" if jsonl else "_input_hash"], task["_session_id"])
        group = by_session.setdefault(task["_session_id"], {})
        if key in group:
            result.duplicates += 1
            skipped[task["_session_id"]] += 1
            result.conflicting += group[key]["_task_hash"] != task["_task_hash"]
            if not jsonl:
                continue
        group[key] = task
    db.add_dataset(dataset)
    for name, kept in by_session.items():
        meta = {"dataset": dataset, "source": str(path), "duplicates_skipped": skipped[name]}
        result.new += db.add_examples(list(kept.values()), datasets=[dataset, name],
                                      sessions={name: meta})
        result.sessions[name] = len(kept)
    return result


def _jsonl_tasks(path: Path, lang: str, answer: str) -> Iterator[dict[str, Any]]:
    import spacy

    nlp = spacy.blank(lang)
    found = False
    for number, line in iter_lines(path):
        if not line.strip():
            continue
        found = True
        task = _parse(path, number, line)
        if not isinstance(task.get("text"), str):
            raise CorpusFormatError(path, number, "the task has no `text` string.",
                                    fix="Add the task text as `text`.")
        task.setdefault("answer", answer)
        if task["answer"] not in ANSWERS:
            raise CorpusFormatError(path, number, f"unknown answer {task['answer']!r}.",
                                    fix="Use accept, reject or ignore.")
        task.setdefault("_view_id", "ner_manual")
        if not task.get("tokens"):
            task["tokens"] = doc_tokens(nlp.make_doc(task["text"]))
        task["spans"] = [_aligned(path, number, task["tokens"], span)
                         for span in task.get("spans") or []]
        _check_storable(path, number, task)
        yield task
    if not found:
        raise CorpusFormatError(path, None, "no tasks found: the file holds no JSON lines.",
                                fix="Each line is one JSON object with a `text` field.")


def _parse(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        task = json.loads(line)
    except json.JSONDecodeError as err:
        raise CorpusFormatError(path, number, f"invalid JSON: {err.msg} (column {err.colno}).",
                                fix="Each line must be one complete JSON object.") from None
    if not isinstance(task, dict):
        raise CorpusFormatError(path, number, f"expected a JSON object, found "
                                f"{type(task).__name__}.", fix="One task object per line.")
    return task


def _check_storable(path: Path, number: int, task: dict[str, Any]) -> None:
    """The store keeps strict JSON: refuse NaN, Infinity and lone surrogates up front."""
    try:
        json.dumps(task, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except ValueError as err:  # UnicodeEncodeError is a ValueError
        raise CorpusFormatError(path, number, f"the task cannot be stored: {err}.",
                                fix="Use finite numbers and valid Unicode only.") from None


def _aligned(path: Path, number: int, tokens: list[Mapping[str, Any]],
             span: Any) -> dict[str, Any]:
    """A span with ``token_start``/``token_end`` (inclusive), from its offsets if absent."""
    if not isinstance(span, dict) or not isinstance(span.get("label"), str):
        raise CorpusFormatError(path, number, f"invalid span {span!r}.",
                                fix="Spans are objects with start, end and label.")
    if isinstance(span.get("token_start"), int) and isinstance(span.get("token_end"), int):
        return span
    starts = {token["start"]: i for i, token in enumerate(tokens)}
    ends = {token["end"]: i for i, token in enumerate(tokens)}
    first, last = starts.get(span.get("start")), ends.get(span.get("end"))
    if first is None or last is None or last < first:
        raise CorpusFormatError(path, number, f"span {span.get('start')}-{span.get('end')} "
                                f"({span['label']}) does not start and end on token "
                                "boundaries.", fix="Fix the offsets, or give the tokens "
                                "and the spans' token_start/token_end.")
    return {**span, "token_start": first, "token_end": last}


def _corpus_tasks(found: Resolved, lang: str, answer: str) -> Iterator[dict[str, Any]]:
    import spacy

    nlp = spacy.blank(lang)
    docs = found.format.read(found.source, nlp.vocab, found.options, nlp.make_doc)
    for doc in docs:
        for sentence in _sentences(doc):
            yield _doc_task(sentence, answer, doc.user_data.get("source"))


def _sentences(doc: Doc) -> list[Doc]:
    if not doc.has_annotation("SENT_START"):
        return [_trimmed(doc)]
    return [_trimmed(sent.as_doc()) for sent in doc.sents]


def _trimmed(doc: Doc) -> Doc:
    """The Doc without a space after its last token (a task's text has none)."""
    if not len(doc) or not doc[-1].whitespace_:
        return doc
    spaces = [bool(token.whitespace_) for token in doc][:-1] + [False]
    trimmed = Doc(doc.vocab, words=[token.text for token in doc], spaces=spaces)
    attrs = ["ENT_IOB", "ENT_TYPE"]
    trimmed.from_array(attrs, doc.to_array(attrs))  # type: ignore[arg-type]
    return trimmed


def _doc_task(doc: Doc, answer: str, source: Any) -> dict[str, Any]:
    partial = any(token.ent_iob == 0 for token in doc)
    task: dict[str, Any] = {
        "text": doc.text,
        "tokens": doc_tokens(doc),
        "spans": [span_to_dict(ent) for ent in doc.ents],
        "answer": answer,
        "_view_id": "ner" if partial else "ner_manual",
    }
    if source is not None:
        task["meta"] = {"source": str(source)}
    return task
