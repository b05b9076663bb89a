"""mark: pre-prepared examples clicked through as they are, no model."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from spacy_al.errors import ConfigError
from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.tasks import is_complete

ROWS = [{"text": "Paris is big .", "spans": [{"start": 0, "end": 5, "label": "LOC"}]},
        {"text": "Nothing here ."}]


def test_mark_serves_the_examples_as_given(tmp_path: Path) -> None:
    source = tmp_path / "prepared.jsonl"
    srsly.write_jsonl(source, ROWS)
    controller = build_controller("mark", ["marked", str(source)], db_path=tmp_path / "a.db")
    try:
        tasks = controller.get_questions("ann")["tasks"]
        assert [t["text"] for t in tasks] == ["Paris is big .", "Nothing here ."]
        assert tasks[0]["_view_id"] == "ner" and controller.view_id == "ner"
        assert [(s["start"], s["end"], s["label"]) for s in tasks[0]["spans"]] == [(0, 5, "LOC")]
        controller.give_answers({"answers": [{**tasks[0], "answer": "accept"}],
                                 "session_id": "ann"})
    finally:
        controller.close()
    saved = controller.db.get_dataset_examples("marked")
    assert len(saved) == 1 and not is_complete(saved[0])  # a binary answer
    manual = build_controller("mark", ["m2", str(source), "--view-id", "ner_manual",
                                       "--label", "LOC,PER"], db_path=tmp_path / "a.db")
    try:
        assert manual.get_questions("ann")["tasks"][0]["_view_id"] == "ner_manual"
        assert manual.labels == ["LOC", "PER"]
    finally:
        manual.close()
    with pytest.raises(ConfigError, match="needs the labels"):
        build_controller("mark", ["m3", str(source), "-v", "ner_manual"],
                         db_path=tmp_path / "a.db")
    with pytest.raises(ConfigError, match="Use --view-id one of ner, ner_manual"):
        build_controller("mark", ["m3", str(source), "-v", "choice"], db_path=tmp_path / "a.db")
