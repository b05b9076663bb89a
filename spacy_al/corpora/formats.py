"""The one table of source formats: what ``--loader NAME`` reads and how ``auto`` finds it.

Adding a format is one reader function and one :func:`register_format` call: the loader
names in every command's ``--help``, content detection (:mod:`.detection`), the options
it accepts, ``db-in``'s "holds annotations" check and the tokenizer a raw-text format
gets all come from its :class:`SourceFormat`. The built-in formats are registered in
:mod:`.dispatch`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..errors import ConfigError, CorpusFormatError
from .options import FLAG_OF, SourceOptions

Tokenizer = Callable[[str], Doc]
Reader = Callable[[str | Path, Vocab, SourceOptions, Tokenizer | None], Iterator[Doc]]


@dataclass(frozen=True)
class SourceFormat:
    """A loader: its reader, the options it takes and how detection recognises it."""

    name: str
    read: Reader
    """``read(path, vocab, options, tokenizer) -> Docs`` with gold ``doc.ents``."""
    help: str
    options: frozenset[str] = frozenset()
    """The :class:`SourceOptions` fields it reads (others given are refused)."""
    suffixes: tuple[str, ...] = ()
    """File name endings that mean this format (``.spacy``, ``_conll``)."""
    first_line: Callable[[str], bool] | None = None
    """Recognises the format by the first non-blank line of a file."""
    folder: Callable[[Path], bool] | None = None
    """Recognises the format from a folder's files."""
    annotated: bool = True
    """Whether it can hold annotations (``db-in`` refuses formats that cannot)."""
    names: bool = False
    """Whether a source that is no path is a name it understands (a hub dataset)."""
    aliases: tuple[str, ...] = ()
    """Other ``--loader`` names of it (Prodigy's ``txt`` for ``text``)."""


FORMATS: dict[str, SourceFormat] = {}
"""Registered formats by loader name, in detection order."""


def register_format(fmt: SourceFormat) -> SourceFormat:
    """Add (or replace) a format; detection tries formats in registration order."""
    unknown = sorted(fmt.options - set(FLAG_OF))
    if unknown:
        raise ConfigError(f"Format {fmt.name!r} names unknown options {unknown}.",
                          fix=f"Use fields of SourceOptions: {', '.join(FLAG_OF)}.")
    FORMATS[fmt.name] = fmt
    return fmt


def loader_names() -> tuple[str, ...]:
    """``auto`` and every registered format, as ``--loader`` accepts them."""
    return ("auto", *FORMATS)


def get_format(name: str, source: str | Path | None = None) -> SourceFormat:
    """The registered format ``name``, or a :class:`ConfigError` listing the loaders."""
    if name in FORMATS:
        return FORMATS[name]
    for fmt in FORMATS.values():
        if name in fmt.aliases:
            return fmt
    fix = f"Pass --loader with one of {', '.join(loader_names())}."
    if source is not None:
        raise CorpusFormatError(source, None, f"unknown loader {name!r}.", fix=fix)
    raise ConfigError(f"Unknown loader {name!r}.", fix=fix)


def check_options(fmt: SourceFormat, options: SourceOptions, source: str | Path,
                  detected: bool) -> None:
    """Refuse options the format does not read, naming their flags."""
    extra = [name for name in options.changed() if name not in fmt.options]
    if not extra:
        return
    flags = ", ".join(FLAG_OF[name] for name in extra)
    how = "detected from the file" if detected else "--loader " + fmt.name
    takers = sorted({f.name for f in FORMATS.values() for name in extra if name in f.options})
    raise ConfigError(
        f"{flags} {'does' if len(extra) == 1 else 'do'} not apply to {source}: it is read "
        f"as {fmt.name} ({how}).",
        fix=f"Drop {flags}" + (f", or pass --loader {' / '.join(takers)} if the file is "
                               "one of those." if takers else "."))
