"""The access rules in isolation: Host names, tokens, origins, content types."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from spacy_al.server.guard import Access, Guard, is_loopback
from tests.server.conftest import LABELS, MORE


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
    ("example.org", False)])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_host_allow_list() -> None:
    access = Access(bound_host="10.0.0.7", allowed_hosts=["annotate.example"])
    for ok in ("localhost:8080", "127.0.0.1", "[::1]:80", "10.0.0.7:8080", "ANNOTATE.example"):
        assert access.host_allowed(ok), ok
    for bad in ("evil.example", "", "localhost:notaport", "10.0.0.8", "127.0.0.1.evil.example"):
        assert not access.host_allowed(bad), bad
    assert Access(bound_host="0.0.0.0", token="t").host_allowed("my-laptop:8080")
    assert not Access(bound_host="0.0.0.0").host_allowed("my-laptop:8080")
    assert not Access(bound_host="0.0.0.0", token="t",
                      allowed_hosts=["a.example"]).host_allowed("my-laptop")


def test_tokens() -> None:
    access = Access(token="abc")
    assert access.token_ok("Bearer abc") and access.token_ok("bearer abc")
    for bad in ("", "Bearer", "Bearer abd", "Basic abc", "abc", "Bearer abcd"):
        assert not access.token_ok(bad), bad
    assert Access().token_ok("")


def _refusal(method: str, path: str = "/give_answers", **headers: str) -> tuple | None:
    raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in
           {"host": "127.0.0.1:8080", **headers}.items()]
    guard = Guard(app=None, access=Access())  # type: ignore[arg-type]
    return guard.refusal({"type": "http", "method": method, "path": path, "headers": raw})


def test_writes_need_the_own_origin_and_json() -> None:
    json_body = {"content_type": "application/json", "content_length": "2"}
    assert _refusal("POST", **json_body) is None
    assert _refusal("POST", origin="http://127.0.0.1:8080", **json_body) is None
    assert _refusal("POST", origin="http://127.0.0.1:9999", **json_body)[0] == 403
    assert _refusal("POST", origin="http://evil.example", **json_body)[0] == 403
    assert _refusal("POST", sec_fetch_site="same-site", **json_body)[0] == 403
    assert _refusal("POST", content_type="text/plain", content_length="2")[0] == 415
    assert _refusal("POST", transfer_encoding="chunked")[0] == 415
    assert _refusal("POST", content_length="0") is None  # no body: no content type needed
    assert _refusal("GET", "/project", origin="http://evil.example") is None  # reads: no CORS


def test_allowed_host_option(tmp_path: Path, server_factory) -> None:
    source = tmp_path / "h.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in MORE[:5]])
    server = server_factory(["ner.manual", "hosts", str(source), "--label", LABELS,
                             "--allowed-host", "annotate.example"], tmp_path / "h.db")
    with server.client() as client:
        assert client.get("/project", headers={"Host": "annotate.example"}).status_code == 200
        assert client.get("/project", headers={"Host": "other.example"}).status_code == 403
