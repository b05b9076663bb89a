"""Reading a request's JSON body: bounded while it streams in, strict about what it holds.

A body over :data:`MAX_BODY` bytes is refused (413) while it is read, ``Content-Length``
or chunked, so a huge body is never buffered; the rest is checked by
:func:`spacy_al.store.strict_json.parse_json` (the parser ``db-in`` uses too): invalid
JSON or UTF-8, ``NaN``, integers beyond 64 bits, lone surrogates and deep nesting get a
400 before anything is written.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ..store.strict_json import parse_json
from ..store.validation import AnswerError

MAX_BODY = 16 * 1024 * 1024


class BodyTooLarge(AnswerError):
    """The body is over :data:`MAX_BODY` (answered 413, and the connection is closed)."""

    def __init__(self) -> None:
        super().__init__(f"The request body is larger than {MAX_BODY // 2**20} MiB.",
                         fix="Send fewer answers per request.", status=413)


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, read chunk by chunk; :class:`BodyTooLarge` as soon as it passes ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise BodyTooLarge()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, *, optional: bool = False) -> Any:
    """The request's JSON body, checked by :func:`parse_json` (``{}`` if empty and optional)."""
    body = await read_body(request)
    if not body.strip():
        if optional:
            return {}
        raise AnswerError("The request body is empty: send a JSON object.")
    if len(body) < 65536:
        return parse_json(body)
    return await run_in_threadpool(parse_json, body)  # keep the event loop responsive


