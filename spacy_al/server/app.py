"""The annotation web server: a Starlette (ASGI) app run by uvicorn.

Endpoints, named as Prodigy's:

- ``GET /`` the web UI (``static/index.html``), ``GET /static/*`` its files
- ``GET /project`` recipe, dataset, labels, view_id, config
- ``POST /get_session_questions`` ``{"session_id": "alice"}`` (optional) →
  ``{"tasks": [...], "total": N, "progress": float | null, "session_id": ...}``
- ``POST /give_answers`` ``{"answers": [...], "session_id": ...}`` → ``{"total", "progress"}``
  only once the answers are committed; invalid input → 400 ``{"error": ..., "errors": [...]}``
- ``GET /progress?session_id=alice`` totals, progress and the model's status
- ``GET /health``

Blocking work (SQLite, the stream lock) runs in the thread pool; the event loop
only parses and answers.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .controller import Controller
from .validation import AnswerError

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY = 20 * 1024 * 1024
NO_UI = ("<!doctype html><title>spacy-al</title><p>The annotation API is running, but the web "
         "UI files are missing from {path}.</p>")


def error_response(message: str, status: int = 400, errors: list[str] | None = None) -> Response:
    return JSONResponse({"error": message, "errors": errors or []}, status_code=status)


async def read_json(request: Request, *, optional: bool = False) -> Any:
    """The request's JSON body; :class:`AnswerError` for invalid JSON or a body too large."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise AnswerError(f"The request body is larger than {MAX_BODY // 2**20} MiB.")
    if not body.strip():
        if optional:
            return {}
        raise AnswerError("The request body is empty: send a JSON object.")
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise AnswerError(f"Invalid JSON in the request body: {err}.") from None


def make_app(controller: Controller, static_dir: Path = STATIC_DIR) -> Starlette:
    """The ASGI app serving ``controller``'s recipe."""

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
        session = body.get("session_id", request.query_params.get("session_id"))
        if controller.knows_session(session):  # no database access: answer on the loop
            return JSONResponse(controller.get_questions(session))
        return JSONResponse(await run_in_threadpool(controller.get_questions, session))

    async def give_answers(request: Request) -> Response:
        body = await read_json(request)
        if isinstance(body, dict) and "session_id" not in body:
            body["session_id"] = request.query_params.get("session_id")
        return JSONResponse(await run_in_threadpool(controller.give_answers, body))

    async def progress(request: Request) -> Response:
        session = request.query_params.get("session_id") or request.query_params.get("session")
        return JSONResponse(await run_in_threadpool(controller.progress, session))

    async def health(request: Request) -> Response:
        return JSONResponse(controller.health())

    async def bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AnswerError)
        return error_response(exc.message, 400, exc.errors)

    async def server_error(request: Request, exc: Exception) -> Response:
        logger.exception("spacy-al: %s %s failed", request.method, request.url.path,
                         exc_info=exc)
        return error_response(f"Internal server error: {type(exc).__name__}: {exc}", 500)

    routes = [
        Route("/", index),
        Route("/project", project),
        Route("/get_session_questions", get_session_questions, methods=["POST"]),
        Route("/give_answers", give_answers, methods=["POST"]),
        Route("/progress", progress),
        Route("/health", health),
        Mount("/static", app=StaticFiles(directory=static_dir, check_dir=False), name="static"),
    ]
    return Starlette(routes=routes,
                     exception_handlers={AnswerError: bad_request, Exception: server_error})


def serve(controller: Controller, host: str = "127.0.0.1", port: int = 8080,
          *, log_level: str = "warning") -> None:
    """Run the server until interrupted (Ctrl-C or SIGTERM)."""
    import uvicorn

    config = uvicorn.Config(make_app(controller), host=host, port=port, log_level=log_level,
                            access_log=False, lifespan="off")
    uvicorn.Server(config).run()
