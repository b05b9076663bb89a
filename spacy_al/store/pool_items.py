"""An Arrow pool seen as ``{input hash: PoolItem}``, read from the memory map on demand.

:class:`ArrowItems` is what the server's stream and the model worker hold instead of
a dict of every :class:`~spacy_al.tasks.PoolItem`: two int64 arrays (the input hashes
in pool order, and their sort order for lookups) plus the memory-mapped pool folder.
A sentence's text and tokens are decoded only when a task is served or scored, so a
pool of a million sentences costs tens of megabytes, not gigabytes. It pickles as its
folder: sending it to the model worker process sends a path, and the worker opens
the same memory map.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..tasks import PoolItem
from .arrow_pool import ArrowPool, open_pool

ITEM_COLUMNS = ("text", "tokens", "_input_hash", "source", "spans")


class ArrowItems(Mapping[int, PoolItem]):
    """Read-only mapping of input hash → pool item over an Arrow pool folder."""

    def __init__(self, pool: ArrowPool) -> None:
        self.pool = pool
        self.folder = Path(pool.folder)
        self.hashes = pool.input_hashes
        """Input hashes in pool order."""
        self._by_hash = np.argsort(self.hashes, kind="stable")
        self._sorted = self.hashes[self._by_hash]
        self._view = pool.entries.select_columns(list(ITEM_COLUMNS))
        self._served = self.hashes
        """The input hashes in the order the mapping iterates (pool order, unless
        :meth:`served_in`)."""

    @classmethod
    def open(cls, folder: str | Path) -> ArrowItems:
        return cls(open_pool(folder))

    def __reduce__(self) -> tuple[Any, ...]:
        return (ArrowItems.open, (str(self.folder),))

    # -- Mapping ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[int]:
        """Input hashes (plain ints) in pool order, or the order of :meth:`served_in`."""
        for start in range(0, len(self._served), 65536):
            yield from self._served[start:start + 65536].tolist()

    def served_in(self, rows: np.ndarray) -> ArrowItems:
        """The same pool iterating in the order of ``rows`` (a permutation of its rows):
        the order a stream serves its unranked sentences in. Lookups are unchanged."""
        if rows.shape != (len(self.hashes),):
            raise ValueError(f"served_in needs one row per entry ({len(self.hashes)})")
        other = copy.copy(self)
        other._served = self.hashes[rows]
        return other

    def __contains__(self, key: object) -> bool:
        return self.row_of(key) is not None

    def __getitem__(self, key: int) -> PoolItem:
        row = self.row_of(key)
        if row is None:
            raise KeyError(key)
        return self.at_rows([row])[0]

    # -- lookups ---------------------------------------------------------------
    def row_of(self, key: object) -> int | None:
        """The pool row of an input hash, or None if the pool does not hold it."""
        if not isinstance(key, (int, np.integer)) or isinstance(key, bool):
            return None
        value = int(key)
        if not -(2**63) <= value < 2**63:
            return None
        i = int(np.searchsorted(self._sorted, value))
        if i < len(self._sorted) and int(self._sorted[i]) == value:
            return int(self._by_hash[i])
        return None

    def at_rows(self, rows: Sequence[int]) -> list[PoolItem]:
        """The pool items at these rows, in that order (one batched read)."""
        if not len(rows):
            return []
        batch = self._view[list(rows)]
        return [_item(*values) for values in zip(
            batch["text"], batch["tokens"], batch["_input_hash"], batch["source"],
            batch["spans"], strict=True)]

    def get_many(self, keys: Iterable[int]) -> list[PoolItem]:
        """The items of these input hashes (those the pool holds), in that order."""
        rows = [row for row in (self.row_of(key) for key in keys) if row is not None]
        return self.at_rows(rows)


def _item(text: str, tokens: list[dict[str, Any]], input_hash: int, source: str,
          spans: str) -> PoolItem:
    return PoolItem(int(input_hash), text, list(tokens), {"source": source} if source else {},
                    json.loads(spans) if spans else [])


def items_of(items: Mapping[int, PoolItem], keys: Iterable[int]) -> list[PoolItem]:
    """The items of ``keys`` that ``items`` holds, in order: batched for an Arrow pool."""
    if isinstance(items, ArrowItems):
        return items.get_many(keys)
    return [items[key] for key in keys if key in items]
