"""``spacy-al annotate ner.manual ... --patterns FILE`` through a real server."""

from __future__ import annotations

from pathlib import Path

import srsly

from tests.recipe_runtime.test_patterns import write_patterns
from tests.server.conftest import first_questions

SOURCE = ["Nothing to see here .", "The BBC reported from Berlin .", "Rain again today .",
          "Apple hired John Smith .", "Quiet day ."]


def test_manual_patterns_pre_annotate_and_come_first(tmp_path: Path) -> None:
    source = tmp_path / "source.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in SOURCE])
    patterns = write_patterns(tmp_path / "patterns.jsonl", [
        {"label": "ORG", "pattern": "BBC"}, {"label": "ORG", "pattern": "Apple"},
        {"label": "PER", "pattern": [{"lower": "john"}, {"lower": "smith"}]}])
    tasks = first_questions(["ner.manual", "pat_ds", str(source), "--label", "PER,ORG",
                             "--patterns", str(patterns)], tmp_path / "a.db", tmp_path)
    assert [t["text"] for t in tasks] == [SOURCE[1], SOURCE[3], SOURCE[0], SOURCE[2],
                                          SOURCE[4]]
    assert [(s["token_start"], s["token_end"], s["label"], s["source"])
            for s in tasks[1]["spans"]] == [(0, 0, "ORG", "pattern"), (2, 3, "PER", "pattern")]
    assert tasks[0]["spans"][0]["label"] == "ORG" and tasks[0]["spans"][0]["start"] == 4
    assert all(t["spans"] == [] for t in tasks[2:])


def test_bad_patterns_stop_the_server_with_file_and_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "source.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in SOURCE])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "ORG", "pattern": "BBC"}\n{"label": "ORG", "pattern": 3}\n')
    done = subprocess.run([sys.executable, "-m", "spacy_al", "annotate", "ner.manual", "ds",
                           str(source), "--label", "ORG", "--patterns", str(bad), "--db",
                           str(tmp_path / "a.db")], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode != 0
    assert "bad.jsonl, line 2" in done.stdout + done.stderr
