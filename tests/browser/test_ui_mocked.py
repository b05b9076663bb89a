"""The web UI against a scripted backend (Playwright request interception).

These tests load the real static files but answer the JSON endpoints from Python,
so the view logic (rendering, keyboard, undo, retries) is checked without a model
or a server process. The end-to-end test with the real server is test_ui.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "spacy_al" / "server" / "static"
BASE = "http://annotate.test"
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


def make_task(text: str, i: int, spans=(), **meta) -> dict:
    tokens = []
    for m in re.finditer(r"\S+", text):
        tokens.append({"text": m.group(), "start": m.start(), "end": m.end(),
                       "id": len(tokens), "ws": m.end() < len(text)})
    return {
        "text": text,
        "tokens": tokens,
        "spans": list(spans),
        "_input_hash": i,
        "_task_hash": 100 + i,
        "meta": {"score": 0.25 * (i + 1), "strategy": "mnlp", **meta},
    }


class FakeBackend:
    """The server's JSON contract, answered in-process."""

    def __init__(self, tasks, view_id="ner_manual", labels=("PER", "ORG", "LOC")):
        self.tasks = list(tasks)
        self.view_id = view_id
        self.labels = list(labels)
        self.answers: list[dict] = []
        self.give_status = 200   # set to 503 or 400 to make /give_answers fail
        self.requests: list[str] = []

    def handle(self, route, request) -> None:
        path = urlparse(request.url).path
        self.requests.append(path)
        if path == "/" or path.startswith("/static/"):
            name = "index.html" if path == "/" else path[len("/static/"):]
            file = STATIC / name
            if not file.is_file():
                route.fulfill(status=404, body="not found")
                return
            route.fulfill(status=200, body=file.read_bytes(),
                          content_type=TYPES.get(file.suffix, "application/octet-stream"))
        elif path == "/project":
            self._json(route, {"recipe": "test", "dataset": "ds", "labels": self.labels,
                               "view_id": self.view_id, "config": {}})
        elif path == "/get_session_questions":
            done = {a["_task_hash"] for a in self.answers}
            todo = [t for t in self.tasks if t["_task_hash"] not in done][:2]
            self._json(route, {"tasks": todo, "total": len(self.answers), "progress": None})
        elif path == "/give_answers":
            if self.give_status != 200:
                self._json(route, {"error": "nope"}, status=self.give_status)
                return
            body = json.loads(request.post_data)
            self.answers.extend(body["answers"])
            self._json(route, {"total": len(self.answers),
                               "progress": len(self.answers) / len(self.tasks)})
        elif path == "/progress":
            self._json(route, {"total": len(self.answers), "progress": None,
                               "model": {"answers_since_update": len(self.answers),
                                         "last_dev_f1": 0.5, "state": "idle"}})
        else:
            route.fulfill(status=404, body="not found")

    @staticmethod
    def _json(route, data, status=200) -> None:
        route.fulfill(status=status, body=json.dumps(data), content_type="application/json")


def open_ui(page, backend: FakeBackend, query: str = "?session=bob"):
    page.route(f"{BASE}/**", backend.handle)
    page.goto(f"{BASE}/{query}")
    page.wait_for_selector("#text .tok")
    return page


def wait_saved(page) -> None:
    page.wait_for_function("window.spacyAl.pending() === 0 && !window.spacyAl.state.retryTimer")


def test_task_text_is_shown_literally(page):
    text = 'Hi <b>bold</b> <script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> end'
    span_start = text.index("<b>")
    task = make_task(text, 0, spans=[{"start": span_start, "end": span_start + len("<b>bold</b>"),
                                      "token_start": 1, "token_end": 1, "label": "<i>ORG</i>"}],
                     strategy="<u>mnlp</u>")
    backend = FakeBackend([task], labels=["<i>ORG</i>", "PER"])
    open_ui(page, backend)
    text_box = page.locator("#text")
    assert text_box.locator("b, script, img, i").count() == 0
    assert page.locator("#labels i, #task-meta u").count() == 0
    tokens = text_box.locator(".tok").all_text_contents()
    assert "<b>bold</b>" in tokens
    assert "<script>window.__xss=1</script>" in tokens
    # The tokens and the gaps between them give back the text exactly.
    assert "".join(t for t in text_box.locator(".tok").all_text_contents()) == text.replace(" ", "")
    assert page.locator("#text .ent-label").text_content() == "<i>ORG</i>"
    assert page.locator("#labels .label-name").first.text_content() == "<i>ORG</i>"
    assert page.locator("#meta-strategy").text_content() == "<u>mnlp</u>"
    assert page.evaluate("window.__xss") is None


def test_keyboard_and_mouse_editing(page):
    backend = FakeBackend([make_task("Ada Lovelace met Charles Babbage in London", 0)])
    open_ui(page, backend)
    kb = page.keyboard
    # keyboard: first arrow shows the cursor on token 0, shift extends, 1 applies PER
    kb.press("ArrowRight")
    kb.press("Shift+ArrowRight")
    assert page.locator("#text .tok.sel").all_text_contents() == ["Ada", "Lovelace"]
    kb.press("1")
    marks = page.locator("#text .ent")
    assert marks.count() == 1 and marks.first.get_attribute("data-label") == "PER"
    # with no selection a number key only picks the label; Enter applies it
    kb.press("Escape")
    kb.press("3")
    assert page.locator('#text .ent[data-label="LOC"]').count() == 0
    kb.press("End")
    kb.press("Enter")
    assert page.locator('#text .ent[data-label="LOC"] .tok').all_text_contents() == ["London"]
    # a new span over an old one replaces it
    kb.press("Home")
    kb.press("2")
    assert page.locator('#text .ent[data-label="ORG"] .tok').all_text_contents() == ["Ada"]
    assert page.locator('#text .ent[data-label="PER"]').count() == 0
    # Delete removes the span under the cursor
    kb.press("End")
    kb.press("Delete")
    assert page.locator('#text .ent[data-label="LOC"]').count() == 0
    # mouse: pick ORG with its button (Escape first: a label button applies to a
    # visible keyboard selection), then drag "Charles" -> "Babbage"
    kb.press("Escape")
    page.locator('#labels .label-btn[data-label="ORG"]').click()
    page.locator('#text .tok[data-i="3"]').hover()
    page.mouse.down()
    page.locator('#text .tok[data-i="4"]').hover()
    page.mouse.up()
    assert page.locator('#text .ent[data-token-start="3"] .tok').all_text_contents() == [
        "Charles", "Babbage"]
    # clicking a highlighted span removes it
    page.locator('#text .tok[data-i="0"]').click()
    assert page.locator('#text .ent').count() == 1
    # ... and so does a click on its label tag
    kb.press("End")
    kb.press("3")
    assert page.locator('#text .ent').count() == 2
    page.locator('#text .ent[data-label="LOC"] .ent-label').click()
    assert page.locator('#text .ent').count() == 1
    kb.press("a")
    wait_saved(page)
    assert len(backend.answers) == 1
    answer = backend.answers[0]
    assert answer["answer"] == "accept" and answer["_task_hash"] == 100
    assert answer["spans"] == [{"start": 17, "end": 32, "token_start": 3, "token_end": 4,
                                "label": "ORG"}]


def test_answer_keys_and_undo(page):
    tasks = [make_task(f"Task number {i} here", i) for i in range(4)]
    backend = FakeBackend(tasks)
    open_ui(page, backend)
    kb = page.keyboard
    kb.press("x")
    wait_saved(page)
    kb.press(" ")
    wait_saved(page)
    assert [a["answer"] for a in backend.answers] == ["reject", "ignore"]
    # undo of a sent answer: the task comes back; answering again records a newer answer
    kb.press("Backspace")
    assert page.locator("#undo-note").is_visible()
    assert page.evaluate("window.spacyAl.state.current._task_hash") == 101
    kb.press("a")
    wait_saved(page)
    assert [(a["_task_hash"], a["answer"]) for a in backend.answers][-1] == (101, "accept")
    # each answer carries its active time; an undone answer answered again adds to it
    times = [a["_annotation_ms"] for a in backend.answers]
    assert all(isinstance(t, int) and t >= 0 for t in times), times
    assert times[2] >= times[1], "the second answer to task 101 includes the first one's time"
    # while the server is unreachable answers wait in the outbox; undo takes them back unsent
    backend.give_status = 503
    kb.press("a")
    page.wait_for_selector('#save-status[data-state="offline"]')
    assert page.locator("#error").is_visible()
    kb.press("Backspace")
    assert page.evaluate("window.spacyAl.pending()") == 0
    assert page.evaluate("window.spacyAl.state.current._task_hash") == 102
    backend.give_status = 200
    n_before = len(backend.answers)
    kb.press("x")
    wait_saved(page)
    assert [(a["_task_hash"], a["answer"]) for a in backend.answers[n_before:]] == [(102, "reject")]
    # a refused answer (400) is reported and its task put back on screen
    backend.give_status = 400
    kb.press("a")
    page.wait_for_selector("#error:not([hidden])")
    page.wait_for_function(
        "window.spacyAl.state.current && window.spacyAl.state.current._task_hash === 103")
    assert "refused" in page.locator("#error").text_content()


def test_teach_view_accepts_the_suggestion(page):
    task = make_task("Grace Hopper worked at Harvard", 0,
                     spans=[{"start": 23, "end": 30, "label": "ORG"}])
    backend = FakeBackend([task], view_id="ner")
    open_ui(page, backend)
    assert page.locator("#text .ent").count() == 1
    assert page.locator('#text .ent[data-label="ORG"] .tok').all_text_contents() == ["Harvard"]
    assert page.locator("#labels .label-btn:disabled").count() == 3
    # editing keys do nothing in this view
    for key in ("ArrowRight", "Shift+ArrowRight", "1", "Enter"):
        page.keyboard.press(key)
    page.locator('#text .tok[data-i="0"]').click()
    assert page.locator("#text .ent").count() == 1
    assert page.locator("#text .tok.sel").count() == 0
    page.keyboard.press("a")
    wait_saved(page)
    (answer,) = backend.answers
    assert answer["answer"] == "accept"
    assert answer["spans"] == [{"start": 23, "end": 30, "label": "ORG"}]
    assert page.locator("#empty").is_visible()
