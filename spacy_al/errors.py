"""User-facing errors of spacy-al.

Every error a user can cause says *what* went wrong, *where* (file and line when
there is one) and *how to fix it*.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class SpacyALError(ValueError):
    """Base class of the errors a user can cause."""

    code = "E000"

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        text = f"[{self.code}] {message}"
        if fix:
            text += f" Fix: {fix}"
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the finished error (the worker process sends errors back): rebuilt
        without calling ``__init__`` again, so the code is not prefixed a second time."""
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[SpacyALError], args: tuple[Any, ...],
             state: dict[str, Any]) -> SpacyALError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class CorpusFormatError(SpacyALError):
    """A corpus file cannot be read as asked: names the file and the line."""

    code = "E001"

    def __init__(
        self, path: str | Path, line: int | None, message: str, *, fix: str | None = None
    ) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}", fix=fix)


class UnknownLabelError(SpacyALError):
    code = "E002"


class ModelNotFoundError(SpacyALError):
    code = "E003"


class UnknownNameError(SpacyALError):
    """A name that no registry holds (a strategy, selector or stopper): lists the known ones."""

    code = "E004"


UnknownStrategyError = UnknownNameError
"""The old name of :class:`UnknownNameError`, kept for code that catches it."""


class ConfigError(SpacyALError):
    code = "E005"
