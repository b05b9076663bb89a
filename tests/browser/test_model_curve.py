"""The model panel's learning curve (dev F1 per update) against a scripted /progress."""

from __future__ import annotations

import re
import time

import pytest

from .test_ui_mocked import FakeBackend, make_task, open_ui

pytestmark = pytest.mark.browser


class CurveBackend(FakeBackend):
    """/progress answers a model with ``history`` (3 updates unless told otherwise)."""

    def __init__(self, history: list[dict], **model) -> None:
        super().__init__([make_task("Ada Lovelace met Charles Babbage", 0)])
        self.model = {"state": "idle", "n_updates": len(history), "history": history, **model}

    def handle(self, route, request) -> None:
        if request.url.split("?")[0].endswith("/progress"):
            self._json(route, {"total": 0, "progress": None, "model": self.model})
        else:
            super().handle(route, request)


def history(now: float) -> list[dict]:
    return [{"version": 1, "dev_f1": 0.2, "finished": now - 600},
            {"version": 2, "dev_f1": 0.45, "finished": now - 300},
            {"version": 3, "dev_f1": 0.6, "finished": now - 120}]


def test_the_panel_draws_dev_f1_per_update(page, tmp_path):
    backend = CurveBackend(history(time.time()), stabilised=True, kappas=[0.97, 0.995])
    open_ui(page, backend)
    page.wait_for_selector("#model-curve svg path.curve-line")
    d = page.locator("#model-curve path.curve-line").get_attribute("d")
    coords = re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", d or "")
    assert len(coords) == 3, d
    ys = [float(y) for _, y in coords]
    assert ys[0] > ys[1] > ys[2], "F1 rises, so the curve goes up (smaller y)"
    assert page.locator("#model-curve circle").count() == 3
    caption = page.locator("#model-last-update").text_content() or ""
    assert re.search(r"dev F1 per update · last update \d\d:\d\d \(2 min ago\)", caption), caption
    # the stopping signal stays in its own stat next to the curve
    assert "the model has stabilised" in (page.locator("#model-kappa").text_content() or "")
    # the SVG is real SVG (a namespaced element), not markup in text
    assert page.evaluate("document.querySelector('#model-curve path').namespaceURI") == (
        "http://www.w3.org/2000/svg")
    page.locator("#model-state").screenshot(path=str(tmp_path / "model_curve.png"))


def test_no_curve_before_the_first_update(page):
    backend = CurveBackend([])
    open_ui(page, backend)
    page.wait_for_function("document.getElementById('model-status').textContent.length > 1")
    page.wait_for_timeout(300)
    curve = page.locator("#model-curve")
    assert curve.count() == 0 or not curve.is_visible()
