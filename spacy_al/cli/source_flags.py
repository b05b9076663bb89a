"""The source flags of every command that reads a source, generated from one table.

A typer command decorated with :func:`with_source_options` takes a
``source_options: SourceOptions`` parameter; its command line gets ``--loader``,
``--token-col``, ``--tag-col``, ``--sep``, ``--scheme``, ``--repair``, ``--split`` and
``--text-column`` (:data:`spacy_al.corpora.options.OPTION_FLAGS`), checked before the
command runs: a bad value is a one-line error naming the flag, never a traceback.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from ..corpora.formats import loader_names
from ..corpora.options import OPTION_FLAGS, OptionFlag, SourceOptions
from ..errors import SpacyALError

PARAMETER = "source_options"
F = TypeVar("F", bound=Callable[..., Any])


def _parameter(option: OptionFlag) -> inspect.Parameter:
    help_text = option.help.format(formats=", ".join(loader_names()[1:]))
    if option.is_flag:
        off = "/".join(option.aliases) or f"--no-{option.flag[2:]}"
        info = typer.Option(f"{option.flag}/{off}", help=help_text, rich_help_panel="Source")
        annotation: Any = Annotated[bool, info]
        default: Any = False
    else:
        info = typer.Option(option.flag, *option.aliases, help=help_text,
                            metavar=option.metavar, rich_help_panel="Source",
                            show_default=False)
        annotation = Annotated[str | None, info]
        default = "auto" if option.field == "loader" else None
    return inspect.Parameter(option.field, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=annotation)


def with_source_options(func: F) -> F:
    """Give a typer command the source flags; it receives them as ``source_options``."""
    signature = inspect.signature(func, eval_str=True)
    kept = [p for p in signature.parameters.values() if p.name != PARAMETER]
    added = [_parameter(option) for option in OPTION_FLAGS]

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        values = {option.field: kwargs.pop(option.field) for option in OPTION_FLAGS}
        try:
            options = SourceOptions.from_flags(**values)
        except SpacyALError as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(code=1) from None
        return func(*args, **kwargs, **{PARAMETER: options})

    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*kept, *added])
    command.__annotations__ = {p.name: p.annotation for p in [*kept, *added]}
    return command  # type: ignore[return-value]
