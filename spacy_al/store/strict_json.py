"""Strict JSON, as the store keeps it: one parser for the server's bodies and ``db-in``'s lines.

Everything stored must read back with any JSON tool (``db-out`` writes strict JSON),
so :func:`parse_json` refuses with :class:`~.validation.AnswerError`:

- invalid JSON, or invalid UTF-8;
- ``NaN``, ``Infinity`` or a number too large for a float (``1e999``), or an
  integer outside the signed 64-bit range;
- a string (or key) holding a lone surrogate such as ``"\\ud800"``;
- arrays and objects nested deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .validation import INT_RANGE, AnswerError

MAX_DEPTH = 32


def _reject_constant(name: str) -> Any:
    raise AnswerError(f"Invalid number {name} in the JSON: JSON allows finite "
                      "numbers only.", fix="Send null, or a finite number.")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise AnswerError(f"The number {text[:40]} in the JSON is too large for a "
                          "float.", fix="Send a smaller number, or a string.")
    return value


def _parse_int(text: str) -> int:
    if len(text) > 20 or not INT_RANGE[0] <= int(text) <= INT_RANGE[1]:
        raise AnswerError(f"The integer {text[:40]}{'...' if len(text) > 40 else ''} in the "
                          "JSON does not fit in 64 bits.",
                          fix="Send integers between -2**63 and 2**63-1, or a string.")
    return int(text)


def parse_json(body: bytes | str) -> Any:
    """Strict JSON: finite numbers, 64-bit integers, valid UTF-8, depth <= MAX_DEPTH."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as err:
        raise AnswerError(f"The JSON is not valid UTF-8 (byte {err.start}).",
                          fix="Send the JSON encoded as UTF-8.") from None
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_parse_float,
                           parse_int=_parse_int)
    except RecursionError:
        raise _too_deep() from None
    except AnswerError:  # a number refused by _parse_float / _parse_int / _reject_constant
        raise
    except json.JSONDecodeError as err:
        raise AnswerError(f"Invalid JSON: {err.msg} at line {err.lineno} "
                          f"column {err.colno}.", fix="Send a JSON object.") from None
    except ValueError as err:  # e.g. an integer with more digits than Python converts
        raise AnswerError(f"Invalid JSON: {str(err)[:200]}.") from None
    check_values(value)
    return value


def _too_deep() -> AnswerError:
    return AnswerError(f"The JSON nests arrays or objects deeper than {MAX_DEPTH} "
                       "levels.", fix="Send flatter JSON.")


def _surrogate(text: str) -> int | None:
    """The index of the first lone surrogate in ``text``, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return err.start
    return None


def _walk(value: Any, paths: bool) -> tuple[str, str, int] | None:
    """The first problem, as ``(kind, where, index)``; iterative, so no recursion.

    Without ``paths`` (the fast pass) ``where`` is empty; the paths are only built
    again for a body that has a problem.
    """
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item, level, path = stack.pop()
        if isinstance(item, str):
            at = _surrogate(item)
            if at is not None:
                return "surrogate", path, at
        elif isinstance(item, dict):
            if level >= MAX_DEPTH:
                return "depth", path, 0
            for key, child in item.items():
                at = _surrogate(key)
                if at is not None:
                    return "surrogate", f"{path} (a key)", at
                stack.append((child, level + 1, f"{path}.{key[:40]}" if paths else ""))
        elif isinstance(item, list):
            if level >= MAX_DEPTH:
                return "depth", path, 0
            stack.extend((child, level + 1, f"{path}[{i}]" if paths else "")
                         for i, child in enumerate(item))
    return None


def check_values(value: Any) -> None:
    """Every string and key valid Unicode, and no nesting deeper than MAX_DEPTH."""
    problem = _walk(value, paths=False)
    if problem is None:
        return
    kind, where, at = _walk(value, paths=True) or problem
    if kind == "depth":
        raise _too_deep()
    raise AnswerError(f"The string at {where.lstrip('.') or 'the top'} of the JSON "
                      f"holds a lone surrogate at character {at} (\\ud800-\\udfff without "
                      "its pair), which is not valid Unicode.",
                      fix="Send each character outside the BMP as a surrogate pair, or as "
                      "UTF-8.")
