"""print-stream and filter-by-patterns on a user's own files (a tag-first column file read
as it is, no convert)."""

from __future__ import annotations

import json
from pathlib import Path

import srsly
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.recipe_runtime.pipeline_annotator import PipelineAnnotator
from spacy_al.recipe_runtime.sources import load_source

TAG_FIRST = ("B-PER\tAngela\r\nI-PER\tMerkel\r\nO\tvisited\r\nB-LOC\tParis\r\nO\t.\r\n\r\n"
             "B-ORG\tApple\r\nO\thired\r\nB-PER\tJohn\r\nI-PER\tSmith\r\nO\t.\r\n")


def test_print_stream_marks_a_pipelines_entities(tmp_path: Path, ner_pipeline: Path) -> None:
    column = tmp_path / "mine.tsv"
    column.write_bytes(TAG_FIRST.encode("utf8"))
    result = CliRunner().invoke(app, ["print-stream", str(ner_pipeline), str(column)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2 and lines[0].replace("[", "").startswith("Angela")
    expected = PipelineAnnotator(str(ner_pipeline)).spans(load_source(column)[0].tokens)
    assert lines[0].count("[") == len(expected) > 0
    plain = CliRunner().invoke(app, ["print-stream", "blank:en", str(column), "--limit", "1"])
    assert plain.output.splitlines() == ["Angela Merkel visited Paris ."]
    missing = CliRunner().invoke(app, ["print-stream", str(tmp_path / "nope"), str(column)])
    assert missing.exit_code == 1 and "[E003]" in missing.output
    assert "is not a pipeline folder" in missing.output


def test_filter_by_patterns_keeps_the_matching_sentences(tmp_path: Path) -> None:
    source = tmp_path / "texts.txt"
    source.write_text("Angela Merkel visited Paris .\nNothing to see here .\n"
                      "Paris is big .\n", encoding="utf8")
    patterns = tmp_path / "patterns.jsonl"
    srsly.write_jsonl(patterns, [{"label": "LOC", "pattern": "Paris"},
                                 {"label": "PER", "pattern": [{"LOWER": "angela"},
                                                              {"LOWER": "merkel"}]}])
    out = tmp_path / "matched.jsonl"
    result = CliRunner().invoke(app, ["filter-by-patterns", str(source), "--patterns",
                                      str(patterns), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 sentence(s) matched" in result.output
    tasks = [json.loads(line) for line in out.read_text("utf8").splitlines()]
    assert [t["text"] for t in tasks] == ["Angela Merkel visited Paris .", "Paris is big ."]
    text = tasks[0]["text"]
    assert [(text[s["start"]:s["end"]], s["label"]) for s in tasks[0]["spans"]] == [
        ("Angela Merkel", "PER"), ("Paris", "LOC")]
    assert tasks[0]["meta"]["pattern"] is True and tasks[0]["tokens"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf8")
    broken = CliRunner().invoke(app, ["filter-by-patterns", str(source), "--patterns",
                                      str(bad)])
    assert broken.exit_code == 1 and "bad.jsonl" in broken.output
