"""How to read a source: the options every command takes, declared once.

``annotate``'s recipes, ``db-in``, ``score``, ``convert``, ``evaluate`` and ``benchmark``
read their sources with a :class:`SourceOptions`; their command-line flags are generated
from :data:`OPTION_FLAGS` (typer options in :mod:`spacy_al.cli.source_flags`, recipe
arguments in :func:`spacy_al.recipe_runtime.sources.source_recipe_args`). The flags:

``--loader`` (``auto`` or a registered format, :mod:`.formats`), ``--token-col`` and
``--tag-col`` (a column file's 0-based column, negative from the end, or a Hugging Face
dataset's column name; ``--tokens-column`` / ``--tags-column`` are older names),
``--sep`` (``auto``, ``tab``, ``space`` or a character), ``--scheme`` (``auto``, ``IOB1``,
``IOB2``/``BIO``, ``IO``, ``BILUO``/``BIOES``), ``--repair`` (repair invalid tag
sequences instead of failing), and for Hugging Face datasets ``--split`` and
``--text-column``. Left out, a column file's layout is detected (:mod:`.layout`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from ..errors import ConfigError
from .tags import normalize_scheme

Column = int | str
"""A column: a number in a column file, a name in a Hugging Face dataset."""

_SEPARATORS = {"tab": "\t", "\\t": "\t", "space": " ", "whitespace": None, "auto": None}


@dataclass(frozen=True)
class OptionFlag:
    """The command-line face of one :class:`SourceOptions` field."""

    field: str
    flag: str
    aliases: tuple[str, ...]
    """Other names (older ones, short ones); for a flag, the names that turn it off."""
    metavar: str
    help: str
    is_flag: bool = False


OPTION_FLAGS: tuple[OptionFlag, ...] = (
    OptionFlag("loader", "--loader", ("-lo", "--format", "-f"), "NAME",
               "How to read the source: auto (from its content) or a format: {formats}"),
    OptionFlag("token_col", "--token-col", ("--tokens-column",), "COL",
               "Column of the tokens: 0-based number in a column file (negative from the "
               "end), or a Hugging Face dataset's column name (default: detected)"),
    OptionFlag("tag_col", "--tag-col", ("--tags-column",), "COL",
               "Column of the tags, as --token-col (default: detected)"),
    OptionFlag("sep", "--sep", (), "SEP",
               "Column separator: auto (whitespace, or tabs where tokens hold spaces), tab, "
               "space or a character"),
    OptionFlag("scheme", "--scheme", (), "SCHEME",
               "Tag scheme: auto, IOB1, IOB2 (BIO), IO, BILUO (BIOES)"),
    OptionFlag("repair", "--repair", ("--strict",), "",
               "Repair invalid tag sequences (an I- after O starts an entity) instead of "
               "failing", is_flag=True),
    OptionFlag("split", "--split", (), "SPLIT",
               "Hugging Face dataset: the split to read (default: train)"),
    OptionFlag("text_column", "--text-column", (), "COL",
               "Hugging Face dataset: the text column, when there are no tokens"),
)
"""Flags in the order ``--help`` shows them."""

FLAG_OF = {option.field: option.flag for option in OPTION_FLAGS}


@dataclass(frozen=True)
class SourceOptions:
    """How to read a source; None and ``auto`` mean "detect it"."""

    loader: str = "auto"
    token_col: Column | None = None
    tag_col: Column | None = None
    sep: str | None = None
    scheme: str = "auto"
    repair: bool = False
    split: str | None = None
    text_column: str | None = None

    @classmethod
    def from_flags(cls, **values: Any) -> SourceOptions:
        """Options from command-line values (strings, None where not given), checked.

        Raises :class:`~spacy_al.errors.ConfigError` naming the flag for a bad value.
        """
        unknown = sorted(set(values) - set(FLAG_OF))
        if unknown:
            raise ConfigError(f"Unknown source option(s) {', '.join(unknown)}.",
                              fix=f"Use {', '.join(FLAG_OF.values())}.")
        given = {key: value for key, value in values.items() if value is not None}
        for key in ("token_col", "tag_col"):
            if key in given:
                given[key] = parse_column(given[key], FLAG_OF[key])
        if "sep" in given:
            given["sep"] = parse_sep(given["sep"])
        if "scheme" in given:
            given["scheme"] = check_scheme(given["scheme"])
        if "loader" in given:
            given["loader"] = str(given["loader"]).strip().lower() or "auto"
        if "repair" in given:
            given["repair"] = bool(given["repair"])
        return cls(**given)

    def changed(self) -> list[str]:
        """The fields that differ from their defaults (the options the user gave)."""
        default = SourceOptions()
        return [f.name for f in fields(self) if f.name != "loader"
                and getattr(self, f.name) != getattr(default, f.name)]

    def with_layout(self, token_col: int, tag_col: int, sep: str | None) -> SourceOptions:
        return replace(self, token_col=token_col, tag_col=tag_col, sep=sep)

    def as_flags(self) -> str:
        """The command-line flags that give these options (``--token-col 1 --tag-col 0``)."""
        parts = [] if self.loader == "auto" else [f"--loader {self.loader}"]
        for name in self.changed():
            value = getattr(self, name)
            parts.append(FLAG_OF[name] if value is True else f"{FLAG_OF[name]} {_shown(value)}")
        return " ".join(parts)

    def given(self) -> dict[str, Any]:
        """The options given (not defaults) by field name, ``loader`` first: what
        :func:`from_mapping` takes back, and what changes the docs read (pool caches)."""
        return {"loader": self.loader, **{name: getattr(self, name) for name in self.changed()}}


def _shown(value: Any) -> str:
    if value == "\t":
        return "tab"
    if value == " ":
        return "space"
    return str(value)


def parse_column(value: Any, flag: str) -> Column:
    """``"1"`` -> 1, ``"-1"`` -> -1, ``"tokens"`` -> ``"tokens"`` (a dataset column name)."""
    if isinstance(value, bool):
        raise ConfigError(f"{flag} takes a column, got {value!r}.", fix=f"Pass {flag} 1.")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        raise ConfigError(f"{flag} is empty.", fix=f"Pass a column number ({flag} 1) or, for a "
                          "Hugging Face dataset, a column name.")
    try:
        return int(text)
    except ValueError:
        return text


def parse_sep(value: str | None) -> str | None:
    """``tab``/``\\t`` -> tab, ``space`` -> space, ``auto``/``whitespace``/None -> None."""
    if value is None:
        return None
    sep = _SEPARATORS.get(value.lower(), value)
    if sep == "" or (sep is not None and sep.strip(" \t") == "" and sep not in ("\t", " ")):
        raise ConfigError(f"--sep {value!r} is not a separator.",
                          fix="Pass --sep auto, --sep tab, --sep space or one character.")
    if sep is not None and ("\n" in sep or "\r" in sep):
        raise ConfigError("--sep cannot be a line break.", fix="Pass --sep auto or --sep tab.")
    return sep


def check_scheme(value: str) -> str:
    """The canonical scheme name of ``--scheme``, or a :class:`ConfigError`."""
    canonical = normalize_scheme(str(value))
    if canonical is None:
        raise ConfigError(f"--scheme {value!r} is not a tag scheme.",
                          fix="Pass --scheme auto, IOB1, IOB2 (BIO), IO or BILUO (BIOES).")
    return canonical


def from_mapping(values: Mapping[str, Any]) -> SourceOptions:
    """Options from Python keyword names, the older ones included (``tokens_column``,
    ``tags_column``, ``strict``, ``format``)."""
    renamed = dict(values)
    for old, new in (("tokens_column", "token_col"), ("tags_column", "tag_col"),
                     ("format", "loader")):
        if old in renamed:
            value = renamed.pop(old)
            if value is not None and new not in renamed:
                renamed[new] = value
    if "strict" in renamed:
        renamed["repair"] = not renamed.pop("strict")
    return SourceOptions.from_flags(**renamed)
