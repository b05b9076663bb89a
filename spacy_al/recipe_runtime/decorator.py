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
``"positional"``, ``"option"`` or ``"flag"``. Recipes live in the registry
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
from typing import Any

import catalogue

from ..errors import SpacyALError
from ..registry import recipes as recipes_registry

KINDS = ("positional", "option", "flag")
RecipeFunc = Callable[..., dict[str, Any]]


class RecipeError(SpacyALError):
    """A recipe is unknown, cannot be imported, or got invalid arguments."""

    code = "E103"


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
        func.recipe_args = dict(args)  # type: ignore[attr-defined]
        recipes_registry.register(name, func=func)
        return func

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


# -- command-line arguments -------------------------------------------------
def _specs(func: RecipeFunc) -> dict[str, tuple[str, str, str | None, Any]]:
    described = getattr(func, "recipe_args", {})
    specs = {}
    for name, param in inspect.signature(func).parameters.items():
        if name in described:
            specs[name] = described[name]
        else:
            kind = "positional" if param.default is inspect.Parameter.empty else "option"
            specs[name] = ("", kind, None, None)
    return specs


def _option_names(specs: dict[str, tuple[str, str, str | None, Any]]) -> dict[str, str]:
    names = {}
    for name, (_, kind, abbrev, _) in specs.items():
        if kind == "positional":
            continue
        names[f"--{name.replace('_', '-')}"] = name
        names[f"--{name}"] = name
        if abbrev:
            names[f"-{abbrev}"] = name
    return names


def parse_recipe_args(func: RecipeFunc, argv: Sequence[str]) -> dict[str, Any]:
    """Keyword arguments for ``func`` from command-line tokens (Prodigy's plac style)."""
    specs = _specs(func)
    options = _option_names(specs)
    positionals = [name for name, spec in specs.items() if spec[1] == "positional"]
    given: dict[str, Any] = {}
    argv, i = list(argv), 0
    while i < len(argv):
        token = argv[i]
        key, _, inline = token.partition("=")
        if token.startswith("-") and key in options:
            name = options[key]
            if specs[name][1] == "flag":
                given[name] = True
            elif inline or "=" in token:
                given[name] = inline
            elif i + 1 < len(argv):
                i += 1
                given[name] = argv[i]
            else:
                raise RecipeError(f"Option {key} needs a value.")
        elif token.startswith("-") and len(token) > 1 and not _is_number(token):
            raise RecipeError(f"Unknown option {token!r} for recipe {func.recipe_name!r}."
                              if hasattr(func, "recipe_name") else f"Unknown option {token!r}.",
                              fix=f"Options: {', '.join(sorted(set(options)))}.")
        elif positionals:
            given[positionals.pop(0)] = token
        else:
            raise RecipeError(f"Too many arguments: {token!r} is not expected.")
        i += 1
    return _convert(func, specs, given)


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _convert(
    func: RecipeFunc, specs: dict[str, tuple[str, str, str | None, Any]], given: dict[str, Any]
) -> dict[str, Any]:
    params = inspect.signature(func).parameters
    kwargs: dict[str, Any] = {}
    for name, (_, kind, _, converter) in specs.items():
        if name not in given:
            if params[name].default is inspect.Parameter.empty:
                raise RecipeError(f"Missing argument {name.upper()}.",
                                  fix=f"Usage: {usage(func)}")
            continue
        value = given[name]
        if converter is not None and kind != "flag":
            try:
                value = converter(value)
            except (TypeError, ValueError) as err:
                raise RecipeError(f"Invalid value {value!r} for {name}: {err}.") from err
        kwargs[name] = value
    return kwargs


def usage(func: RecipeFunc) -> str:
    parts = [getattr(func, "recipe_name", func.__name__)]
    params = inspect.signature(func).parameters
    for name, (_, kind, _abbrev, _) in _specs(func).items():
        flag = f"--{name.replace('_', '-')}"
        if kind == "positional":
            optional = params[name].default is not inspect.Parameter.empty
            parts.append(f"[{name.upper()}]" if optional else name.upper())
        else:
            parts.append(f"[{flag}]" if kind == "flag" else f"[{flag} {name.upper()}]")
    return " ".join(parts)


def recipe_help(func: RecipeFunc) -> str:
    """The recipe's help: usage, docstring and arguments with their defaults."""
    lines = [f"Usage: spacy-al annotate {usage(func)}", ""]
    doc = inspect.getdoc(func)
    if doc:
        lines += [doc, ""]
    params = inspect.signature(func).parameters
    lines.append("Arguments:")
    for name, (text, kind, abbrev, _) in _specs(func).items():
        default = params[name].default
        flag = name.upper() if kind == "positional" else f"--{name.replace('_', '-')}"
        if abbrev and kind != "positional":
            flag += f", -{abbrev}"
        shown = "" if default in (inspect.Parameter.empty, None) else f" (default: {default!r})"
        lines.append(f"  {flag:<28} {text}{shown}")
    return "\n".join(lines)
