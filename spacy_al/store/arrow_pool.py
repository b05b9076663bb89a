"""A pool on disk as Arrow (``datasets``): memory-mapped, written and read in batches.

A pool folder holds::

    entries.arrow  text, tokens (Prodigy tokens), _input_hash, _task_hash, source, n_tokens,
                   spans (the source's pre-annotations as JSON, "" when it has none)
    index.arrow    _input_hash, n_tokens, last_score (NaN until scored): one row per entry
    pool.json      where the pool came from (path, size, mtime, loader) and the last scoring

Entries are written once, through an ``ArrowWriter`` batch by batch, and opened with
``Dataset.from_file``, which memory-maps them: a pool of millions of sentences costs the
pages in use, not its size (and is never copied). The small index holds what the server
and worker keep in memory, so opening a pool touches a few megabytes, not the entries;
new scores rewrite only the index. Every file is written beside its name under a name of
its own process and swapped in with ``os.replace``: two sessions storing scores at once
leave one whole index (the later), and a reader sees the old file or the new, never half.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from datasets import Dataset, Features, Value
from datasets.arrow_writer import ArrowWriter

from ..errors import ConfigError
from ..tasks import PoolItem, task_hash_of

TOKEN = {"text": Value("string"), "start": Value("int64"), "end": Value("int64"),
         "id": Value("int64"), "ws": Value("bool")}
ENTRY_FEATURES = Features({
    "text": Value("string"),
    "tokens": [TOKEN],  # a list of structs (Sequence(dict) would be a dict of lists)
    "_input_hash": Value("int64"),
    "_task_hash": Value("int64"),
    "source": Value("string"),
    "n_tokens": Value("int64"),
    "spans": Value("string"),  # JSON: a span's keys are the source's (label, start, ...)
})
INDEX_FEATURES = Features({"_input_hash": Value("int64"), "n_tokens": Value("int64"),
                           "last_score": Value("float64")})
ENTRIES_FILE = "entries.arrow"
INDEX_FILE = "index.arrow"
WRITE_BATCH = 1000
LAYOUT = 3
"""Version of the folder layout (1: ``entries/`` and ``scores/`` folders; 2: an ``index/``
``save_to_disk`` folder, swapped by remove and rename, and no ``spans``)."""


@dataclass
class ArrowPool:
    """An opened pool folder: its entries memory-mapped, its last scores in memory."""

    folder: Path
    entries: Dataset
    last_scores: np.ndarray
    info: dict[str, Any]
    input_hashes: np.ndarray
    """int64 input hash per entry, in pool order (from the index)."""
    n_tokens: np.ndarray
    """int64 tokens per entry (from the index)."""

    def __len__(self) -> int:
        return len(self.entries)

    def iter_batches(self, batch_size: int,
                     columns: Sequence[str] = ("tokens",)) -> Iterator[tuple[int, list[dict]]]:
        """``(start, rows)`` of consecutive entries; only one batch is decoded at a time."""
        if batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {batch_size}.")
        view = self.entries.select_columns(list(columns))
        for start in range(0, len(view), batch_size):
            batch = view[start:start + batch_size]
            yield start, [dict(zip(batch, values, strict=True))
                          for values in zip(*batch.values(), strict=True)]

    def rows(self, indices: Sequence[int]) -> Iterator[dict[str, Any]]:
        """Entries at ``indices``, in that order (random access into the memory map)."""
        yield from self.entries.select(list(indices))

    def set_scores(self, scores: np.ndarray, **info: Any) -> None:
        """Store ``scores`` as the last scores (and ``info``, e.g. strategy, model)."""
        scores = np.asarray(scores, dtype=np.float64)
        if scores.shape != (len(self),):
            raise ConfigError(f"{len(scores)} scores for a pool of {len(self)} entries.",
                              fix="score the whole pool, in pool order.")
        _save_index(self.folder, self.input_hashes, self.n_tokens, scores)
        self.last_scores = scores
        self.info = {**self.info, "last_scoring": info}
        _write_info(self.folder, self.info)


def entry_row(item: PoolItem) -> dict[str, Any]:
    """The stored row of a pool item (its task hash: the question with no spans)."""
    return {
        "text": item.text,
        "tokens": item.tokens,
        "_input_hash": item.input_hash,
        "_task_hash": task_hash_of(item.input_hash, {"text": item.text}),
        "source": str(item.meta.get("source", "")),
        "n_tokens": len(item.tokens),
        "spans": json.dumps(item.spans) if item.spans else "",
    }


def write_pool(items: Iterable[PoolItem], folder: str | Path, *,
               counts: Mapping[str, int] | None = None, **info: Any) -> ArrowPool:
    """Write ``items`` to a pool folder (replacing one there) batch by batch and open it.

    info: Where the pool came from (stored in ``pool.json``; see :func:`source_info`).
    counts: Filled while ``items`` are read (sentences read, duplicates skipped:
        :class:`spacy_al.corpora.SourceTally`); stored as ``pool.json``'s ``counts``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pool.json").unlink(missing_ok=True)  # no half-written pool ever looks whole
    staging = _staging(folder / ENTRIES_FILE)
    hashes: list[int] = []
    lengths: list[int] = []
    with ArrowWriter(features=ENTRY_FEATURES, path=str(staging)) as writer:
        rows: list[dict[str, Any]] = []
        for item in items:
            rows.append(entry_row(item))
            hashes.append(item.input_hash)
            lengths.append(len(item.tokens))
            if len(rows) >= WRITE_BATCH:
                _flush(writer, rows)
        _flush(writer, rows)
        writer.finalize()
    staging.replace(folder / ENTRIES_FILE)
    for old in ("entries", "scores", "index"):  # folders of the layouts before
        shutil.rmtree(folder / old, ignore_errors=True)
    _save_index(folder, np.asarray(hashes, np.int64), np.asarray(lengths, np.int64),
                np.full(len(hashes), np.nan))
    tally = {} if counts is None else {"counts": dict(counts)}
    _write_info(folder, {**info, "rows": len(hashes), "layout": LAYOUT, **tally})
    return open_pool(folder)


def open_pool(folder: str | Path) -> ArrowPool:
    """Open a pool folder written by :func:`write_pool` (entries memory-mapped)."""
    folder = Path(folder)
    if not (folder / "pool.json").is_file():
        raise ConfigError(f"{folder} holds no Arrow pool (no pool.json).",
                          fix="write one with write_pool / spacy-al score --pool-cache DIR.")
    info = json.loads((folder / "pool.json").read_text(encoding="utf8"))
    if info.get("layout") != LAYOUT:
        raise ConfigError(f"{folder} holds an Arrow pool of an older layout.",
                          fix="delete the folder; it is written anew from the source.")
    entries = Dataset.from_file(str(folder / ENTRIES_FILE))
    index = Dataset.from_file(str(folder / INDEX_FILE))
    return ArrowPool(folder, entries, column_array(index, "last_score", np.float64), info,
                     column_array(index, "_input_hash", np.int64),
                     column_array(index, "n_tokens", np.int64))


def column_array(dataset: Dataset, name: str, dtype: type) -> np.ndarray:
    """One column as a numpy array, straight from the Arrow table (not row by row)."""
    return np.asarray(dataset.data.column(name).to_numpy(), dtype=dtype)


def source_info(source: str | Path, loader: str) -> dict[str, Any]:
    """What identifies a source file: path, size, mtime and the loader that read it."""
    path = Path(source)
    stat = path.stat() if path.exists() else None
    return {"source": str(path.resolve()) if stat else str(source), "loader": loader,
            "size": stat.st_size if stat else None, "mtime": stat.st_mtime if stat else None}


def cached_pool(folder: str | Path, info: dict[str, Any]) -> ArrowPool | None:
    """The pool in ``folder`` if it was written from the source ``info`` names as it is
    now (every other key of ``info`` the same too); None if there is none or it is stale.
    A pool of another source is an error. Only a current pool is opened."""
    folder = Path(folder)
    if not (folder / "pool.json").is_file():
        return None
    saved = json.loads((folder / "pool.json").read_text(encoding="utf8"))
    if saved.get("layout") != LAYOUT:
        return None  # written by an older version: stale
    if saved.get("source") != info["source"]:
        raise ConfigError(f"{folder} holds the pool of {saved.get('source')}, "
                          f"not of {info['source']}.",
                          fix="use another --pool-cache folder, or delete this one.")
    same = all(saved.get(key) == value for key, value in info.items())
    return open_pool(folder) if same else None


def cached_or_written(folder: str | Path, info: dict[str, Any],
                      items: Callable[[], Iterable[PoolItem]], *, reuse: bool = True,
                      counts: Mapping[str, int] | None = None) -> tuple[ArrowPool, bool]:
    """The pool in ``folder`` while it is current for the source ``info`` names (see
    :func:`cached_pool`; never with ``reuse`` off), else ``items()`` written there (with
    ``info``). Also says whether the cached one was reused."""
    existing = cached_pool(folder, info) if reuse else None
    if existing is not None:
        return existing, True
    return write_pool(items(), folder, counts=counts, **info), False


def _save_index(folder: Path, hashes: np.ndarray, n_tokens: np.ndarray,
                scores: np.ndarray) -> None:
    staging = _staging(folder / INDEX_FILE)
    with ArrowWriter(features=INDEX_FEATURES, path=str(staging)) as writer:
        writer.write_table(pa.table({  # from the arrays, not row by row
            "_input_hash": np.asarray(hashes, np.int64), "n_tokens": np.asarray(n_tokens, np.int64),
            "last_score": np.asarray(scores, np.float64)}))
        writer.finalize()
    os.replace(staging, folder / INDEX_FILE)


def _flush(writer: ArrowWriter, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    writer.write_batch({key: [row[key] for row in rows] for key in ENTRY_FEATURES})
    count = len(rows)
    rows.clear()
    return count


def _staging(target: Path) -> Path:
    """Where this process writes ``target`` before swapping it in."""
    return target.with_name(f"{target.name}.{os.getpid()}.tmp")


def _write_info(folder: Path, info: dict[str, Any]) -> None:
    staging = _staging(folder / "pool.json")
    staging.write_text(json.dumps(info, indent=2) + "\n", encoding="utf8")
    os.replace(staging, folder / "pool.json")
