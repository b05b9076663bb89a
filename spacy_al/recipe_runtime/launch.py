"""Start an annotation session from a recipe name and its arguments (what the CLI calls)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import SpacyALError
from ..server.controller import Controller
from ..store.database import connect, default_db_path
from .decorator import get_recipe, import_file
from .pool_cache import database_in_use
from .recipe_args import parse_recipe_args
from .sources import sentences_line

TOKEN_ENV = "SPACY_AL_TOKEN"


class Terminated(Exception):
    """SIGTERM arrived while the recipe was loading."""


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While a recipe loads, SIGTERM raises :class:`Terminated` (as SIGINT raises
    KeyboardInterrupt), so that what was started (model worker, database) is closed;
    the previous handler comes back after (uvicorn installs its own to serve)."""
    def raise_terminated(*_: Any) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, raise_terminated)
    except ValueError:  # not the main thread: signals are not ours to handle
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_controller(
    recipe_name: str,
    recipe_args: list[str],
    *,
    db_path: str | Path | None = None,
    files: list[Path] | None = None,
) -> Controller:
    """Import ``files``, run the recipe with its command-line arguments, wrap it in a Controller."""
    for path in files or []:
        import_file(path)
    func = get_recipe(recipe_name)
    kwargs = parse_recipe_args(func, recipe_args)
    db = connect(db_path)
    with database_in_use(db.path):  # pool caches go next to this database
        components = func(**kwargs)
    return Controller(components, db, recipe=recipe_name)


def wait_ready(controller: Controller, timeout: float) -> float:
    """Block until the stream has questions; return the seconds waited."""
    started = time.monotonic()
    if not controller.stream.ready.is_set():
        print("Scoring the first sentences of the pool ...", flush=True)
    if not controller.stream.ready.wait(timeout):
        raise SpacyALError(f"The stream had no questions ready after {timeout:.0f} s.")
    return time.monotonic() - started


def resolve_token(host: str, token: str | None) -> tuple[str | None, bool]:
    """The token to require (``--token``, else ``$SPACY_AL_TOKEN``), and whether it was
    generated: bound beyond loopback the server never runs without one."""
    from ..server.guard import is_loopback

    token = token or os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        return secrets.token_urlsafe(24), True
    return token, False


def _urls(host: str, port: int, token: str | None) -> list[str]:
    from ..server.guard import WILDCARDS

    names = [socket.gethostname(), "127.0.0.1"] if host in WILDCARDS else [host]
    query = f"/?token={token}" if token else ""
    return [f"http://{'[' + n + ']' if ':' in n else n}:{port}{query}" for n in names]


def _print_start(controller: Controller, recipe_name: str, urls: list[str],
                 host: str, generated: bool) -> None:
    from ..server.guard import is_loopback

    print(f"\n✨ Recipe {recipe_name}: dataset '{controller.dataset}', "
          f"{sentences_line(controller.stream.items)}, database {controller.db.path}")
    output = controller.config.get("output")
    if output:
        print(f"   Retrained models are saved to {output}")
    if not is_loopback(host):
        how = f" (generated: choose it with --token or ${TOKEN_ENV})" if generated else ""
        print(f"⚠  Serving beyond this machine on {host}: every API request needs the token"
              f"{how}. The traffic is plain HTTP: put a TLS proxy in front on untrusted "
              "networks.")
    print(f"✨ Starting the web server at {urls[0]} ...\n"
          "   Open the app in your browser and start annotating! "
          "(several annotators: add " + ("&" if "?" in urls[0] else "?") + "session=NAME)")
    for url in urls[1:]:
        print(f"   or {url}")
    print()
    sys.stdout.flush()


def run_annotate(
    recipe_name: str,
    recipe_args: list[str],
    *,
    db_path: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8080,
    files: list[Path] | None = None,
    ready_timeout: float = 600.0,
    log_level: str = "warning",
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
) -> None:
    """Start the server for a recipe, print its URL, and serve until SIGINT or SIGTERM.

    RAISES (DatabaseInUseError): If another server runs on the same database file.
    """
    from ..server.app import serve
    from ..server.db_lock import ServerLock

    token, generated = resolve_token(host, token)
    path = Path(db_path) if db_path is not None else default_db_path()
    urls = _urls(host, port, None)
    with ServerLock(path, {"url": urls[0], "recipe": recipe_name}):
        try:
            with sigterm_raises():
                controller = build_controller(recipe_name, recipe_args, db_path=path,
                                              files=files)
        except (Terminated, KeyboardInterrupt):
            print("spacy-al: stopped while the recipe was loading.", file=sys.stderr)
            return
        try:
            try:
                with sigterm_raises():
                    wait_ready(controller, ready_timeout)
            except (Terminated, KeyboardInterrupt):
                print("spacy-al: stopped before the first question was ready.",
                      file=sys.stderr)
                return
            _print_start(controller, recipe_name, _urls(host, port, token), host, generated)
            serve(controller, host, port, log_level=log_level, token=token,
                  allowed_hosts=allowed_hosts or [])
        finally:
            controller.close()
            controller.db.close()
