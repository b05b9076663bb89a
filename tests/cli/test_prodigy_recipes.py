"""ner.correct and ner.teach under Prodigy's names; ner.correct with a plain spaCy pipeline
(its entities pre-annotate, its labels are the default)."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from spacy_al.errors import ConfigError
from spacy_al.recipe_runtime.decorator import get_recipe, list_recipes
from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.recipe_runtime.pipeline_annotator import PipelineAnnotator, is_plain_ner_pipeline
from spacy_al.recipe_runtime.recipe_args import recipe_help
from spacy_al.recipe_runtime.session_settings import CorrectSettings, TeachSettings
from spacy_al.recipes.ner_al import al_correct


def test_the_names_resolve_through_the_entry_points() -> None:
    assert {"ner.correct", "ner.teach"} <= set(list_recipes())
    correct, teach = get_recipe("ner.correct"), get_recipe("ner.teach")
    assert correct.recipe_name == "ner.correct" and teach.recipe_name == "ner.teach"
    assert correct.settings is CorrectSettings and teach.settings is TeachSettings
    assert al_correct.recipe_name == "ner.al-correct"  # the original keeps its name
    text = recipe_help(correct)
    assert text.startswith("Usage: spacy-al annotate ner.correct [OPTIONS] [DATASET] [SPACY_MODEL]")
    assert "Create gold-standard data by correcting" in text and "--update-every" in text
    assert "Collect the best training data for NER" in recipe_help(teach)


def test_ner_correct_with_a_plain_spacy_pipeline(tmp_path: Path, ner_pipeline: Path) -> None:
    assert is_plain_ner_pipeline(str(ner_pipeline)) and not is_plain_ner_pipeline("default")
    source = tmp_path / "news.jsonl"
    srsly.write_jsonl(source, [{"text": "Angela Merkel visited Paris in May ."},
                               {"text": "Apple hired John Smith in London ."}])
    controller = build_controller("ner.correct", ["news", str(ner_pipeline), str(source)],
                                  db_path=tmp_path / "a.db")
    try:
        assert set(controller.labels) == {"PER", "ORG", "LOC"}  # the pipeline's
        tasks = controller.get_questions("alice")["tasks"]
        assert [t["text"] for t in tasks] == ["Angela Merkel visited Paris in May .",
                                              "Apple hired John Smith in London ."]
        assert tasks[0]["_view_id"] == "ner_manual" and tasks[0]["meta"]["model"]
        predicted = PipelineAnnotator(str(ner_pipeline)).spans(tasks[0]["tokens"])
        assert predicted and tasks[0]["spans"] == predicted  # the pipeline's entities
        assert ("Angela Merkel", "PER") in [(tasks[0]["text"][s["start"]:s["end"]], s["label"])
                                            for s in tasks[0]["spans"]]
    finally:
        controller.close()
    only = build_controller("ner.correct", ["news2", str(ner_pipeline), str(source),
                                            "--label", "LOC"], db_path=tmp_path / "a.db")
    try:
        assert only.labels == ["LOC"]
        assert {s["label"] for t in only.get_questions("bob")["tasks"]
                for s in t["spans"]} <= {"LOC"}
    finally:
        only.close()


def test_ner_teach_with_a_plain_pipeline_points_to_ner_correct(tmp_path: Path,
                                                               ner_pipeline: Path) -> None:
    source = tmp_path / "news.jsonl"
    srsly.write_jsonl(source, [{"text": "Angela Merkel visited Paris in May ."}])
    with pytest.raises(ConfigError, match="has no al_ner component") as err:
        build_controller("ner.teach", ["news", str(ner_pipeline), str(source), "--worker",
                                       "thread"], db_path=tmp_path / "a.db")
    assert "ner.correct" in str(err.value) and "--base-model" in str(err.value)
