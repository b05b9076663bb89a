"""``db-in``: annotations from a file into a dataset (Prodigy JSONL, DocBin, CoNLL, ...).

JSONL tasks are stored as they are, with what the store needs added where absent:
``tokens`` (blank-``lang`` tokenizer), the token indices of ``spans`` (from their
character offsets), ``answer`` (``--answer``), ``_view_id`` (``ner_manual``), the
hashes (:func:`spacy_al.tasks.set_hashes`) and ``_session_id``. Corpus files (DocBin,
CoNLL, OntoNotes, Hugging Face) become one ``ner_manual`` task per sentence with the
gold entities as spans (``ner``, a partial answer, where tokens are unannotated).

Sessions follow the server's rule (:mod:`.sessions`): a ``_session_id`` becomes
``DATASET-NAME`` unless it starts with ``DATASET-``, an absent one ``--session NAME``
(default the file's stem), and a name that is another dataset is refused. Every task
is parsed by the server's strict JSON parser and checked by its answer checks (tokens
against the text, spans against the tokens, 64-bit hashes), then the whole file is
stored in one transaction: all or nothing. The store keeps one answer per dataset,
task hash and session: importing the same file again adds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..corpora import Resolved, SourceOptions, iter_lines, resolve
from ..corpora.options import from_mapping
from ..errors import ConfigError, CorpusFormatError, SpacyALError
from ..tasks import ANSWERS, PoolItem, doc_tokens, set_hashes, span_to_dict
from .database import Database, DatabaseError
from .sessions import safe_session_name, session_dataset
from .strict_json import parse_json
from .validation import AnswerError, short, validate_answers


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

    Every task is read and checked (:func:`check_task`, the server's answer checks)
    before anything is written, then all are stored in one transaction: a bad task
    anywhere in the file stores nothing. ``source_options`` (or ``loader`` and
    ``options``, their Python names) say how to read it. A sentence of a corpus file
    that came before (same text) is skipped, as the annotation pool skips it; a JSONL
    task that came before in the same session is replaced, as the store does. Both are
    counted (``duplicates``) and stored in the session's meta.
    """
    if answer not in ANSWERS:
        raise ConfigError(f"Unknown answer {answer!r}.", fix=f"Use one of {', '.join(ANSWERS)}.")
    found = resolve(path, source_options or from_mapping({**options, "loader": loader}))
    if not found.format.annotated:
        raise ConfigError(f"{path} is read as {found.format.name}: it holds no annotations "
                          "to import.", fix="Import Prodigy JSONL, a .spacy DocBin or CoNLL "
                          "(--loader); annotate text with `spacy-al annotate ner.manual`.")
    default = _default_session(dataset, path, session)
    jsonl = found.format.name == "jsonl"
    tasks = _jsonl_tasks(Path(path), lang, answer) if jsonl else _corpus_tasks(found, lang, answer)
    result = ImportResult()
    by_session: dict[str, dict[tuple[int, str], dict[str, Any]]] = {}
    skipped: Counter[str] = Counter()
    for number, task in tasks:
        result.read += 1
        check_task(path, number, dataset, task, default, rehash=rehash)
        if task["_session_id"] not in by_session:
            _check_names(db, path, number, dataset, task["_session_id"])
        key = (task["_task_hash" if jsonl else "_input_hash"], task["_session_id"])
        group = by_session.setdefault(task["_session_id"], {})
        if key in group:
            result.duplicates += 1
            skipped[task["_session_id"]] += 1
            result.conflicting += group[key]["_task_hash"] != task["_task_hash"]
            if not jsonl:
                continue
        group[key] = task
    result.sessions = {name: len(kept) for name, kept in by_session.items()}
    if not by_session:
        db.add_dataset(dataset)
    result.new = db.add_groups(
        [(list(kept.values()), [dataset, name]) for name, kept in by_session.items()],
        sessions={name: {"dataset": dataset, "source": str(path),
                         "duplicates_skipped": skipped[name]} for name in by_session})
    return result


def _check_names(db: Database, path: str | Path, number: int | None, dataset: str,
                 session: str) -> None:
    """The store's namespace rule, refused naming the line of the session's first task."""
    try:
        db.check_names(dataset, session)
    except DatabaseError as err:
        raise CorpusFormatError(path, number, err.message, fix=err.fix) from None


def _default_session(dataset: str, path: str | Path, session: str | None) -> str:
    """The session of tasks without one: ``--session NAME``, else the file's stem."""
    try:
        return session_dataset(dataset, session or safe_session_name(Path(str(path)).stem))
    except AnswerError as err:
        raise ConfigError(f"--session: {err.message}", fix="Pass e.g. --session alice.") \
            from None


def check_task(path: str | Path, number: int | None, dataset: str, task: dict[str, Any],
               default_session: str, *, rehash: bool = False) -> None:
    """Complete a task's hashes and session (in place) and check it as the server checks
    an answer; :class:`CorpusFormatError` naming the file and line for any problem."""
    try:
        set_hashes(task, overwrite=rehash)
        task["_session_id"] = session_dataset(dataset, task.get("_session_id") or default_session)
        item = PoolItem(input_hash=0, text=task["text"], tokens=_checked_tokens(task))
        validate_answers([task], lookup=lambda _: item, labels=None)
    except AnswerError as err:
        what = "; ".join(e.removeprefix("answers[0]").lstrip(": ") for e in err.errors)
        raise CorpusFormatError(path, number, what or err.message,
                                fix=err.fix or "Fix the task, or leave it out.") from None
    except (TypeError, ValueError) as err:  # hashing fields that are no JSON values
        raise CorpusFormatError(path, number, f"the task cannot be hashed: {err}.",
                                fix="Fix the task, or leave it out.") from None


def _checked_tokens(task: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The task's tokens, each one its text's characters at its offsets, in order."""
    tokens, text = task.get("tokens"), task["text"]
    if not isinstance(tokens, list):
        raise AnswerError("", [f".tokens: must be a list of tokens, got {short(tokens)}"])
    end = 0
    for i, token in enumerate(tokens):
        if not (isinstance(token, dict) and isinstance(token.get("text"), str)
                and isinstance(token.get("start"), int) and isinstance(token.get("end"), int)):
            raise AnswerError("", [f".tokens[{i}]: a token is an object with text, start "
                                   f"and end, got {short(token)}"])
        start, stop = token["start"], token["end"]
        if start < end or stop < start or text[start:stop] != token["text"]:
            raise AnswerError("", [f".tokens[{i}]: {short(token['text'])} ({start}-{stop}) is "
                                   f"not the text there, {short(text[start:stop])}, or "
                                   "overlaps the token before"])
        end = stop
    return tokens


def _jsonl_tasks(path: Path, lang: str, answer: str) -> Iterator[tuple[int, dict[str, Any]]]:
    import spacy

    nlp: Any = None  # the tokenizer, loaded for the first task without tokens
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
            raise CorpusFormatError(path, number, f"unknown answer {short(task['answer'])}.",
                                    fix="Use accept, reject or ignore.")
        task.setdefault("_view_id", "ner_manual")
        if "tokens" not in task:
            nlp = nlp or spacy.blank(lang)
            task["tokens"] = doc_tokens(nlp.make_doc(task["text"]))
        spans = task.get("spans") or []
        if not isinstance(spans, list) or not isinstance(task["tokens"], list):
            raise CorpusFormatError(path, number, "`spans` and `tokens` must be lists, got "
                                    f"{short(spans)} and {short(task['tokens'])}.",
                                    fix="Give lists of span and token objects.")
        task["spans"] = [_aligned(path, number, task["tokens"], span) for span in spans]
        yield number, task
    if not found:
        raise CorpusFormatError(path, None, "no tasks found: the file holds no JSON lines.",
                                fix="Each line is one JSON object with a `text` field.")


def _parse(path: Path, number: int, line: str) -> dict[str, Any]:
    """One line as strict JSON, by the parser of the server's request bodies."""
    try:
        task = parse_json(line)
    except AnswerError as err:
        raise CorpusFormatError(path, number, err.message, fix=err.fix) from None
    if not isinstance(task, dict):
        raise CorpusFormatError(path, number, f"expected a JSON object, found "
                                f"{type(task).__name__}.", fix="One task object per line.")
    return task


def _aligned(path: Path, number: int, tokens: list[Mapping[str, Any]],
             span: Any) -> dict[str, Any]:
    """A span with ``token_start``/``token_end`` (inclusive), from its offsets if absent."""
    if not isinstance(span, dict) or not isinstance(span.get("label"), str):
        raise CorpusFormatError(path, number, f"invalid span {short(span)}.",
                                fix="Spans are objects with start, end and label.")
    if isinstance(span.get("token_start"), int) and isinstance(span.get("token_end"), int):
        return span
    starts = {t.get("start"): i for i, t in enumerate(tokens) if isinstance(t, dict)}
    ends = {t.get("end"): i for i, t in enumerate(tokens) if isinstance(t, dict)}
    first, last = starts.get(span.get("start")), ends.get(span.get("end"))
    if first is None or last is None or last < first:
        raise CorpusFormatError(path, number, f"span {span.get('start')}-{span.get('end')} "
                                f"({span['label']}) does not start and end on token "
                                "boundaries.", fix="Fix the offsets, or give the tokens "
                                "and the spans' token_start/token_end.")
    return {**span, "token_start": first, "token_end": last}


def _corpus_tasks(found: Resolved, lang: str, answer: str
                  ) -> Iterator[tuple[int | None, dict[str, Any]]]:
    import spacy

    nlp = spacy.blank(lang)
    docs = iter(found.format.read(found.source, nlp.vocab, found.options, nlp.make_doc))
    while True:
        try:
            doc = next(docs)
        except StopIteration:
            return
        except SpacyALError:
            raise
        except Exception as err:  # noqa: BLE001 - a file that is not what its loader reads
            raise CorpusFormatError(found.source, None, f"cannot be read as "
                                    f"{found.format.name}: {type(err).__name__}: "
                                    f"{str(err)[:200]}.", fix="Pass the right --loader, or "
                                    "check the file.") from None
        for sentence in _sentences(doc):
            yield None, _doc_task(sentence, answer, doc.user_data.get("source"))


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
