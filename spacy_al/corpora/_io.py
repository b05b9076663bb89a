"""Line reading shared by the corpus readers.

Every reader goes through :func:`iter_lines`, so all of them handle the same
byte-level quirks the same way: a UTF-8 byte-order mark, CRLF line ends, and
invalid UTF-8 (reported with its line number instead of a bare ``UnicodeDecodeError``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import CorpusFormatError

BOM = "\ufeff"
_BLOCK = 1 << 20


def iter_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` for a UTF-8 text file, 1-based, without line ends.

    A leading byte-order mark is dropped and ``\\r\\n`` / ``\\n`` line ends are
    stripped. Invalid UTF-8 raises :class:`CorpusFormatError` naming the line. The file
    is decoded in blocks of about 1 MB (fast), line by line only to locate an error.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as err:
        raise CorpusFormatError(
            path, None, f"cannot open the file ({err.strerror}).", fix="Check the path."
        ) from err
    number = 0
    with handle:
        while block := handle.readlines(_BLOCK):
            for line in _decode_block(path, number, block):
                number += 1
                if number == 1 and line.startswith(BOM):
                    line = line[1:]
                yield number, line.rstrip("\r\n")


def _decode_block(path: Path, first: int, block: list[bytes]) -> list[str]:
    """Decode whole lines (each ends with ``\\n`` except maybe the file's last)."""
    try:
        text = b"".join(block).decode("utf-8")
    except UnicodeDecodeError:
        return [_decode(path, first + i, raw) for i, raw in enumerate(block, 1)]
    lines = text.split("\n")  # not splitlines(): tokens may hold \x0b, \x85, \u2028, ...
    if text.endswith("\n"):
        lines.pop()
    return lines


def _decode(path: Path, number: int, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = raw[err.start : err.start + 4]
        raise CorpusFormatError(
            path,
            number,
            f"invalid UTF-8 at byte {err.start + 1} of the line ({bad!r}).",
            fix="Re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).",
        ) from err


def first_content_line(path: str | Path, max_lines: int = 1000) -> str | None:
    """The first non-blank line of a file (within ``max_lines``), or None."""
    for number, line in iter_lines(path):
        if line.strip():
            return line
        if number >= max_lines:
            break
    return None
