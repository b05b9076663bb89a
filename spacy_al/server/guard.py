"""Who may talk to the server: an ASGI middleware in front of the app.

The model (README, "Security model"):

- ``Host`` must be on the allow-list (loopback names, the bound host, each
  ``--allowed-host``): a page that rebinds its own DNS name to 127.0.0.1 is refused.
  Bound to a wildcard address (``0.0.0.0``, ``::``) with a token and no
  ``--allowed-host``, any ``Host`` is accepted: the token is the protection.
- A write (any method but GET, HEAD, OPTIONS) must come from the app's own origin:
  a browser's ``Origin`` must match ``Host`` and ``Sec-Fetch-Site`` must be
  ``same-origin`` or ``none``; a non-empty body must be ``application/json`` (a
  cross-origin page can send ``text/plain`` without a CORS preflight, never JSON).
- With a token (``--token``, ``$SPACY_AL_TOKEN``, or generated when bound beyond
  loopback), every API request needs ``Authorization: Bearer TOKEN``; ``/``,
  ``/static/*`` (no data) and ``/health`` (status only) are open.
- Every response carries ``Content-Security-Policy``, ``X-Content-Type-Options``,
  ``X-Frame-Options`` and ``Referrer-Policy`` (the token is in the page URL).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARDS = ("0.0.0.0", "::", "")
OPEN_PATHS = ("/", "/health", "/favicon.ico")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` serves this machine only."""
    import ipaddress

    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass
class Access:
    """The access rules of one server."""

    bound_host: str = "127.0.0.1"
    token: str | None = None
    allowed_hosts: list[str] = field(default_factory=list)

    def host_allowed(self, host_header: str) -> bool:
        name = _host_name(host_header)
        if name is None:
            return False
        if self.token and self.bound_host in WILDCARDS and not self.allowed_hosts:
            return True
        allowed = {*LOOPBACK_NAMES, self.bound_host.strip("[]").lower(),
                   *(h.strip("[]").lower() for h in self.allowed_hosts)}
        return name in allowed or "*" in allowed

    def token_ok(self, authorization: str) -> bool:
        if not self.token:
            return True
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode(), self.token.encode())


def _host_name(host_header: str) -> str | None:
    """The name of a ``Host`` header (without the port), lower case; None if malformed."""
    try:
        parts = urlsplit(f"//{host_header.strip()}")
        name = parts.hostname
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return None
    return name.lower() if name else None


def _same_origin(origin: str, host_header: str) -> bool:
    if origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        origin_host = parts.netloc.lower()
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and origin_host == host_header.strip().lower()


class Guard:
    """ASGI middleware: the access rules, security headers, and no bare 500 ever."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            await _send_json(send, *refusal)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:  # noqa: BLE001 - logged; the client gets a clean 500
            if started:  # the app's handler logged it and answered with Connection: close
                return
            logger.exception("spacy-al: %s %s failed", scope.get("method"), scope.get("path"))
            await _send_json(send, 500, "Internal server error (the server logged it).",
                             close=True)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """``(status, message)`` when the request is refused before the app sees it."""
        headers = _headers(scope["headers"])
        host = headers.get("host", "")
        if not self.access.host_allowed(host):
            return 403, (f"Host {host[:80]!r} is not allowed. Open the server by a loopback "
                         "name (localhost, 127.0.0.1), its bound host, or start it with "
                         "--allowed-host NAME.")
        path = scope.get("path", "")
        if path not in OPEN_PATHS and not path.startswith("/static/") and \
                not self.access.token_ok(headers.get("authorization", "")):
            return 401, ("Missing or wrong token. Send 'Authorization: Bearer TOKEN', the "
                         "token printed when the server started (the URL's ?token=...).")
        if scope.get("method", "GET") not in SAFE_METHODS:
            return self._write_refusal(headers, host)
        return None

    @staticmethod
    def _write_refusal(headers: dict[str, str], host: str) -> tuple[int, str] | None:
        origin = headers.get("origin")
        if origin is not None and not _same_origin(origin, host):
            return 403, (f"Cross-origin write refused (Origin {origin[:80]!r}): only the "
                         "annotation app itself may send answers.")
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return 403, "Cross-site write refused: only the annotation app may send answers."
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        has_body = headers.get("content-length", "0") != "0" or \
            "transfer-encoding" in headers
        if has_body and media != "application/json":
            return 415, (f"The request body must be JSON: send 'Content-Type: "
                         f"application/json', not {media[:60] or 'none'!r}.")
        return None


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    return {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in raw}


async def _send_json(send: Send, status: int, message: str, *, close: bool = False) -> None:
    body = json.dumps({"error": message, "errors": []}).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS]
    if close:
        headers.append((b"connection", b"close"))
    start: dict[str, Any] = {"type": "http.response.start", "status": status,
                             "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
