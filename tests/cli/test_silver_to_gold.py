"""ner.silver-to-gold: binary answers merged into gold candidates, corrected, saved whole."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from spacy_al.errors import ConfigError
from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.recipe_runtime.pipeline_annotator import PipelineAnnotator
from spacy_al.recipes.silver_to_gold import silver_tasks
from spacy_al.store.database import Database
from spacy_al.store.importer import import_file
from spacy_al.tasks import is_complete

S1 = "Angela Merkel visited Paris in May ."
S2 = "Apple hired John Smith in London ."


def _binary(text: str, word: str, label: str, answer: str, who: str = "alice") -> dict:
    start = text.index(word)
    return {"text": text, "spans": [{"start": start, "end": start + len(word), "label": label}],
            "_view_id": "ner", "answer": answer, "_session_id": f"teach-{who}"}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    rows = [_binary(S1, "Angela Merkel", "PER", "accept"),
            _binary(S1, "Paris", "LOC", "reject"),  # never suggested again
            _binary(S1, "Merkel visited", "ORG", "accept", "bob"),  # overlaps: dropped
            _binary(S2, "Apple", "ORG", "reject"),
            _binary(S2, "London", "LOC", "ignore")]
    source = tmp_path / "teach.jsonl"
    srsly.write_jsonl(source, rows)
    database = Database(tmp_path / "a.db")
    import_file(database, "teach", source)
    return database


def _entities(task: dict) -> list[tuple[str, str]]:
    return [(task["text"][s["start"]:s["end"]], s["label"]) for s in task["spans"]]


def test_accepted_kept_rejected_never_suggested(db: Database, ner_pipeline: Path) -> None:
    examples = db.get_dataset_examples("teach")
    plain = silver_tasks(examples)
    assert [t["text"] for t in plain] == [S1, S2]
    assert _entities(plain[0]) == [("Angela Merkel", "PER")]
    assert _entities(plain[1]) == []
    assert plain[0]["meta"]["silver"] == {"accepted": 1, "model": 0, "rejected": 1}
    model = PipelineAnnotator(str(ner_pipeline))
    with_model = silver_tasks(examples, model)
    found = _entities(with_model[0])
    assert found[0] == ("Angela Merkel", "PER") and ("Paris", "LOC") not in found
    assert ("Apple", "ORG") not in _entities(with_model[1])
    spans = model.spans(with_model[1]["tokens"])
    predicted = [(S2[s["start"]:s["end"]], s["label"]) for s in spans]
    assert set(_entities(with_model[1])) == set(predicted) - {("Apple", "ORG")}


def test_the_recipe_serves_the_candidates_and_saves_gold(db: Database, tmp_path: Path,
                                                         ner_pipeline: Path) -> None:
    with pytest.raises(ConfigError, match="one of the silver datasets"):
        build_controller("ner.silver-to-gold", ["teach", "teach"], db_path=db.path)
    controller = build_controller("ner.silver-to-gold", ["gold", "teach", str(ner_pipeline)],
                                  db_path=db.path)
    try:
        assert set(controller.labels) >= {"PER", "ORG", "LOC"}
        tasks = controller.get_questions("carol")["tasks"]
        assert [t["text"] for t in tasks] == [S1, S2]
        assert tasks[0]["_view_id"] == "ner_manual"
        answer = {**tasks[0], "answer": "accept"}
        controller.give_answers({"answers": [answer], "session_id": "carol"})
    finally:
        controller.close()
    saved = db.get_dataset_examples("gold")
    assert len(saved) == 1 and is_complete(saved[0])
    assert ("Angela Merkel", "PER") in _entities(saved[0])
    again = build_controller("ner.silver-to-gold", ["gold", "teach"], db_path=db.path)
    try:
        assert [t["text"] for t in again.get_questions("carol")["tasks"]] == [S2]
    finally:
        again.close()
