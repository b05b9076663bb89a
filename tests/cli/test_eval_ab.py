"""ner.eval-ab: two real spaCy pipelines compared blind; the winner recorded per answer."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.recipe_runtime.pipeline_annotator import PipelineAnnotator
from spacy_al.recipe_runtime.sources import load_source
from spacy_al.recipes.eval_ab import ab_tasks, results
from tests.cli.conftest import build_ner_pipeline
from tests.conftest import SENTENCES


@pytest.fixture(scope="module")
def weak_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ner_pipeline(tmp_path_factory.mktemp("models") / "weak", steps=2)


def test_only_disagreements_blind_and_seeded(tmp_path: Path, ner_pipeline: Path,
                                             weak_pipeline: Path) -> None:
    source = tmp_path / "s.jsonl"
    srsly.write_jsonl(source, [{"text": t} for t in SENTENCES])
    items = load_source(source)
    a, b = PipelineAnnotator(str(ner_pipeline)), PipelineAnnotator(str(weak_pipeline))
    tasks = ab_tasks(items, a, b, seed=0)
    assert tasks, "the two pipelines should disagree somewhere"
    for task in tasks:
        models = [v["model"] for v in task["versions"]]
        assert sorted(models) == ["A", "B"]
        assert task["versions"][0]["spans"] != task["versions"][1]["spans"]
    assert [t["versions"][0]["model"] for t in ab_tasks(items, a, b, seed=0)] == \
        [t["versions"][0]["model"] for t in tasks]
    assert ab_tasks(items, a, a) == []  # one model agrees with itself


def test_the_recipe_records_the_winner(tmp_path: Path, ner_pipeline: Path,
                                       weak_pipeline: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "s.jsonl"
    srsly.write_jsonl(source, [{"text": t} for t in SENTENCES])
    controller = build_controller("ner.eval-ab", ["ab", str(ner_pipeline), str(weak_pipeline),
                                                  str(source)], db_path=tmp_path / "a.db")
    try:
        tasks = controller.get_questions("judge")["tasks"]
        assert tasks and all("model" not in v for t in tasks for v in t["versions"])
        first, second = tasks[0], tasks[1] if len(tasks) > 1 else None
        answers = [{**first, "spans": first["versions"][0]["spans"], "answer": "accept"}]
        if second is not None:
            answers.append({**second, "answer": "reject"})
        controller.give_answers({"answers": answers, "session_id": "judge"})
        saved = controller.db.get_dataset_examples("ab")
        record = saved[0]["meta"]["eval_ab"]
        assert record["A"] == str(ner_pipeline) and record["B"] == str(weak_pipeline)
        assert record["winner"] in ("A", "B") and record["version_of"][record["winner"]] == 1
        tally = results(saved)
        assert tally[record["winner"]] == 1 and tally["rejected"] == (second is not None)
    finally:
        controller.close()
    assert "ner.eval-ab ab: A (" in capsys.readouterr().out
