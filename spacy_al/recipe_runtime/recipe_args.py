"""A recipe's command-line arguments: declared once, parsed and shown by click (typer's parser).

A recipe declares its arguments either as Prodigy does (``@recipe(name, arg=(help, kind,
abbrev, converter))`` beside the function's signature, whose defaults are the defaults) or
as a frozen settings dataclass whose fields are made with :func:`arg`
(:mod:`.session_settings`). Both become a list of :class:`RecipeArg`, from which one click
command is built: it parses ``spacy-al annotate RECIPE ARGS...`` and prints
``RECIPE --help``. Errors become :class:`~.decorator.RecipeError` (what, which recipe, the
usage), never a traceback.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import click
from click.core import ParameterSource

from ..errors import SpacyALError

KINDS = ("positional", "option", "flag")
REQUIRED = inspect.Parameter.empty
"""The default of an argument that has none (a required positional)."""


class RecipeError(SpacyALError):
    """A recipe is unknown, cannot be imported, or got invalid arguments."""

    code = "E103"


@dataclass(frozen=True)
class RecipeArg:
    """One command-line argument of a recipe."""

    name: str
    help: str = ""
    kind: str = "option"
    short: str | None = None
    converter: Callable[[Any], Any] | None = None
    default: Any = REQUIRED
    skippable: bool = False
    """A positional that is filled only when every positional is given (Prodigy's
    ``ner.manual DATASET SPACY_MODEL SOURCE`` beside ``ner.manual DATASET SOURCE``)."""
    group: str | None = None
    """The settings field (made with :func:`arg_group`) this argument is a part of."""

    @property
    def flag(self) -> str:
        """``--name-with-dashes``."""
        return f"--{self.name.replace('_', '-')}"

    def click_param(self) -> click.Parameter:
        """The click argument, option or flag (defaults stay the recipe's: only shown)."""
        if self.kind == "positional":
            required = self.default is REQUIRED and not self.skippable
            metavar = self.name.upper() if required else f"[{self.name.upper()}]"
            return click.Argument([self.name], required=required, metavar=metavar,
                                  type=self.converter)
        names = [self.flag] + ([f"-{self.short}"] if self.short else [])
        if self.kind == "flag":
            return click.Option([*names, self.name], is_flag=True, default=False,
                                help=self.help, show_default=False)
        return click.Option([*names, self.name], type=self.converter, default=None,
                            help=self.help_line(), metavar=self.name.upper(),
                            show_default=False)

    def help_line(self) -> str:
        """The help text with the default, if any."""
        shown = self.default not in (REQUIRED, None) and self.kind != "flag"
        return f"{self.help}  [default: {self.default}]" if shown else self.help


def arg(default: Any, help: str, *, short: str | None = None, positional: bool = False,
        skippable: bool = False, converter: Callable[[Any], Any] | None = None) -> Any:
    """A settings field that is also a recipe argument (see :func:`settings_args`)."""
    meta = {"help": help, "short": short, "positional": positional, "skippable": skippable,
            "converter": converter}
    return dataclasses.field(default=default, metadata=meta)


def arg_group(default: Any, described: Mapping[str, tuple[str, str, str | None, Any]],
              build: Callable[[dict[str, Any]], Any]) -> Any:
    """A settings field that is several recipe arguments (``described`` as ``@recipe``
    takes them, defaults from ``default``'s attributes): ``build(given)`` makes its value
    from those given (e.g. the source options, :class:`~spacy_al.corpora.SourceOptions`)."""
    return dataclasses.field(default=default, metadata={"group": described, "build": build})


def settings_args(cls: type, converters: Mapping[type, Callable[[Any], Any]]) -> list[RecipeArg]:
    """The recipe arguments of a settings dataclass, in field order: ``bool`` fields are
    flags, the converter comes from the field's type (``converters``, else the type); a
    field made with :func:`arg_group` gives its arguments in its place."""
    hints = typing.get_type_hints(cls)
    helps = getattr(cls, "HELP", {})
    found = []
    for field in dataclasses.fields(cls):
        meta = field.metadata
        if "group" in meta:
            found += [RecipeArg(name, text, kind, short, converter,
                                getattr(field.default, name, None), group=field.name)
                      for name, (text, kind, short, converter) in meta["group"].items()]
            continue
        base = _base_type(hints[field.name])
        kind = ("positional" if meta.get("positional") else
                "flag" if base is bool else "option")
        converter = meta.get("converter") or converters.get(base, base)
        text = helps.get(field.name, meta.get("help", ""))
        found.append(RecipeArg(field.name, text, kind, meta.get("short"), converter,
                               field.default, bool(meta.get("skippable"))))
    return found


def _base_type(hint: Any) -> Any:
    """``int`` of ``int | None``; ``list`` of ``list[str]``."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = args[0]
    return typing.get_origin(hint) or hint


def settings_values(cls: type, args: Sequence[RecipeArg], given: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for the settings ``cls`` from recipe arguments by name: the parts
    of an :func:`arg_group` field are built into its value."""
    values = {name: value for name, value in given.items()
              if not any(a.name == name and a.group for a in args)}
    for field in dataclasses.fields(cls):
        if "group" in field.metadata:
            parts = {a.name: given[a.name] for a in args
                     if a.group == field.name and a.name in given}
            values.setdefault(field.name, field.metadata["build"](parts))
    return values


def signature_args(func: Callable[..., Any],
                   described: Mapping[str, tuple[str, str, str | None, Any]]) -> list[RecipeArg]:
    """The arguments of a Prodigy-style recipe: its signature, described by ``described``
    (``{name: (help, kind, abbrev, converter)}``; an undescribed parameter is an option)."""
    found = []
    for name, param in inspect.signature(func).parameters.items():
        default = param.default
        text, kind, short, converter = described.get(
            name, ("", "positional" if default is REQUIRED else "option", None, None))
        found.append(RecipeArg(name, text, kind, short, converter, default))
    return found


def assign_positionals(args: Sequence[RecipeArg], values: Sequence[Any]) -> dict[str, Any]:
    """Positional values by name, in order; skippable positionals are left out while fewer
    values than positionals are given."""
    names = [a.name for a in args if a.kind == "positional"]
    if len(values) > len(names):
        raise TypeError(f"{len(values)} positional arguments given, {len(names)} taken "
                        f"({', '.join(names)}).")
    for skippable in [a.name for a in args if a.kind == "positional" and a.skippable]:
        if len(names) > len(values):
            names.remove(skippable)
    return dict(zip(names, values, strict=False))


class RecipeCommand(click.Command):
    """A recipe as a click command; its help lists the positional arguments first."""

    def __init__(self, name: str, args: Sequence[RecipeArg], doc: str | None) -> None:
        params = [a.click_param() for a in args]
        super().__init__(name, params=params, help=doc, add_help_option=False,
                         context_settings={"token_normalize_func": _dashes,
                                           "max_content_width": 100})
        self.recipe_args = list(args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(a.name.upper(), a.help_line()) for a in self.recipe_args
                if a.kind == "positional"]
        if rows:
            with formatter.section("Arguments"):
                formatter.write_dl(rows)
        super().format_options(ctx, formatter)


def _dashes(token: str) -> str:
    """``--tokens_column`` is ``--tokens-column`` (Prodigy accepts both)."""
    return token.replace("_", "-")


def recipe_command(func: Callable[..., Any]) -> RecipeCommand:
    """The click command of a registered recipe function."""
    name = getattr(func, "recipe_name", func.__name__)
    args = getattr(func, "recipe_args", None) or signature_args(func, {})
    return RecipeCommand(name, args, inspect.getdoc(func))


def parse_recipe_args(func: Callable[..., Any], argv: Sequence[str]) -> dict[str, Any]:
    """Keyword arguments for ``func`` from command-line tokens: the ones given (the rest
    keep the function's defaults)."""
    command = recipe_command(func)
    try:
        ctx = command.make_context(_info_name(command), list(argv))
    except click.UsageError as err:
        raise RecipeError(f"{err.format_message()} (recipe {command.name})",
                          fix=f"Usage: {usage(func)}. All of its options: spacy-al "
                          f"annotate {command.name} --help.") from None
    given = {name: value for name, value in ctx.params.items()
             if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT}
    args = command.recipe_args
    positional = [given.pop(a.name) for a in args if a.kind == "positional" and a.name in given]
    return {**assign_positionals(args, positional), **given}


def _info_name(command: click.Command) -> str:
    return f"spacy-al annotate {command.name}"


def usage(func: Callable[..., Any]) -> str:
    """``spacy-al annotate RECIPE [OPTIONS] DATASET ...``."""
    command = recipe_command(func)
    ctx = click.Context(command, info_name=_info_name(command))
    return " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])


def recipe_help(func: Callable[..., Any]) -> str:
    """The recipe's help: usage, docstring, arguments and options with their defaults."""
    command = recipe_command(func)
    ctx = click.Context(command, info_name=_info_name(command))
    return command.get_help(ctx)
