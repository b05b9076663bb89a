"""A page on another origin tries to write answers into the annotation server, and fails.

The annotation server runs on one localhost port; a second tiny HTTP server on
another port serves a hostile page that knows a real task (the test hands it one)
and tries every way a browser page can post without the server's consent: a
``text/plain`` no-cors fetch, a JSON fetch (needs a CORS preflight the server never
grants), ``navigator.sendBeacon`` and a form submission. Nothing is stored.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import srsly

from tests.server.conftest import LABELS, MORE, Server, start_server

pytestmark = pytest.mark.browser

EVIL_PAGE = """<!doctype html><title>evil</title>
<form id="f" method="POST" enctype="text/plain" target="sink" action="{target}/give_answers">
<input name='{{"x":"' value='"}}'></form><iframe name="sink"></iframe>
<script>
const target = {target_json}, body = {body_json};
async function attack() {{
  const results = [];
  for (const [name, init] of [
    ["text/plain no-cors", {{method: "POST", mode: "no-cors", body,
                             headers: {{"Content-Type": "text/plain"}}}}],
    ["blob no-cors", {{method: "POST", mode: "no-cors", body: new Blob([body])}}],
    ["json cors", {{method: "POST", body, headers: {{"Content-Type": "application/json"}}}}],
  ]) {{
    try {{ const r = await fetch(target + "/give_answers", init);
           results.push(name + ": " + r.type + " " + r.status); }}
    catch (e) {{ results.push(name + ": blocked " + e); }}
  }}
  results.push("beacon queued: " + navigator.sendBeacon(target + "/give_answers", body));
  document.getElementById("f").submit();
  window.__results = results;
}}
attack();
</script>"""


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM examples").fetchone()[0])


@pytest.fixture
def annotation_server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    source = tmp_path / "source.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in MORE[:8]])
    db = tmp_path / "cross.db"
    server = start_server(["ner.manual", "cross", str(source), "--label", LABELS], db, tmp_path)
    yield server, db
    server.stop()


def _evil_site(page: str) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            data = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def test_a_page_on_another_origin_cannot_post_answers(page, annotation_server) -> None:
    server, db = annotation_server
    with server.client() as client:
        task = client.post("/get_session_questions",
                           json={"session_id": "victim"}).json()["tasks"][0]
    body = json.dumps({"answers": [dict(task, answer="reject")], "session_id": "victim"})
    html = EVIL_PAGE.format(target=server.url, target_json=json.dumps(server.url),
                            body_json=json.dumps(body))
    before = _count(db)
    for url in _evil_site(html):
        page.goto(url)
        page.wait_for_function("window.__results !== undefined")
        page.wait_for_timeout(1500)  # the beacon and the form post go out asynchronously
        results = page.evaluate("window.__results")
        assert any("json cors: blocked" in r for r in results), results
    assert _count(db) == before, "a cross-origin page stored an answer"
    # the same answer from the app's own origin (no Origin from another site) is stored
    with httpx.Client(base_url=server.url, trust_env=False) as client:
        response = client.post("/give_answers", content=body,
                               headers={"Content-Type": "application/json",
                                        "Origin": server.url})
        assert response.status_code == 200, response.text
    assert _count(db) == before + 1
