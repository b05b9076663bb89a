"""Property-based fuzzing of every endpoint: never a 5xx, nothing written on a 4xx.

In process (Starlette's TestClient, the full app with its guard) a few hundred
examples in the default suite and 10,000 marked slow; then a smoke run against a
real server on localhost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import srsly
from hypothesis import HealthCheck, given, settings
from starlette.testclient import TestClient

from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.server.app import make_app
from spacy_al.server.controller import Controller
from spacy_al.server.guard import Access
from tests.conftest import SENTENCES
from tests.server.conftest import LABELS, MORE
from tests.server.fuzzing import check_response, counts, request_case

FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
STATUSES: Counter[int] = Counter()


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path,
                                                                           list[dict]]]:
    workdir = tmp_path_factory.mktemp("fuzz")
    source = workdir / "source.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in SENTENCES + MORE])
    db = workdir / "fuzz.db"
    controller = build_controller("ner.manual", ["fuzz", str(source), "--label", LABELS,
                                                 "--batch-size", "4"], db_path=db)
    app = make_app(controller, access=Access(allowed_hosts=["testserver"]))
    with TestClient(app, raise_server_exceptions=False) as client:
        tasks = client.post("/get_session_questions", json={"session_id": "seed"}).json()
        yield client, db, tasks["tasks"]
    controller.db.close()


def _fuzz(client: Any, db: Path, tasks: list[dict], max_examples: int) -> Counter[int]:
    statuses: Counter[int] = Counter()

    @settings(FUZZ, max_examples=max_examples)
    @given(case=request_case(tasks))
    def run(case: dict[str, Any]) -> None:
        before = counts(db)
        response = client.request(**case)
        check_response(response.status_code, before, counts(db), statuses)

    run()
    assert client.get("/health").json()["status"] == "ok"
    assert client.post("/get_session_questions", json={"session_id": "after"}).status_code == 200
    print(f"\nfuzz: {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
    return statuses


def test_fuzz_every_endpoint(app_client: tuple) -> None:
    statuses = _fuzz(*app_client, max_examples=400)
    assert statuses[200] and statuses[400] and not any(s >= 500 for s in statuses)


@pytest.mark.slow
def test_fuzz_every_endpoint_long(app_client: tuple) -> None:
    statuses = _fuzz(*app_client, max_examples=10_000)
    assert sum(statuses.values()) >= 10_000 and not any(s >= 500 for s in statuses)


def test_fuzz_smoke_on_a_real_server(manual_server: tuple) -> None:
    server, db = manual_server
    with server.client() as client:
        tasks = client.post("/get_session_questions", json={"session_id": "seed"}).json()
        _fuzz(client, db, tasks["tasks"], max_examples=60)


def test_a_500_closes_the_connection_cleanly(app_client: tuple,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    client, _, _ = app_client

    def broken(*args: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Controller, "progress", broken)
    response = client.get("/progress")
    assert response.status_code == 500 and response.headers["connection"] == "close"
    assert "secret" not in response.text and response.headers["x-content-type-options"]
