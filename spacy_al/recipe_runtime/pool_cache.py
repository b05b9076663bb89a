"""A recipe's pool on Arrow, in a cache folder next to the database.

The model-in-the-loop recipes stream their source into an Arrow pool
(:mod:`spacy_al.store.arrow_pool`) once and open it memory-mapped
(:class:`~spacy_al.store.pool_items.ArrowItems`): the server and the model worker
hold input hashes and the next ranked window, not the pool. The folder is
``--pool-cache``, or ``<database>.pools/<key>`` where the key names the source, the
loader and the options that change what is read (``--limit``, ``--lang``, the hf
columns); a cached pool is reused while its source file keeps its size and mtime.

A source not cached yet is not waited for: :func:`open_or_start` writes its first
``head`` sentences at once (the session starts on those) and the whole pool in a child
process (:mod:`.pool_writer`, so reading a million sentences never holds the server's
interpreter); once written, the session grows onto it (``ModelLoop.grow_pool``).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpora.items import SourceTally
from ..store.arrow_pool import cached_or_written, cached_pool, source_info, write_pool
from ..store.database import default_db_path
from ..store.pool_items import ArrowItems
from .sources import check_loader, iter_source, resolve_source, source_format

ACTIVE_DATABASE: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "spacy_al_active_database", default=None)
"""The database of the session whose recipe is being built (set by ``build_controller``)."""


@contextlib.contextmanager
def database_in_use(path: str | Path) -> Iterator[None]:
    """Recipes built inside this block keep their pool caches next to ``path``."""
    token = ACTIVE_DATABASE.set(Path(path))
    try:
        yield
    finally:
        ACTIVE_DATABASE.reset(token)


def default_cache_root() -> Path:
    """``<database>.pools`` beside the session's database file."""
    database = ACTIVE_DATABASE.get() or default_db_path()
    database = Path(database).expanduser().resolve()
    return database.with_name(database.name + ".pools")


def cache_key(info: dict[str, Any], options: dict[str, Any]) -> str:
    """A folder name for one source read one way: readable stem plus a digest."""
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(info["source"]).name)
    blob = json.dumps({"source": info["source"], "loader": info["loader"], **options},
                      sort_keys=True, default=str)
    return f"{stem[:40]}-{hashlib.sha1(blob.encode('utf8')).hexdigest()[:12]}"


@dataclass
class PoolPlan:
    """Where a source's pool lives and how it is read."""

    path: Path
    loader: str
    folder: Path
    info: dict[str, Any]
    read_with: dict[str, Any]
    """``lang``, ``limit`` and the reader's options."""
    tally: SourceTally = field(default_factory=SourceTally)
    """Sentences read and duplicates skipped by the last :meth:`items` (stored in the
    pool's ``pool.json``)."""

    @classmethod
    def of(cls, source: str | Path, *, lang: str = "en", limit: int | None = None,
           loader: str = "auto", pool_cache: str | Path | None = None,
           **options: Any) -> PoolPlan:
        path = resolve_source(source, check_loader(source, loader))
        info = source_info(path, source_format(path, loader, **options))
        read_with = {"lang": lang, "limit": limit, **options}
        folder = Path(pool_cache) if pool_cache is not None else (
            default_cache_root() / cache_key(info, read_with))
        return cls(path, loader, folder, {**info, "read_with": read_with}, read_with)

    def cached(self) -> ArrowItems | None:
        pool = cached_pool(self.folder, self.info)  # read_with is part of info
        return None if pool is None else ArrowItems(pool)

    def items(self) -> Iterator[Any]:
        options = dict(self.read_with)
        self.tally.update(SourceTally())
        return iter_source(self.path, lang=options.pop("lang"), limit=options.pop("limit"),
                           loader=self.loader, tally=self.tally, **options)

    def write(self) -> ArrowItems:
        items = self.items()
        return ArrowItems(write_pool(items, self.folder, counts=self.tally, **self.info))

    def to_json(self) -> str:
        return json.dumps({"source": str(self.path), "loader": self.loader,
                           "pool_cache": str(self.folder), **self.read_with})


def source_pool(
    source: str | Path, *, lang: str = "en", limit: int | None = None, loader: str = "auto",
    pool_cache: str | Path | None = None, **options: Any,
) -> ArrowItems:
    """The Arrow pool of a recipe's source: the cached one while it is current, else the
    source streamed into it (each distinct text once, in source order)."""
    plan = PoolPlan.of(source, lang=lang, limit=limit, loader=loader, pool_cache=pool_cache,
                       **options)
    return ArrowItems(cached_or_written(plan.folder, plan.info, plan.items,
                                        counts=plan.tally)[0])


def open_or_start(
    source: str | Path, *, head: int, lang: str = "en", limit: int | None = None,
    loader: str = "auto", pool_cache: str | Path | None = None, **options: Any,
) -> tuple[ArrowItems, Any]:
    """The pool to start a session on, and a :class:`~.pool_writer.PoolWriter` writing
    the whole pool (None when the pool is whole already: cached, or ``head`` or fewer
    sentences, written here)."""
    from .pool_writer import PoolWriter

    plan = PoolPlan.of(source, lang=lang, limit=limit, loader=loader, pool_cache=pool_cache,
                       **options)
    cached = plan.cached()
    if cached is not None:
        return cached, None
    first = list(itertools.islice(plan.items(), head + 1))
    if len(first) <= head:
        return ArrowItems(write_pool(first, plan.folder, counts=plan.tally, **plan.info)), None
    head_folder = plan.folder.with_name(plan.folder.name + ".head")
    items = ArrowItems(write_pool(first[:head], head_folder, **plan.info, head=True))
    return items, PoolWriter(plan)
