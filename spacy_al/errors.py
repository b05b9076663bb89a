"""User-facing errors of spacy-al.

Every error a user can cause says *what* went wrong, *where* (file and line when
there is one) and *how to fix it*.
"""

from __future__ import annotations

from pathlib import Path


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


class UnknownStrategyError(SpacyALError):
    code = "E004"


class ConfigError(SpacyALError):
    code = "E005"
