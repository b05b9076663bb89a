"""``ner.manual --patterns`` in Chromium: the first task is a matched sentence and shows
the pattern's span highlighted; accepting it stores the span."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srsly

from tests.server.conftest import start_server

pytestmark = pytest.mark.browser

SOURCE = ["Nothing happened on Monday .", "Rain fell all day .",
          "Tim Cook said Apple will open a store in Berlin ."]


def test_pattern_span_is_highlighted_and_saved(tmp_path: Path, page) -> None:
    source = tmp_path / "source.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in SOURCE])
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text(json.dumps({"label": "ORG", "pattern": "Apple"}) + "\n"
                        + json.dumps({"label": "PER", "pattern": [{"lower": "tim"},
                                                                  {"lower": "cook"}]}) + "\n")
    db = tmp_path / "a.db"
    server = start_server(["ner.manual", "pat_ui", str(source), "--label", "PER,ORG,LOC",
                           "--patterns", str(patterns)], db, tmp_path)
    try:
        page.goto(f"{server.url}/?session=alice")
        page.wait_for_selector("#text .tok")
        assert page.evaluate("window.spacyAl.state.current.text") == SOURCE[2]
        assert page.locator('#text .ent[data-label="ORG"] .tok').all_text_contents() == [
            "Apple"]
        assert page.locator('#text .ent[data-label="PER"] .tok').all_text_contents() == [
            "Tim", "Cook"]
        page.keyboard.press("a")
        page.wait_for_function("() => window.spacyAl.pending() === 0")
        page.wait_for_selector('#save-status[data-state="saved"]')
    finally:
        server.stop()
    from spacy_al.store.database import connect

    store = connect(db)
    try:
        rows = store.get_dataset_examples("pat_ui")
    finally:
        store.close()
    accepted = [row for row in rows if row.get("answer") == "accept"]
    assert [row["text"] for row in accepted] == [SOURCE[2]]
    assert sorted(s["label"] for s in accepted[0]["spans"]) == ["ORG", "PER"]
