"""End to end: the real annotation server, the web UI in Chromium, the SQLite database.

Starts ``spacy-al annotate ner.manual`` in a subprocess on a free 127.0.0.1 port with
a small JSONL source and a temporary database, then drives the page as an annotator
named ``alice`` would: select a span with the keyboard, pick a label, accept three
tasks, reload, and check what the database holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import stop_server

pytestmark = pytest.mark.browser

DATASET = "ui_test"
SOURCE = [
    "Barack Obama visited Microsoft headquarters in Redmond yesterday .",
    "Angela Merkel met Emmanuel Macron in Paris on Monday .",
    "Watch <b>bold</b> and <script>window.__xss=1</script> here .",
    "The United Nations held a meeting in Geneva .",
    "Tim Cook said Apple will open a store in Berlin .",
]
SCREENSHOT = Path(os.environ.get("SPACY_AL_SCREENSHOT", "/tmp/spacy_al_ui.png"))
START_TIMEOUT = 90.0


class Server:
    def __init__(self, url: str, db_path: Path, log: Path) -> None:
        self.url, self.db_path, self.log = url, db_path, log


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200 and json.load(resp).get("ready"):
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"the server did not answer /health within {START_TIMEOUT:.0f} s:\n"
                f"{log.read_text()}")


@pytest.fixture
def server(tmp_path: Path, free_port: int) -> Iterator[Server]:
    source = tmp_path / "source.jsonl"
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in SOURCE), encoding="utf8")
    db_path = tmp_path / "annotations.db"
    log = tmp_path / "server.log"
    cmd = [sys.executable, "-m", "spacy_al", "annotate", "ner.manual", DATASET, str(source),
           "--label", "PER,ORG,LOC", "--db", str(db_path), "--port", str(free_port)]
    url = f"http://127.0.0.1:{free_port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        _wait_healthy(url, proc, log)
        yield Server(url, db_path, log)
    finally:
        stop_server(proc)


def current_text(page) -> str:
    return page.evaluate("window.spacyAl.state.current && window.spacyAl.state.current.text")


def wait_saved(page) -> None:
    page.wait_for_function("() => window.spacyAl.pending() === 0")
    page.wait_for_selector('#save-status[data-state="saved"]')


def test_annotate_three_tasks_and_reload(server: Server, page) -> None:
    page.goto(f"{server.url}/?session=alice")
    page.wait_for_selector("#text .tok")
    assert page.locator("#session").text_content() == "alice"
    assert page.locator("#labels .label-name").all_text_contents() == ["PER", "ORG", "LOC"]
    kb = page.keyboard

    # 1. select "Barack Obama" with the keyboard, label it PER with the number key
    assert current_text(page) == SOURCE[0]
    kb.press("ArrowRight")                      # the cursor appears on the first token
    kb.press("Shift+ArrowRight")                # ... and the selection grows to the second
    assert page.locator("#text .tok.sel").all_text_contents() == ["Barack", "Obama"]
    kb.press("1")
    assert page.locator('#text .ent[data-label="PER"] .tok').all_text_contents() == [
        "Barack", "Obama"]
    kb.press("a")

    # 2. pick LOC first, then move to "Paris" and apply it with Enter
    page.wait_for_function(f"() => window.spacyAl.state.current.text === {json.dumps(SOURCE[1])}")
    kb.press("3")                               # no selection yet: only picks the label
    for _ in range(7):
        kb.press("ArrowRight")                  # tokens 0 .. 6 ("Paris")
    kb.press("Enter")
    assert page.locator('#text .ent[data-label="LOC"] .tok').all_text_contents() == ["Paris"]
    page.screenshot(path=str(SCREENSHOT))
    kb.press("a")

    # 3. markup in the text is shown as text, never interpreted
    page.wait_for_function(f"() => window.spacyAl.state.current.text === {json.dumps(SOURCE[2])}")
    assert page.locator("#text b, #text script").count() == 0
    assert page.locator("#text").text_content() == SOURCE[2]
    assert page.evaluate("window.__xss") is None
    kb.press("a")

    wait_saved(page)
    page.wait_for_function(
        "() => document.getElementById('progress-text').textContent.includes('3 by this session')")
    assert page.locator("#model-state").is_hidden(), "ner.manual has no model: no model panel"

    # reload: the answered tasks are not asked again
    page.reload()
    page.wait_for_selector("#text .tok")
    assert current_text(page) == SOURCE[3]

    # the database file holds the three answers, with their spans and session
    from spacy_al.store.database import connect

    db = connect(server.db_path)
    try:
        stored = db.get_dataset_examples(DATASET)
        by_session = db.get_dataset_examples(DATASET, session_id=f"{DATASET}-alice")
        sessions = db.sessions
    finally:
        db.close()
    assert [eg["text"] for eg in stored] == SOURCE[:3]
    assert by_session == stored
    assert f"{DATASET}-alice" in sessions
    assert all(eg["answer"] == "accept" for eg in stored)
    assert all(eg["_session_id"] == f"{DATASET}-alice" for eg in stored)
    assert stored[0]["spans"] == [
        {"start": 0, "end": 12, "token_start": 0, "token_end": 1, "label": "PER"}]
    assert stored[1]["spans"] == [
        {"start": 37, "end": 42, "token_start": 6, "token_end": 6, "label": "LOC"}]
    assert stored[2]["spans"] == []
    # the spans each question was shown with (none here: ner.manual from plain text) are
    # kept beside the answer's, so a session's corrections can be counted (live cost fits)
    assert [eg["_shown_spans"] for eg in stored] == [[], [], []]
    # the active time each answer took is stored with it, and db-out keeps it
    assert all(isinstance(eg["_annotation_ms"], int) and eg["_annotation_ms"] > 0 for eg in stored)
    out = subprocess.run([sys.executable, "-m", "spacy_al", "db-out", DATASET, "--db",
                          str(server.db_path)], capture_output=True, text=True, check=True)
    exported = [json.loads(line) for line in out.stdout.splitlines()]
    assert [eg["_annotation_ms"] for eg in exported] == [eg["_annotation_ms"] for eg in stored]
