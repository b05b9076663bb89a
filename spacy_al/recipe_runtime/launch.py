"""Start an annotation session from a recipe name and its arguments (what the CLI calls)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ..errors import SpacyALError
from ..server.controller import Controller
from ..store.database import connect
from .decorator import get_recipe, import_file, parse_recipe_args


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
) -> None:
    """Start the server for a recipe, print its URL, and serve until interrupted."""
    from ..server.app import serve

    controller = build_controller(recipe_name, recipe_args, db_path=db_path, files=files)
    try:
        wait_ready(controller, ready_timeout)
        url = f"http://{host}:{port}"
        print(f"\n✨ Recipe {recipe_name}: dataset '{controller.dataset}', "
              f"{len(controller.stream.items)} sentences, database {controller.db.path}")
        output = controller.config.get("output")
        if output:
            print(f"   Retrained models are saved to {output}")
        print(f"✨ Starting the web server at {url} ...\n"
              "   Open the app in your browser and start annotating! "
              f"(several annotators: {url}/?session=NAME)\n")
        sys.stdout.flush()
        serve(controller, host, port, log_level=log_level)
    finally:
        controller.close()
        controller.db.close()
