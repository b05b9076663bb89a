"""Prodigy-compatible task hashes: ``_input_hash`` (what is shown) and ``_task_hash``
(the question asked about it).

Hashes are signed 32-bit integers (the range Prodigy uses, exactly representable in
JavaScript), computed from a stable BLAKE2b digest of the canonical JSON of the
hashed keys.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

INPUT_KEYS = ("text", "image", "html", "input")
"""Keys whose values make a task's ``_input_hash`` (what is annotated)."""
TASK_KEYS = ("spans", "label", "options")
"""Keys whose values, with the input hash, make ``_task_hash`` (the question asked)."""
ANSWERS = ("accept", "reject", "ignore")


def hash32(value: Any) -> int:
    """A stable signed 32-bit hash of a JSON-serialisable value."""
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.blake2b(data.encode("utf8"), digest_size=4).digest()
    return int.from_bytes(digest, "little", signed=True)


def input_hash_of(task: Mapping[str, Any], input_keys: Sequence[str] = INPUT_KEYS) -> int:
    """Hash of what a task shows: its ``text`` (or image/html/input)."""
    values = {key: task[key] for key in input_keys if key in task}
    if not values:
        values = {k: v for k, v in task.items() if not k.startswith("_") and k != "answer"}
    return hash32(values)


def _normalise(key: str, value: Any) -> Any:
    if key == "spans" and isinstance(value, list):
        return sorted(
            [span.get("start"), span.get("end"), span.get("label")]
            for span in value
            if isinstance(span, Mapping)
        )
    return value


def task_hash_of(
    input_hash: int, task: Mapping[str, Any], task_keys: Sequence[str] = TASK_KEYS
) -> int:
    """Hash of the question: the input hash plus the task keys (spans by offsets and label)."""
    values = {key: _normalise(key, task[key]) for key in task_keys if key in task}
    return hash32([input_hash, values])


def set_hashes(
    task: dict[str, Any],
    *,
    input_keys: Sequence[str] = INPUT_KEYS,
    task_keys: Sequence[str] = TASK_KEYS,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Set ``_input_hash`` and ``_task_hash`` on ``task`` (in place) and return it."""
    if overwrite or "_input_hash" not in task:
        task["_input_hash"] = input_hash_of(task, input_keys)
    if overwrite or "_task_hash" not in task:
        task["_task_hash"] = task_hash_of(task["_input_hash"], task, task_keys)
    return task
