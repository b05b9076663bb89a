"""Prodigy's NER workflow end to end under Prodigy's names, on a user's own tag-first,
CRLF column file that is never converted: ner.manual -> ner.correct -> ner.teach ->
ner.silver-to-gold -> review -> train-curve -> train -> ner.eval-ab (the README's section).

Every recipe runs through the same controller the server uses; the commands through
the CLI. spaCy trains with a few steps only (about 20 s in all)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.recipe_runtime.launch import build_controller, wait_ready
from spacy_al.server.controller import Controller
from spacy_al.store.database import Database

SENTENCES = [
    [("Angela", "B-PER"), ("Merkel", "I-PER"), ("visited", "O"), ("Paris", "B-LOC"), (".", "O")],
    [("Apple", "B-ORG"), ("hired", "O"), ("John", "B-PER"), ("Smith", "I-PER"), (".", "O")],
    [("The", "O"), ("UN", "B-ORG"), ("met", "O"), ("in", "O"), ("Geneva", "B-LOC"), (".", "O")],
    [("Marie", "B-PER"), ("Curie", "I-PER"), ("worked", "O"), ("in", "O"), ("Paris", "B-LOC")],
    [("Google", "B-ORG"), ("opened", "O"), ("in", "O"), ("Zurich", "B-LOC"), (".", "O")],
    [("Alan", "B-PER"), ("Turing", "I-PER"), ("studied", "O"), ("at", "O"),
     ("Cambridge", "B-ORG")],
]


def write_tag_first(path: Path) -> Path:
    """A user's file as it is: tag first, tab, token; CRLF; no convert."""
    blocks = ["\r\n".join(f"{tag}\t{word}" for word, tag in sent) for sent in SENTENCES]
    path.write_bytes(("\r\n\r\n".join(blocks) + "\r\n").encode("utf8"))
    return path


def gold_spans(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The file's entities as spans over the task's tokens (the annotator's answer)."""
    words = [t["text"] for t in task["tokens"]]
    sent = next(s for s in SENTENCES if [w for w, _ in s] == words)
    spans: list[dict[str, Any]] = []
    for i, (_, tag) in enumerate(sent):
        if tag.startswith("B-"):
            end = i
            while end + 1 < len(sent) and sent[end + 1][1] == f"I-{tag[2:]}":
                end += 1
            tokens = task["tokens"]
            spans.append({"start": tokens[i]["start"], "end": tokens[end]["end"],
                          "token_start": i, "token_end": end, "label": tag[2:]})
    return spans


def session(recipe: str, args: list[str], db: Path) -> Controller:
    controller = build_controller(recipe, args, db_path=db)
    wait_ready(controller, 120)
    return controller


def answer_all(controller: Controller, who: str, decide: Any) -> int:
    answered = 0
    try:
        while tasks := controller.get_questions(who)["tasks"]:
            answers = [decide(task) for task in tasks]
            controller.give_answers({"answers": answers, "session_id": who})
            answered += len(answers)
    finally:
        controller.close()
    return answered


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_prodigy_ner_workflow_on_a_column_file(tmp_path: Path, ner_pipeline: Path) -> None:
    data = write_tag_first(tmp_path / "my_data.tsv")
    db = tmp_path / "prodigy.db"
    gold = lambda task: {**task, "spans": gold_spans(task), "answer": "accept"}  # noqa: E731
    labels = ["--label", "PER,ORG,LOC"]
    # 1. ner.manual, Prodigy's signature, two annotators (for review)
    for who in ("alice", "bob"):
        manual = session("ner.manual", ["news_manual", "blank:en", str(data), *labels,
                                        "--feed-overlap"], db)
        assert answer_all(manual, who, gold) == len(SENTENCES)
    # 2. ner.correct with a plain spaCy pipeline: its entities pre-annotate
    correct = session("ner.correct", ["news_correct", str(ner_pipeline), str(data)], db)
    assert answer_all(correct, "alice", gold) == len(SENTENCES)
    # 3. ner.teach: a new model in the loop, binary answers
    teach = session("ner.teach", ["news_teach", "tok2vec", str(data), *labels,
                                  "--worker", "thread", "--output", str(tmp_path / "loop")], db)
    asked = answer_all(teach, "alice", lambda t: {**t, "answer": "accept" if any(
        (s["token_start"], s["label"]) in {(g["token_start"], g["label"])
                                           for g in gold_spans(t)}
        for s in t["spans"]) else "reject"})
    assert asked > 0
    # 4. ner.silver-to-gold: the binary answers as gold candidates
    silver = session("ner.silver-to-gold", ["news_gold", "news_teach", str(ner_pipeline)], db)
    assert answer_all(silver, "alice", gold) > 0
    # 5. review: the two ner.manual sessions agree, one version per sentence
    review = session("review", ["news_final", "news_manual"], db)
    assert answer_all(review, "carol", lambda t: {**t, "answer": "accept"}) == len(SENTENCES)
    assert "Annotations   6 (accept 6" in run("stats", "news_final", "--db", str(db))
    # 6. train-curve, 7. train (eval: prefix), on the reviewed and corrected sets
    steps = ["--training.max_steps", "20", "--training.eval_frequency", "10"]
    curve = run("train-curve", "--ner", "news_final,news_gold,eval:news_correct",
                "--n-samples", "2",
                "--db", str(db), *steps)
    assert "100%" in curve and "Accuracy" in curve
    out = tmp_path / "model"
    assert "Best model:" in run("train", str(out), "--ner", "news_final,news_gold,"
                                "eval:news_correct", "--db", str(db), *steps)
    assert spacy.load(out / "model-best").pipe_names == ["al_ner"]
    # 8. ner.eval-ab: the new model against the plain pipeline, blind
    ab = session("ner.eval-ab", ["news_ab", str(out / "model-best"), str(ner_pipeline),
                                 str(data)], db)
    answer_all(ab, "alice", gold)
    counts = Database(db).get_dataset_examples("news_ab")
    assert all("eval_ab" in eg["meta"] for eg in counts)
