"""The Arrow pool: written batch by batch, read back memory-mapped, scores updated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import spacy

from spacy_al.errors import ConfigError
from spacy_al.store import arrow_pool
from spacy_al.store.arrow_pool import (
    cached_or_written,
    cached_pool,
    open_pool,
    source_info,
    write_pool,
)
from spacy_al.tasks import doc_item, input_hash_of, task_hash_of
from tests.conftest import SENTENCES


def items(n: int) -> list:
    nlp = spacy.blank("en")
    docs = [nlp.make_doc(SENTENCES[i % len(SENTENCES)] if i % 5 else "") for i in range(n)]
    for i, doc in enumerate(docs):
        doc.user_data["source"] = f"pool.txt:{i + 1}"
    return [doc_item(doc) for doc in docs]


def test_round_trip_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrow_pool, "WRITE_BATCH", 7)  # several writer batches
    pool_items = items(30)
    pool = write_pool(iter(pool_items), tmp_path / "pool", source="pool.txt", loader="text")
    again = open_pool(tmp_path / "pool")
    assert len(again) == 30 and again.info["rows"] == 30 and again.info["loader"] == "text"
    assert all(Path(f["filename"]).is_relative_to(tmp_path) for f in again.entries.cache_files)
    assert np.isnan(again.last_scores).all()
    assert list(again.n_tokens) == [len(item.tokens) for item in pool_items]
    stored = list(again.rows(range(30)))
    for item, row in zip(pool_items, stored, strict=True):
        assert row["text"] == item.text and row["tokens"] == item.tokens
        assert row["_input_hash"] == input_hash_of({"text": item.text}) == item.input_hash
        assert row["_task_hash"] == task_hash_of(item.input_hash, {"text": item.text})
        assert row["source"] == item.meta["source"]
    assert pool.folder == again.folder


def test_batches_cover_the_pool_in_order(tmp_path: Path) -> None:
    pool = write_pool(iter(items(23)), tmp_path / "pool")
    batches = list(pool.iter_batches(10))
    assert [start for start, _ in batches] == [0, 10, 20]
    assert [len(rows) for _, rows in batches] == [10, 10, 3]
    flat = [row["tokens"] for _, rows in batches for row in rows]
    assert flat == [row["tokens"] for row in pool.rows(range(23))]
    assert [r["text"] for r in pool.rows([4, 1])] == [items(23)[4].text, items(23)[1].text]


def test_scores_update_and_persist(tmp_path: Path) -> None:
    pool = write_pool(iter(items(12)), tmp_path / "pool")
    pool.set_scores(np.arange(12, dtype=np.float64) / 3, strategy="bald", model="m")
    again = open_pool(tmp_path / "pool")
    assert again.last_scores.tolist() == (np.arange(12) / 3).tolist()
    assert again.info["last_scoring"] == {"strategy": "bald", "model": "m"}
    with pytest.raises(ConfigError, match="11 scores for a pool of 12"):
        again.set_scores(np.zeros(11))


def test_cache_reused_only_for_its_unchanged_source(tmp_path: Path) -> None:
    source = tmp_path / "pool.txt"
    source.write_text("a b\nc d\n", encoding="utf8")
    info = source_info(source, "text")
    assert cached_pool(tmp_path / "pool", info) is None  # nothing there yet
    write_pool(iter(items(3)), tmp_path / "pool", **info)
    assert cached_pool(tmp_path / "pool", info) is not None
    source.write_text("a b\nc d\ne f\n", encoding="utf8")
    assert cached_pool(tmp_path / "pool", source_info(source, "text")) is None  # stale
    other = tmp_path / "other.txt"
    other.write_text("x\n", encoding="utf8")
    with pytest.raises(ConfigError, match="holds the pool of"):
        cached_pool(tmp_path / "pool", source_info(other, "text"))
    with pytest.raises(ConfigError, match="no Arrow pool"):
        open_pool(tmp_path / "nothing")


def test_a_pool_of_an_older_layout_is_stale(tmp_path: Path) -> None:
    source = tmp_path / "pool.txt"
    source.write_text("a b\n", encoding="utf8")
    info = source_info(source, "text")
    write_pool(iter(items(3)), tmp_path / "pool", **info)
    (tmp_path / "pool" / "pool.json").write_text(json.dumps(info), encoding="utf8")  # layout 1
    assert cached_pool(tmp_path / "pool", info) is None
    with pytest.raises(ConfigError, match="older layout"):
        open_pool(tmp_path / "pool")
    assert len(write_pool(iter(items(4)), tmp_path / "pool", **info)) == 4  # written anew


WRITER = """
import sys
import numpy as np
from spacy_al.store.arrow_pool import open_pool
pool = open_pool(sys.argv[1])
value = float(sys.argv[2])
for _ in range(int(sys.argv[3])):
    pool.set_scores(np.full(len(pool), value), strategy=f"writer {value}")
"""


def test_two_sessions_storing_scores_at_once_leave_one_whole_index(tmp_path: Path) -> None:
    """Two processes rewrite the index over and over while this one opens the pool: every
    open sees a whole index of one writer, and what is left is the last writer's, whole."""
    folder = tmp_path / "pool"
    write_pool(iter(items(200)), folder)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(v), "40"])
               for v in (1.0, 2.0)]
    opened = 0
    while any(w.poll() is None for w in writers):
        scores = open_pool(folder).last_scores
        assert len(scores) == 200, scores  # NaN: before the first writer's first store
        assert np.isnan(scores).all() or len(np.unique(scores)) == 1, scores
        opened += 1
    assert [w.returncode for w in writers] == [0, 0] and opened > 0
    last = open_pool(folder)
    assert set(last.last_scores.tolist()) in ({1.0}, {2.0})
    assert not list(folder.glob("*.tmp")) and not (folder / "index").exists()


def test_cached_or_written_reads_the_source_only_when_the_cache_is_not_current(
        tmp_path: Path) -> None:
    source = tmp_path / "pool.txt"
    source.write_text("a b\n", encoding="utf8")
    info = source_info(source, "text")
    reads: list[int] = []

    def read(n: int) -> list:
        reads.append(n)
        return items(n)

    pool, reused = cached_or_written(tmp_path / "pool", info, lambda: read(3))
    assert (len(pool), reused, reads) == (3, False, [3])
    pool, reused = cached_or_written(tmp_path / "pool", info, lambda: read(4))
    assert (len(pool), reused, reads) == (3, True, [3])  # current: the source is not read
    pool, reused = cached_or_written(tmp_path / "pool", info, lambda: read(4), reuse=False)
    assert (len(pool), reused, reads) == (4, False, [3, 4])
