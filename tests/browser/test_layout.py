"""The page's geometry at a desktop (1280 px) and a phone (400 px) width, against a scripted
backend: nothing off screen, no two controls overlapping, no token split across lines, the
overview's panels of equal width whatever the model panel shows, no model panel for a recipe
without a model. Screenshots go to $SPACY_AL_SCREENSHOT_DIR (default: the test's tmp dir).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from .test_ui_mocked import FakeBackend, make_task, open_ui

pytestmark = pytest.mark.browser

CASES = [(1280, "ner_manual"), (400, "ner_manual"), (400, "review")]
# Long words and a long entity with its label tag: where a careless layout splits a token.
TEXT = ("La Plaza de la Candelaria en Santa Cruz de Tenerife acoge la fiesta de Nuestra "
        "Señora de Candelaria , patrona de Canarias , y la Kommunikationswissenschaftlerin "
        "Maria-Candelaria Rodríguez-Hernández habló .")


def _span(text: str, words: str, label: str, tokens: list[dict]) -> dict:
    start = text.index(words)
    end = start + len(words)
    ids = [t["id"] for t in tokens if t["start"] >= start and t["end"] <= end]
    return {"start": start, "end": end, "token_start": ids[0], "token_end": ids[-1],
            "label": label}


def _task(view: str = "ner_manual") -> dict:
    task = make_task(TEXT, 0, source="/a/rather/long/path/to/the/source/file.conll:12345")
    task["spans"] = [_span(TEXT, w, label, task["tokens"]) for w, label in [
        ("Nuestra Señora de Candelaria", "LOC"), ("Maria-Candelaria Rodríguez-Hernández", "PER")]]
    if view == "review":  # recipe review: the versions of three sessions, one rejected
        task["versions"] = [
            {"sessions": ["in-anna", "in-bert"], "spans": task["spans"], "answer": "accept"},
            {"sessions": ["in-cleo-with-a-long-name"], "spans": task["spans"][:1],
             "answer": "accept"},
            {"sessions": ["in-dora"], "answer": "reject"}]
    return task


class ModelBackend(FakeBackend):
    """/progress with a model that has updated five times, a long kappa trend and a pace."""

    def __init__(self, tasks, model: dict | None, view_id: str = "ner_manual") -> None:
        super().__init__(tasks, view_id=view_id,
                         labels=("PER", "ORG", "LOC", "MISC", "PRODUCT", "EVENT"))
        self.model = model

    def handle(self, route, request) -> None:
        if request.url.split("?")[0].endswith("/progress"):
            body = {"total": 1234, "session_total": 1024, "remaining": 10456,
                    "progress": 0.1056, "pace": {"answers": 1024, "timed": 1000,
                                                 "seconds_per_answer": 11.8,
                                                 "answers_per_hour": 305.1}}
            if self.model is not None:
                body["model"] = self.model
            self._json(route, body)
        else:
            super().handle(route, request)


def _model() -> dict:
    now = time.time()
    history = [{"version": v, "dev_f1": 0.1 * v, "n_eval": 4 * v, "finished": now - 60 * (6 - v)}
               for v in range(1, 6)]
    return {"state": "training", "n_updates": 5, "answers_since_update": 13, "update_every": 20,
            "last_dev_f1": 0.5, "history": history, "stabilised": True,
            "kappas": [0.61234, 0.91234, 0.97, 0.99, 0.995],
            "error": None}


GEOMETRY = """() => {
  const W = document.documentElement.clientWidth;
  const box = (e) => e.getBoundingClientRect();
  const shown = (e) => { const r = box(e); return r.width > 0 && r.height > 0; };
  const off = Array.from(document.querySelectorAll("body *")).filter(shown)
    .filter((e) => !e.closest(".text-wrap, .review-text") || e.matches(".text-wrap, .review-text"))
    .filter((e) => box(e).left < -0.5 || box(e).right > W + 0.5)
    .map((e) => (e.id || e.className || e.tagName) + " " + Math.round(box(e).left) + ".." +
                Math.round(box(e).right));
  const overlaps = [];
  for (const sel of [".actions .btn", ".overview > *:not([hidden])", ".model-stats .stat",
                     "#labels .label-btn", ".topbar > *", ".progress-block > *:not([hidden])",
                     ".review-version", ".review-version > *"]) {
    const nodes = Array.from(document.querySelectorAll(sel)).filter(shown);
    for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
      const a = box(nodes[i]), b = box(nodes[j]);
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 &&
          b.top < a.bottom - 0.5) overlaps.push(sel + " #" + i + "/#" + j);
    }
  }
  const split = Array.from(document.querySelectorAll("#text .tok, .review-tok")).filter((t) =>
    new Set(Array.from(t.getClientRects()).map((r) => Math.round(r.top))).size > 1)
    .map((t) => t.textContent);
  const lines = new Set(Array.from(document.querySelectorAll("#text .tok"))
    .map((t) => Math.round(t.getBoundingClientRect().top))).size;
  return {off, overlaps, split, lines, scrollWidth: document.documentElement.scrollWidth, W,
          progress: box(document.querySelector(".progress-block")).width,
          model: box(document.getElementById("model-state")).width};
}"""


def _shots() -> Path | None:
    folder = os.environ.get("SPACY_AL_SCREENSHOT_DIR")
    return Path(folder) if folder else None


@pytest.mark.parametrize(("width", "view"), CASES)
def test_nothing_off_screen_overlapping_or_split(page, width: int, view: str,
                                                 tmp_path: Path) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    open_ui(page, ModelBackend([_task(view)], _model(), view_id=view))
    page.wait_for_selector("#model-curve svg text")
    page.wait_for_selector("#progress-pace:not([hidden])")
    page.keyboard.press("ArrowRight")                 # the cursor shown: the token layout
    geo = page.evaluate(GEOMETRY)
    (_shots() or tmp_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str((_shots() or tmp_path) / f"layout_{view}_{width}.png"),
                    full_page=True)
    assert geo["scrollWidth"] <= geo["W"], f"the page scrolls sideways: {geo}"
    assert geo["off"] == [], geo["off"]
    assert geo["overlaps"] == [], geo["overlaps"]
    assert geo["split"] == [], f"tokens split across lines: {geo['split']}"
    assert geo["lines"] > (1 if width > 1000 else 4), geo
    if width > 1000:  # two equal columns: a long kappa trend does not squeeze the progress
        assert abs(geo["progress"] - geo["model"]) <= 1, geo
    # what the panels say: the progress title apart from its text, the dev set's size, the
    # kappa explained in words on the page, the axes of the curve
    title = page.locator(".progress-block .block-title").bounding_box()
    text = page.locator("#progress-text").bounding_box()
    assert title and text and text["y"] >= title["y"] + title["height"]
    assert page.locator("#progress-text").text_content().startswith("1024 by this session")
    assert "s per answer" in page.locator("#progress-pace").text_content()
    assert page.locator("#model-f1-key").text_content() == "last dev F1 on 20 sentences"
    assert "agree" in page.locator("#model-kappa-note").inner_text()
    assert page.locator("#model-curve svg text").all_text_contents()[-3:] == ["v1", "v5", "update"]


def test_a_recipe_without_a_model_shows_no_model_panel(page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    open_ui(page, ModelBackend([_task()], None))
    page.wait_for_function("document.getElementById('progress-text').textContent !== '—'")
    assert page.locator("#model-state").is_hidden()
    progress = page.locator(".progress-block").bounding_box()
    card = page.locator("#card").bounding_box()
    assert progress and card and progress["width"] > 0.9 * card["width"], "one panel: a full row"
