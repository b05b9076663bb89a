"""The annotation web server: a Starlette (ASGI) app run by uvicorn.

Endpoints, named as Prodigy's:

- ``GET /`` the web UI (``static/index.html``), ``GET /static/*`` its files
- ``GET /project`` recipe, dataset, labels, view_id, config
- ``POST /get_session_questions`` ``{"session_id": "alice"}`` (optional) →
  ``{"tasks": [...], "total": N, "progress": float | null, "session_id": ...}``
- ``POST /give_answers`` ``{"answers": [...], "session_id": ...}`` → ``{"total", "progress"}``
  only once the answers are committed; invalid input → 400 ``{"error": ..., "errors": [...]}``
- ``GET /progress?session_id=alice`` totals, progress, the session's ``pace`` (seconds per
  answer and answers per hour from the answers' ``_annotation_ms``) and the model's status
- ``GET /health`` ``{"status": "ok"}`` (recipe and dataset too with the token, if any)

Every endpoint that takes a session reads it the same way (:func:`requested_session`):
the body's ``session_id``, else ``?session_id=``, else ``?session=``.

Who may call what is decided in front of the app by :class:`~.guard.Guard` (Host
allow-list, same-origin writes, the token, security headers); request bodies are
read and checked by :mod:`.json_body` (bounded, strict JSON). Every user error is a
4xx that names the problem, and nothing is written; a storage fault (full disk: 507,
read-only or damaged database: 503) names the file and the fix, and the answers are
not acknowledged; a 500 never happens by design,
and if one does its response closes the connection cleanly.

Blocking work (SQLite, the stream lock) runs in the thread pool; the event loop
only parses and answers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from ..store.database import StorageFaultError
from ..store.validation import AnswerError
from .controller import Controller
from .guard import Access, Guard
from .json_body import MAX_BODY, read_json

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
__all__ = ["MAX_BODY", "make_app", "serve"]
NO_UI = ("<!doctype html><title>spacy-al</title><p>The annotation API is running, but the web "
         "UI files are missing from {path}.</p>")


def error_response(message: str, status: int = 400, errors: list[str] | None = None,
                   *, close: bool = False) -> Response:
    headers = {"Connection": "close"} if close else None
    return JSONResponse({"error": message, "errors": errors or []}, status_code=status,
                        headers=headers)


def requested_session(request: Request, body: dict[str, Any] | None = None) -> Any:
    """The session a request names, one rule for every endpoint: the body's
    ``session_id``, else the query's ``session_id``, else its ``session`` (the page URL's
    ``?session=NAME``, as Prodigy's); None for the server's default session."""
    for value in ((body or {}).get("session_id"), request.query_params.get("session_id"),
                  request.query_params.get("session")):
        if value not in (None, ""):
            return value
    return None


def make_app(controller: Controller, static_dir: Path = STATIC_DIR,
             access: Access | None = None) -> ASGIApp:
    """The ASGI app serving ``controller``'s recipe, behind the access rules."""
    access = access or Access()

    async def index(request: Request) -> Response:
        page = static_dir / "index.html"
        if page.is_file():
            return FileResponse(page, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(NO_UI.format(path=static_dir))

    async def project(request: Request) -> Response:
        return JSONResponse(controller.project())

    async def get_session_questions(request: Request) -> Response:
        body = await read_json(request, optional=True)
        if not isinstance(body, dict):
            raise AnswerError("The request body must be a JSON object.")
        session = requested_session(request, body)
        if controller.knows_session(session):  # no database access: answer on the loop
            return JSONResponse(controller.get_questions(session))
        return JSONResponse(await run_in_threadpool(controller.get_questions, session))

    async def give_answers(request: Request) -> Response:
        body = await read_json(request)
        if isinstance(body, dict):
            body["session_id"] = requested_session(request, body)
        return JSONResponse(await run_in_threadpool(controller.give_answers, body))

    async def progress(request: Request) -> Response:
        session = requested_session(request)
        return JSONResponse(await run_in_threadpool(controller.progress, session))

    async def health(request: Request) -> Response:
        if access.token and not access.token_ok(request.headers.get("authorization", "")):
            return JSONResponse({"status": "ok"})
        return JSONResponse(controller.health())

    async def bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AnswerError)
        message = exc.message + (f" Fix: {exc.fix}" if exc.fix else "")
        return error_response(message, exc.status, exc.errors, close=exc.status == 413)

    async def storage_fault(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StorageFaultError)
        logger.warning("spacy-al: %s %s not stored: %s", request.method, request.url.path,
                       exc.message)
        return error_response(f"{exc.message} Fix: {exc.fix}", 507 if exc.full else 503)

    async def client_gone(request: Request, exc: Exception) -> Response:
        logger.warning("spacy-al: %s %s: the client disconnected before its request was "
                       "complete; nothing was stored", request.method, request.url.path)
        return Response(status_code=400, headers={"Connection": "close"})  # nobody reads it

    async def server_error(request: Request, exc: Exception) -> Response:
        logger.exception("spacy-al: %s %s failed", request.method, request.url.path,
                         exc_info=exc)
        return error_response("Internal server error (the server logged it).", 500,
                              close=True)

    routes = [
        Route("/", index),
        Route("/project", project),
        Route("/get_session_questions", get_session_questions, methods=["POST"]),
        Route("/give_answers", give_answers, methods=["POST"]),
        Route("/progress", progress),
        Route("/health", health),
        Mount("/static", app=StaticFiles(directory=static_dir, check_dir=False), name="static"),
    ]
    app = Starlette(routes=routes,
                    exception_handlers={AnswerError: bad_request, StorageFaultError: storage_fault,
                                        ClientDisconnect: client_gone, Exception: server_error})
    return Guard(app, access)


def serve(controller: Controller, host: str = "127.0.0.1", port: int = 8080,
          **options: object) -> None:
    """Run the server until SIGINT or SIGTERM (see :func:`.serving.serve`)."""
    from .serving import serve as run

    run(controller, host, port, **options)  # type: ignore[arg-type]
