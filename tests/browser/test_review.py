"""End to end: the ``review`` recipe on a real server, the review view in Chromium.

Two sessions' answers (one sentence they agree on, two they do not) are put into a
database with the store API; ``spacy-al annotate review final in`` serves them. The
reviewer sees the conflicts first, takes version 2 of the first with the key ``2``,
takes a version of the second and edits it, accepts the agreeing one as it is, and
the ``final`` dataset holds those spans with ``meta.versions``.
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
from typing import Any

import pytest
import spacy

from spacy_al.store.database import Database
from spacy_al.tasks import doc_tokens, set_hashes
from tests.browser.conftest import stop_server

pytestmark = pytest.mark.browser

AGREE = "Anna met Bob in Paris ."
ROME = "Carl lives in Rome ."
OSLO = "Eve saw Oslo <i>today</i> ."
ACME = "Dora works at Acme ."
NLP = spacy.blank("en")
SCREENSHOT = Path(os.environ.get("SPACY_AL_REVIEW_SCREENSHOT", "/tmp/spacy_al_review.png"))


def _answer(text: str, session: str, spans: list[tuple[str, str]], answer: str = "accept"
            ) -> dict[str, Any]:
    tokens = doc_tokens(NLP.make_doc(text))
    index = {t["text"]: i for i, t in enumerate(tokens)}
    task = {"text": text, "tokens": tokens, "_view_id": "ner_manual", "answer": answer,
            "_session_id": f"in-{session}",
            "spans": [{"start": tokens[index[word]]["start"], "end": tokens[index[word]]["end"],
                       "token_start": index[word], "token_end": index[word], "label": label}
                      for word, label in spans]}
    return set_hashes(task)


def _fill(db_path: Path) -> None:
    db = Database(db_path)
    answers = [
        _answer(AGREE, "anna", [("Anna", "PER")]), _answer(AGREE, "bert", [("Anna", "PER")]),
        _answer(ROME, "anna", [("Carl", "PER")]),
        _answer(ROME, "bert", [("Carl", "PER"), ("Rome", "LOC")]),
        _answer(OSLO, "anna", [("Oslo", "LOC")]), _answer(OSLO, "bert", [("Oslo", "ORG")]),
        _answer(ACME, "anna", [("Acme", "ORG")]), _answer(ACME, "cleo", [], "reject"),
    ]
    for eg in answers:
        db.add_examples([eg], datasets=["in", eg["_session_id"]],
                        sessions={eg["_session_id"]: {"dataset": "in"}})
    db.close()


@pytest.fixture
def review_server(tmp_path: Path, free_port: int) -> Iterator[tuple[str, Path]]:
    db_path = tmp_path / "review.db"
    _fill(db_path)
    log = tmp_path / "server.log"
    cmd = [sys.executable, "-m", "spacy_al", "annotate", "review", "final", "in",
           "--label", "PER,ORG,LOC", "--db", str(db_path), "--port", str(free_port)]
    url = f"http://127.0.0.1:{free_port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                    if json.load(resp).get("ready"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.25)
        yield url, db_path
    finally:
        stop_server(proc)


def _wait_text(page, text: str) -> None:
    page.wait_for_function(f"() => window.spacyAl.state.current && "
                           f"window.spacyAl.state.current.text === {json.dumps(text)}")


def _result_labels(page) -> list[tuple[str, str]]:
    marks = page.locator("#text .ent")
    return [(marks.nth(i).locator(".tok").all_text_contents()[0],
             marks.nth(i).get_attribute("data-label")) for i in range(marks.count())]


def test_review_pick_one_edit_another(review_server: tuple[str, Path], page) -> None:
    url, db_path = review_server
    page.goto(f"{url}/?session=rev")
    page.wait_for_selector("#versions .review-version")
    kb = page.keyboard

    # 1. a conflict first: version 1 (anna) is preselected, shift+2 takes bert's
    _wait_text(page, ROME)
    rows = page.locator("#versions .review-version")
    assert rows.count() == 2
    assert rows.nth(0).locator(".review-session").all_text_contents() == ["anna"]
    assert rows.nth(1).locator(".ent").count() == 2
    assert page.locator("#review-result").get_attribute("data-picked") == "1"
    help_text = page.locator("#help").text_content() or ""
    assert "shift+1…9" in help_text and "1…9 pick a label" in help_text, help_text
    assert page.locator("#labels .label-key").first.is_visible()  # digits are labels here too
    kb.press("Shift+Digit2")
    assert _result_labels(page) == [("Carl", "PER"), ("Rome", "LOC")]
    assert rows.nth(1).get_attribute("aria-pressed") == "true"
    assert page.locator("#review-result").get_attribute("data-picked") == "2"
    kb.press("a")

    # 2. the other conflict: markup is text; click bert's version, then add PER on "Eve"
    #    with the label key 1 (the same key as in every view)
    _wait_text(page, OSLO)
    assert page.locator("#versions i, #text i").count() == 0
    assert "<i>today</i>" in page.locator("#versions .review-version").nth(0).text_content()
    page.locator("#versions .review-version").nth(1).click()
    assert _result_labels(page) == [("Oslo", "ORG")]
    kb.press("ArrowRight")                      # the cursor on "Eve"
    kb.press("1")
    assert _result_labels(page) == [("Eve", "PER"), ("Oslo", "ORG")]
    page.wait_for_selector('#review-result[data-picked="edited"]')
    page.screenshot(path=str(SCREENSHOT))
    kb.press("a")

    # 3. accepted by anna, rejected by cleo: a conflict too; the reviewer rejects it
    _wait_text(page, ACME)
    rows = page.locator("#versions .review-version")
    assert rows.count() == 2
    assert rows.nth(1).get_attribute("data-answer") == "reject"
    assert rows.nth(1).locator(".review-rejected").is_visible()
    assert rows.nth(1).locator(".ent").count() == 0
    assert "x: reject (as version 2)" in page.locator("#review-result").text_content()
    kb.press("Shift+Digit2")
    assert _result_labels(page) == []
    kb.press("x")

    # 4. the sentence both agree on comes last, accepted as it is
    _wait_text(page, AGREE)
    assert page.locator("#versions .review-version").count() == 1
    kb.press("a")
    page.wait_for_function("() => window.spacyAl.pending() === 0 && !window.spacyAl.state.current")

    db = Database(db_path)
    stored = {eg["text"]: eg for eg in db.get_dataset_examples("final")}
    db.close()
    assert set(stored) == {ROME, OSLO, ACME, AGREE}
    rejected = stored.pop(ACME)
    assert rejected["answer"] == "reject"
    assert rejected["meta"]["versions"] == {"sessions": [["in-anna"], ["in-cleo"]], "picked": 2}

    def spans(text: str) -> list[tuple[str, str]]:
        eg = stored[text]
        return [(eg["text"][s["start"]:s["end"]], s["label"]) for s in eg["spans"]]

    assert spans(ROME) == [("Carl", "PER"), ("Rome", "LOC")]
    assert sorted(spans(OSLO)) == [("Eve", "PER"), ("Oslo", "ORG")]
    assert spans(AGREE) == [("Anna", "PER")]
    assert stored[ROME]["meta"]["versions"] == {"sessions": [["in-anna"], ["in-bert"]],
                                                "picked": 2}
    assert stored[OSLO]["meta"]["versions"]["picked"] == "edited"
    assert stored[AGREE]["meta"]["versions"] == {"sessions": [["in-anna", "in-bert"]],
                                                 "picked": 1}
    assert all(eg["answer"] == "accept" and eg["_session_id"] == "final-rev"
               for eg in stored.values())
