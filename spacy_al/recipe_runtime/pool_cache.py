"""A recipe's pool on Arrow, in a cache folder next to the database.

The model-in-the-loop recipes stream their source into an Arrow pool
(:mod:`spacy_al.store.arrow_pool`) once and open it memory-mapped
(:class:`~spacy_al.store.pool_items.ArrowItems`): the server and the model worker
hold input hashes and the next ranked window, not the pool. The folder is
``--pool-cache``, or ``<database>.pools/<key>`` where the key names the source, the
loader and the options that change what is read (``--limit``, ``--lang``, the hf
columns); a cached pool is reused while its source file keeps its size and mtime.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..corpora import resolve_loader
from ..store.arrow_pool import cached_pool, source_info, write_pool
from ..store.database import default_db_path
from ..store.pool_items import ArrowItems
from .sources import check_loader, iter_source, resolve_source

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


def source_pool(
    source: str | Path, *, lang: str = "en", limit: int | None = None, loader: str = "auto",
    pool_cache: str | Path | None = None, **options: Any,
) -> ArrowItems:
    """The Arrow pool of a recipe's source: the cached one while it is current, else the
    source streamed into it (each distinct text once, in source order)."""
    path = resolve_source(source, check_loader(source, loader))
    fmt = resolve_loader(path, loader=loader)
    info = source_info(path, fmt)
    read_with = {"lang": lang, "limit": limit, **options}
    folder = Path(pool_cache) if pool_cache is not None else (
        default_cache_root() / cache_key(info, read_with))
    info = {**info, "read_with": read_with}
    pool = cached_pool(folder, info)
    if pool is not None and pool.info.get("read_with") == read_with:
        return ArrowItems(pool)
    items = iter_source(path, lang=lang, limit=limit, loader=loader, **options)
    return ArrowItems(write_pool(items, folder, **info))
