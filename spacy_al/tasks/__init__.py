"""The task format (base layer): Prodigy-style tasks, their hashes, and Doc conversion.

Everything that reads or writes annotation tasks (corpora, the store, the loop,
the server, the recipes) uses these functions, so a task means the same thing
everywhere. See :mod:`.conversion` for the task layout.
"""

from __future__ import annotations

from .conversion import (
    PoolItem,
    answer_doc,
    answer_to_example,
    base_task,
    doc_item,
    doc_tokens,
    filter_overlaps,
    is_complete,
    set_entities,
    span_to_dict,
    task_spans,
    task_stub,
    token_span,
    tokens_to_doc,
)
from .hashing import ANSWERS, INPUT_KEYS, TASK_KEYS, hash32, input_hash_of, set_hashes, task_hash_of
from .spans import TokenSpan

__all__ = [
    "ANSWERS",
    "INPUT_KEYS",
    "TASK_KEYS",
    "PoolItem",
    "TokenSpan",
    "answer_doc",
    "answer_to_example",
    "base_task",
    "doc_item",
    "doc_tokens",
    "filter_overlaps",
    "hash32",
    "input_hash_of",
    "is_complete",
    "set_entities",
    "set_hashes",
    "span_to_dict",
    "task_hash_of",
    "task_spans",
    "task_stub",
    "token_span",
    "tokens_to_doc",
]
