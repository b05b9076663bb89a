"""A recipe's pool on Arrow next to the database: written once, reused while current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spacy_al.errors import CorpusFormatError
from spacy_al.recipe_runtime import pool_cache
from spacy_al.recipe_runtime.pool_cache import (
    database_in_use,
    default_cache_root,
    open_or_start,
    source_pool,
)
from spacy_al.store.pool_items import ArrowItems
from tests.conftest import SENTENCES


def _text_source(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "pool.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


def test_cache_next_to_the_database_and_reused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    source = _text_source(tmp_path, SENTENCES + SENTENCES[:3])  # repeats are read once
    with database_in_use(tmp_path / "db" / "annotations.db"):
        assert default_cache_root() == (tmp_path / "db" / "annotations.db.pools").resolve()
        items = source_pool(source, loader="text")
        assert isinstance(items, ArrowItems) and len(items) == len(SENTENCES)
        assert items.folder.parent == default_cache_root()
        assert [items[h].text for h in items] == SENTENCES

        def no_write(*_: object, **__: object) -> None:
            raise AssertionError("the cached pool should have been reused")

        monkeypatch.setattr(pool_cache, "write_pool", no_write)
        again = source_pool(source, loader="text")
        assert again.folder == items.folder and list(again) == list(items)
        monkeypatch.undo()
        limited = source_pool(source, loader="text", limit=4)  # read another way: its own
        assert len(limited) == 4 and limited.folder != items.folder


def test_a_changed_source_is_read_again(tmp_path: Path) -> None:
    source = _text_source(tmp_path, SENTENCES[:4])
    folder = tmp_path / "cache"
    assert len(source_pool(source, loader="text", pool_cache=folder)) == 4
    source.write_text("\n".join(SENTENCES[:6]) + "\n", encoding="utf8")
    os.utime(source, (1, 1))
    assert len(source_pool(source, loader="text", pool_cache=folder)) == 6


def test_bad_loader_and_empty_source(tmp_path: Path) -> None:
    source = _text_source(tmp_path, SENTENCES[:2])
    with pytest.raises(CorpusFormatError, match="unknown loader 'xml'"):
        source_pool(source, loader="xml", pool_cache=tmp_path / "c1")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf8")
    with pytest.raises(CorpusFormatError, match="no text to annotate"):
        source_pool(empty, loader="text", pool_cache=tmp_path / "c2")


def test_a_big_source_starts_on_its_head_and_grows(tmp_path: Path) -> None:
    source = _text_source(tmp_path, SENTENCES)
    items, writer = open_or_start(source, head=5, loader="text", pool_cache=tmp_path / "c")
    assert writer is not None and [items[h].text for h in items] == SENTENCES[:5]
    got: list[ArrowItems] = []
    writer.on_done(got.append).join(timeout=120)
    assert len(got) == 1 and [got[0][h].text for h in got[0]] == SENTENCES
    whole, none = open_or_start(source, head=5, loader="text", pool_cache=tmp_path / "c")
    assert none is None and list(whole) == list(got[0])  # the cache is whole now


def test_a_small_source_is_whole_at_once(tmp_path: Path) -> None:
    source = _text_source(tmp_path, SENTENCES)
    items, writer = open_or_start(source, head=len(SENTENCES), loader="text",
                                  pool_cache=tmp_path / "c")
    assert writer is None and len(items) == len(SENTENCES)


def test_a_bad_line_past_the_head_is_reported_and_the_session_goes_on(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = tmp_path / "pool.jsonl"
    source.write_text("".join(f'{{"text": "{t}"}}\n' for t in SENTENCES) + "{not json\n",
                      encoding="utf8")
    items, writer = open_or_start(source, head=4, pool_cache=tmp_path / "c")
    assert writer is not None and len(items) == 4
    got: list[ArrowItems] = []
    writer.on_done(got.append).join(timeout=120)
    assert not got and writer.error and "pool.jsonl" in writer.error
    assert "reading the rest" in caplog.text
