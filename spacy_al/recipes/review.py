"""``review``: one final version of each sentence that several sessions annotated."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from spacy_al.recipe_runtime.decorator import recipe, split_string
from spacy_al.server.controller import DEFAULT_CONFIG
from spacy_al.server.stream import PoolStream
from spacy_al.store.dataset_report import check_inputs_and_output
from spacy_al.store.export import read_datasets
from spacy_al.tasks import PoolItem, is_complete, set_hashes

logger = logging.getLogger(__name__)
VIEW_ID = "review"
DECISIONS = ("accept", "reject")
SpanKey = tuple[tuple[int, int, str], ...]


def span_key(spans: Iterable[Mapping[str, Any]]) -> SpanKey:
    """The spans of an answer as a sorted tuple of (token_start, token_end, label)."""
    return tuple(sorted((int(s["token_start"]), int(s["token_end"]), str(s["label"]))
                        for s in spans))


def session_versions(examples: Iterable[Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    """Per sentence (input hash, first-answer order) each session's latest decision on it:
    an accepted complete answer, or a rejected one (ignored answers say nothing):
    ``{input_hash: {session_id: answer}}``."""
    found: dict[int, dict[str, Any]] = {}
    for eg in examples:
        decision = eg.get("answer")
        if decision not in DECISIONS or not is_complete(eg) or not _readable(eg):
            continue
        by_session = found.setdefault(int(eg["_input_hash"]), {})
        session = str(eg.get("_session_id") or "")
        by_session.pop(session, None)
        by_session[session] = eg
    return found


def _readable(eg: Mapping[str, Any]) -> bool:
    """Tokens, and spans with integer token_start/token_end and a label (stored answers
    of this server always have them; an odd imported one is left out)."""
    spans = eg.get("spans") or []
    return isinstance(eg.get("tokens"), list) and isinstance(spans, list) and all(
        isinstance(s, dict) and isinstance(s.get("token_start"), int)
        and isinstance(s.get("token_end"), int) and isinstance(s.get("label"), str)
        for s in spans)


def group_versions(by_session: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The distinct versions of one sentence, most sessions first (then first given):
    ``[{"version": 1, "answer": "accept", "sessions": [...], "spans": [...]}, ...]``; the
    sessions that rejected the sentence are one version with ``answer: "reject"`` (its
    spans are not looked at)."""
    groups: dict[tuple[str, SpanKey], dict[str, Any]] = {}
    for session, eg in by_session.items():
        decision = str(eg.get("answer"))
        spans = [] if decision == "reject" else sorted(
            (dict(s) for s in eg.get("spans") or []),
            key=lambda s: (s["token_start"], s["token_end"]))
        group = groups.setdefault((decision, span_key(spans)),
                                  {"answer": decision, "sessions": [], "spans": spans})
        group["sessions"].append(session)
    ordered = sorted(groups.values(), key=lambda g: -len(g["sessions"]))  # stable
    return [{"version": i + 1, **group} for i, group in enumerate(ordered)]


def review_tasks(
    examples: Iterable[Mapping[str, Any]], *, conflicts_only: bool = False
) -> list[dict[str, Any]]:
    """The review questions: sentences answered by two or more sessions, those whose
    versions differ (conflicts) first, then the agreeing ones; each in first-answer order.
    Sentences whose sessions saw different tokens are skipped (logged)."""
    conflicts: list[dict[str, Any]] = []
    agreeing: list[dict[str, Any]] = []
    skipped = 0
    for input_hash, by_session in session_versions(examples).items():
        if len(by_session) < 2:
            continue
        answers = list(by_session.values())
        if any(_token_texts(eg) != _token_texts(answers[0]) for eg in answers):
            skipped += 1
            continue
        versions = group_versions(by_session)
        first = answers[0]
        task = {"text": first["text"], "tokens": [dict(t) for t in first["tokens"]],
                "spans": [dict(s) for s in versions[0]["spans"]], "versions": versions,
                "meta": {"sessions": len(by_session), "conflict": len(versions) > 1},
                "_input_hash": input_hash, "_view_id": VIEW_ID}
        set_hashes(task, task_keys=())
        (conflicts if len(versions) > 1 else agreeing).append(task)
    if skipped:
        logger.warning("review: %d sentence(s) skipped: their sessions had different tokens",
                       skipped)
    return conflicts if conflicts_only else conflicts + agreeing


def _token_texts(eg: Mapping[str, Any]) -> list[tuple[str, int, int]]:
    return [(t["text"], t["start"], t["end"]) for t in eg["tokens"]]


def picked_version(spans: Sequence[Mapping[str, Any]],
                   versions: Sequence[Mapping[str, Any]], decision: str = "accept") -> int | str:
    """The number of the version the review answer took: for an accepted answer the
    accepted version with its spans (or ``"edited"``), for a rejected one the rejected
    version (or ``"rejected"`` where no session rejected the sentence)."""
    if decision == "reject":
        return next((int(v["version"]) for v in versions if v.get("answer") == "reject"),
                    "rejected")
    key = span_key(spans)
    for version in versions:
        if version.get("answer", "accept") == "accept" and span_key(version["spans"]) == key:
            return int(version["version"])
    return "edited"


def version_labels(tasks: Iterable[Mapping[str, Any]]) -> list[str]:
    """The labels of all versions, in first-seen order."""
    labels: dict[str, None] = {}
    for task in tasks:
        for version in task["versions"]:
            labels.update((str(s["label"]), None) for s in version["spans"])
    return list(labels)


@recipe(
    "review",
    dataset=("Dataset to save the reviewed answers to", "positional", None, str),
    in_sets=("Comma-separated datasets whose sessions' answers are reviewed", "positional",
             None, split_string),
    label=("Comma-separated labels, or a .txt file (default: the labels of the answers)",
           "option", "l", split_string),
    conflicts_only=("Show only the sentences whose versions differ", "flag", "C", bool),
    batch_size=("Tasks per request", "option", "b", int),
)
def review(
    dataset: str,
    in_sets: list[str],
    label: list[str] | None = None,
    conflicts_only: bool = False,
    batch_size: int = DEFAULT_CONFIG["batch_size"],
) -> dict[str, Any]:
    """Review the sentences that several sessions annotated: pick one version or edit it.

    Every sentence of IN_SETS that two or more sessions accepted or rejected (ner.manual,
    ner.al-correct; ignored answers do not count) is shown once, with each distinct
    version and the sessions that gave it (the sessions that rejected it are one version);
    sentences whose versions differ come first (--conflicts-only: only those). Keys 1..N
    (or a click) take a version, the spans below can be edited; accept saves the result to
    DATASET, reject saves the sentence as rejected, both with meta.versions: {"sessions":
    [[...] per version], "picked": the version's number, "edited" or "rejected"}.
    Sentences already in DATASET are not asked again.
    """
    check_inputs_and_output(in_sets, dataset, "reviewed",
                            "spacy-al annotate review final ner_news --label PER,ORG")
    stream = PoolStream([], exclude_by="input")
    versions: dict[int, list[dict[str, Any]]] = {}

    def on_load(controller: Any) -> None:
        tasks = review_tasks(read_datasets(controller.db, in_sets),
                             conflicts_only=conflicts_only)
        versions.update((task["_input_hash"], task["versions"]) for task in tasks)
        stream.add_items(PoolItem(task["_input_hash"], task["text"], task["tokens"], {})
                         for task in tasks)
        if not controller.config.get("labels"):
            controller.config["labels"] = version_labels(tasks)
        stream.set_ranking(tasks)

    def before_db(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for answer in answers:
            mine = versions.get(int(answer["_input_hash"]), [])
            answer["versions"] = mine  # the server's versions, whatever the client sent
            answer["meta"] = {**(answer.get("meta") or {}), "versions": {
                "sessions": [list(v["sessions"]) for v in mine],
                "picked": picked_version(answer.get("spans") or [], mine,
                                         str(answer.get("answer")))}}
        return answers

    return {
        "dataset": dataset,
        "view_id": VIEW_ID,
        "stream": stream,
        "on_load": on_load,
        "before_db": before_db,
        "config": {"labels": label or [], "batch_size": batch_size, "exclude_by": "input",
                   "in_sets": in_sets, "conflicts_only": conflicts_only},
    }
