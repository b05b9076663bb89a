"""Recipes: Prodigy's contract, a decorated function that returns the components of a server.

::

    from spacy_al.recipe_runtime import recipe

    @recipe(
        "my.recipe",
        dataset=("Dataset to save answers to", "positional", None, str),
        source=("JSONL file with texts", "positional", None, str),
        label=("Comma-separated labels", "option", "l", split_string),
    )
    def my_recipe(dataset: str, source: str, label: list[str] | None = None) -> dict:
        \"\"\"Shown as the recipe's help on the command line.\"\"\"
        return {"dataset": dataset, "stream": ..., "view_id": "ner_manual",
                "config": {"labels": label}}

Each argument is described by ``(help, kind, abbreviation, converter)`` with kind
``"positional"``, ``"option"`` or ``"flag"``; the built-in recipes declare theirs once, as
a settings dataclass (:func:`settings_recipe`, :mod:`.session_settings`). Either way
click parses them (:mod:`.recipe_args`). Recipes live in the registry
:data:`spacy_al.registry.recipes` (entry point group ``spacy_al_recipes``): the
built-in ones (:mod:`spacy_al.recipes`) are declared in that group like a third
party's, and ``-F path.py`` imports a file that registers more.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import catalogue

from ..registry import recipes as recipes_registry
from .recipe_args import (
    KINDS,
    RecipeError,
    assign_positionals,
    settings_args,
    settings_values,
    signature_args,
)

RecipeFunc = Callable[..., dict[str, Any]]
Settings = TypeVar("Settings")


def split_string(value: str | Sequence[str] | None) -> list[str] | None:
    """Comma-separated values (or a file with one per line) as a list."""
    if value is None:
        return None
    if not isinstance(value, str):
        return [str(v) for v in value]
    path = Path(value)
    if "," not in value and path.suffix in (".txt", ".labels") and path.is_file():
        return [line.strip() for line in path.read_text("utf8").splitlines() if line.strip()]
    return [part.strip() for part in value.split(",") if part.strip()]


def recipe(name: str, **args: tuple[str, str, str | None, Callable[[str], Any] | None]) -> Any:
    """Register a recipe under ``name``; ``args`` describe its command-line arguments."""
    for arg, spec in args.items():
        if len(spec) != 4 or spec[1] not in KINDS:
            raise RecipeError(
                f"Recipe {name!r}: argument {arg!r} must be (help, kind, abbrev, converter) "
                f"with kind one of {', '.join(KINDS)}, got {spec!r}."
            )

    def register(func: RecipeFunc) -> RecipeFunc:
        params = inspect.signature(func).parameters
        unknown = [arg for arg in args if arg not in params]
        if unknown:
            raise RecipeError(f"Recipe {name!r} describes arguments {unknown} that "
                              f"{func.__name__}() does not take.")
        func.recipe_name = name  # type: ignore[attr-defined]
        func.recipe_args = signature_args(func, args)  # type: ignore[attr-defined]
        recipes_registry.register(name, func=func)
        return func

    return register


def settings_recipe(
    name: str, settings: type[Settings]
) -> Callable[[Callable[[Settings], dict[str, Any]]], RecipeFunc]:
    """Register ``func(settings)`` as the recipe ``name`` whose arguments are the fields of
    the dataclass ``settings``: called with keyword (or positional) arguments as any
    recipe, it gets one ``settings(**arguments)`` (the parts of a group field, such as
    the source options, built into one value)."""
    args = settings_args(settings, {list: split_string})

    def register(func: Callable[[Settings], dict[str, Any]]) -> RecipeFunc:
        def call(*values: Any, **given: Any) -> dict[str, Any]:
            given = {**assign_positionals(args, values), **given}
            return func(settings(**settings_values(settings, args, given)))

        call.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
            inspect.Parameter(a.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              default=a.default) for a in args])
        call.__name__ = call.__qualname__ = func.__name__
        call.__doc__ = func.__doc__
        call.__module__ = func.__module__
        call.recipe_name = name  # type: ignore[attr-defined]
        call.recipe_args = args  # type: ignore[attr-defined]
        call.settings = settings  # type: ignore[attr-defined]
        recipes_registry.register(name, func=call)
        return call

    return register


def list_recipes() -> list[str]:
    """Names of all recipes: built-in, installed through entry points, and imported."""
    return sorted(recipes_registry.get_all())


def get_recipe(name: str) -> RecipeFunc:
    """The recipe function registered as ``name``."""
    try:
        func: RecipeFunc = recipes_registry.get(name)
        return func
    except catalogue.RegistryError as err:
        raise RecipeError(
            f"Unknown recipe {name!r}.",
            fix=f"Use one of {', '.join(list_recipes())}, or load a file that defines it "
            "with -F path/to/recipe.py.",
        ) from err


def import_file(path: str | Path) -> None:
    """Import a Python file (``-F``) so that the recipes it decorates are registered."""
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"Recipe file {path} does not exist.", fix="Check the -F path.")
    module_name = f"spacy_al_user_recipes.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RecipeError(f"Cannot import {path} as a Python module.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
