"""Interactive annotation: recipes, the annotation server, and its database.

- :func:`recipe` / :func:`get_recipe`: Prodigy-style recipes (``recipes_registry``).
- :class:`Database` / :func:`connect`: the SQLite database (WAL, durable commits).
- :class:`~spacy_al.annotate.controller.Controller`,
  :func:`~spacy_al.annotate.server.make_app` / :func:`~spacy_al.annotate.server.serve`:
  the ASGI server; :func:`~spacy_al.annotate.run.run_annotate` starts a session.
- :func:`set_hashes`: Prodigy-compatible task hashes.
"""

from __future__ import annotations

from .db import Database, connect
from .registry import (
    RecipeError,
    get_recipe,
    import_file,
    list_recipes,
    parse_recipe_args,
    recipe,
    recipe_help,
    recipes_registry,
    split_string,
)
from .tasks import PoolItem, set_hashes
from .validate import AnswerError

__all__ = [
    "AnswerError",
    "Database",
    "PoolItem",
    "RecipeError",
    "connect",
    "get_recipe",
    "import_file",
    "list_recipes",
    "parse_recipe_args",
    "recipe",
    "recipe_help",
    "recipes_registry",
    "set_hashes",
    "split_string",
]
