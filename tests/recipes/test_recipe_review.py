"""``review``: versions per sentence, conflicts first, the picked version in the answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy

from spacy_al.errors import ConfigError
from spacy_al.recipe_runtime import get_recipe, parse_recipe_args
from spacy_al.recipes.review import group_versions, picked_version, review, review_tasks
from spacy_al.server.controller import Controller
from spacy_al.store.database import Database
from spacy_al.store.validation import AnswerError
from spacy_al.tasks import doc_tokens, set_hashes

TEXTS = ["Anna met Bob in Paris .", "Carl lives in Rome .", "Dora works at Acme .",
         "Eve saw Oslo ."]
NLP = spacy.blank("en")


def span(tokens: list[dict], start: int, end: int, label: str) -> dict[str, Any]:
    return {"start": tokens[start]["start"], "end": tokens[end]["end"], "token_start": start,
            "token_end": end, "label": label}


def answer(text: str, session: str, spans: list[tuple[int, int, str]],
           kind: str = "accept", view: str = "ner_manual") -> dict[str, Any]:
    tokens = doc_tokens(NLP.make_doc(text))
    task = {"text": text, "tokens": tokens, "_view_id": view, "answer": kind,
            "_session_id": session, "spans": [span(tokens, *s) for s in spans]}
    return set_hashes(task)


def examples() -> list[dict[str, Any]]:
    return [
        answer(TEXTS[0], "in-anna", [(0, 0, "PER"), (2, 2, "PER")]),   # agree
        answer(TEXTS[1], "in-anna", [(0, 0, "PER")]),                  # conflict
        answer(TEXTS[2], "in-anna", [(3, 3, "ORG")]),                  # one session only
        answer(TEXTS[3], "in-anna", [(2, 2, "LOC")]),                  # conflict
        answer(TEXTS[0], "in-bert", [(2, 2, "PER"), (0, 0, "PER")]),
        answer(TEXTS[1], "in-bert", [(0, 0, "PER"), (3, 3, "LOC")]),
        answer(TEXTS[3], "in-bert", [(2, 2, "ORG")]),
        answer(TEXTS[3], "in-cleo", [(2, 2, "ORG")]),
        answer(TEXTS[3], "in-dave", [(2, 2, "LOC")], kind="reject"),   # rejected: a version
        answer(TEXTS[3], "in-erin", [(2, 2, "LOC")], kind="ignore"),   # says nothing
        answer(TEXTS[2], "in-bert", [(3, 3, "ORG")], view="ner"),      # binary: not one
    ]


def test_conflicts_first_then_agreeing_in_answer_order() -> None:
    tasks = review_tasks(examples())
    assert [t["text"] for t in tasks] == [TEXTS[1], TEXTS[3], TEXTS[0]]
    assert [t["meta"]["conflict"] for t in tasks] == [True, True, False]
    assert [t["text"] for t in review_tasks(examples(), conflicts_only=True)] == TEXTS[1:4:2]
    oslo = tasks[1]["versions"]
    assert [(v["version"], v["answer"], v["sessions"]) for v in oslo] == [
        (1, "accept", ["in-bert", "in-cleo"]), (2, "accept", ["in-anna"]),
        (3, "reject", ["in-dave"])]  # most sessions first
    assert oslo[2]["spans"] == [], "a rejected version has no spans"
    assert [s["label"] for s in tasks[1]["spans"]] == ["ORG"]  # version 1 preselected
    assert [v["sessions"] for v in tasks[2]["versions"]] == [["in-anna", "in-bert"]]


def test_a_session_latest_answer_counts() -> None:
    later = answer(TEXTS[1], "in-anna", [(0, 0, "PER"), (3, 3, "LOC")])
    tasks = review_tasks([*examples(), later])
    assert [t["text"] for t in tasks] == [TEXTS[3], TEXTS[0], TEXTS[1]]  # both agree now
    versions = group_versions({"a": later, "b": later})
    assert picked_version(later["spans"], versions) == 1
    assert picked_version([], versions) == "edited"


def test_a_sentence_one_session_accepts_and_another_rejects_is_a_conflict() -> None:
    eve = [answer(TEXTS[2], "in-bert", [], kind="reject"),
           answer(TEXTS[2], "in-cleo", [(0, 0, "PER")], kind="ignore")]
    tasks = review_tasks([*examples(), *eve])
    dora = next(t for t in tasks if t["text"] == TEXTS[2])
    assert dora["meta"] == {"sessions": 2, "conflict": True}
    assert [(v["answer"], v["sessions"]) for v in dora["versions"]] == [
        ("accept", ["in-anna"]), ("reject", ["in-bert"])]
    assert picked_version([], dora["versions"], "reject") == 2
    assert picked_version(dora["versions"][0]["spans"], dora["versions"]) == 1
    assert picked_version([], dora["versions"]) == "edited", "no spans is not the rejection"
    agreeing = group_versions({"a": eve[0], "b": eve[0]})
    assert picked_version([], [agreeing[0]], "reject") == 1
    assert picked_version([], dora["versions"][:1], "reject") == "rejected"
    # a session that rejected first and accepted later: its latest decision counts
    later = answer(TEXTS[2], "in-bert", [(3, 3, "ORG")])
    dora = next(t for t in review_tasks([*examples(), *eve, later]) if t["text"] == TEXTS[2])
    assert dora["meta"]["conflict"] is False


def test_sentences_with_other_tokens_are_skipped() -> None:
    odd = answer(TEXTS[0], "in-cleo", [])
    odd["tokens"] = odd["tokens"][:-1]
    assert TEXTS[0] not in [t["text"] for t in review_tasks([*examples(), odd])]
    broken = answer(TEXTS[2], "in-cleo", [(0, 0, "PER")])
    del broken["spans"][0]["token_start"]  # an odd imported answer: not a version
    assert TEXTS[2] not in [t["text"] for t in review_tasks([*examples(), broken])]


def _controller(tmp_path: Path, **kwargs: Any) -> tuple[Controller, Database]:
    db = Database(tmp_path / "review.db")
    for eg in examples():
        db.add_examples([eg], datasets=["in", eg["_session_id"]],
                        sessions={eg["_session_id"]: {"dataset": "in"}})
    return Controller(review("final", ["in"], **kwargs), db, recipe="review"), db


def test_served_in_order_and_saved_with_the_picked_version(tmp_path: Path) -> None:
    controller, db = _controller(tmp_path)
    assert controller.labels == ["PER", "LOC", "ORG"]  # from the versions
    tasks = controller.get_questions("rev")["tasks"]
    assert [t["text"] for t in tasks] == [TEXTS[1], TEXTS[3], TEXTS[0]]
    carl, oslo, anna = tasks
    answers = [dict(carl, answer="accept", spans=carl["versions"][1]["spans"],
                    versions=[{"forged": True}]),
               dict(oslo, answer="reject", spans=[]),
               dict(anna, answer="accept")]
    assert controller.give_answers({"answers": answers, "session_id": "rev"})["saved"] == 3
    stored = {eg["text"]: eg for eg in db.get_dataset_examples("final")}
    assert stored[TEXTS[1]]["meta"]["versions"] == {
        "sessions": [["in-anna"], ["in-bert"]], "picked": 2}
    assert stored[TEXTS[1]]["versions"] == carl["versions"]  # the server's, not the client's
    assert stored[TEXTS[3]]["meta"]["versions"] == {
        "sessions": [["in-bert", "in-cleo"], ["in-anna"], ["in-dave"]], "picked": 3}
    assert stored[TEXTS[3]]["answer"] == "reject"
    assert stored[TEXTS[0]]["meta"]["versions"] == {"sessions": [["in-anna", "in-bert"]],
                                                     "picked": 1}
    assert stored[TEXTS[1]]["_view_id"] == "review"
    # a restarted review does not ask the reviewed sentences again
    again = Controller(review("final", ["in"]), db, recipe="review")
    assert again.get_questions("rev")["tasks"] == []


def test_labels_option_and_errors(tmp_path: Path) -> None:
    controller, _ = _controller(tmp_path, label=["PER"], conflicts_only=True)
    assert controller.labels == ["PER"]
    tasks = controller.get_questions("rev")["tasks"]
    assert [t["text"] for t in tasks] == [TEXTS[1], TEXTS[3]]
    with pytest.raises(AnswerError):  # LOC is not a label of this review
        controller.give_answers({"answers": [dict(tasks[0], answer="accept",
                                                  spans=tasks[0]["versions"][1]["spans"])]})
    with pytest.raises(ConfigError):
        review("in", ["in"])
    with pytest.raises(ConfigError):
        Controller(review("final", ["missing"]), Database(tmp_path / "other.db"))


def test_registered_with_its_command_line() -> None:
    func = get_recipe("review")
    assert func is review
    kwargs = parse_recipe_args(func, ["final", "a,b", "--label", "PER,ORG", "-C"])
    assert kwargs == {"dataset": "final", "in_sets": ["a", "b"], "label": ["PER", "ORG"],
                      "conflicts_only": True}
