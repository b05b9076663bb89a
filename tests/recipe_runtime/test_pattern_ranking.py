"""``ner.manual --patterns`` on a big pool: the matches come in batches, the first before
the session starts and the rest from a background thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import spacy

from spacy_al.recipe_runtime import manual_pool
from spacy_al.recipe_runtime.manual_pool import PatternRanking
from spacy_al.recipe_runtime.patterns import PatternMatcher
from spacy_al.server.stream import PoolStream
from spacy_al.tasks import PoolItem, doc_item
from tests.recipe_runtime.test_patterns import write_patterns

TEXTS = ["Apple rose .", "Rain .", "John Smith left .", "Quiet .", "Apple fell .", "Snow ."]


class GatedMatcher(PatternMatcher):
    """The real matcher, held up on one sentence until the test opens the gate."""

    def __init__(self, path: Path, hold_at: str) -> None:
        super().__init__(path)
        self.hold_at, self.gate = hold_at, threading.Event()
        self.seen: list[tuple[threading.Thread, str]] = []
        """(thread, sentence) of every call."""

    def spans(self, tokens: Any) -> Any:
        text = " ".join(t["text"] for t in tokens)
        self.seen.append((threading.current_thread(), text))  # (an ident can be reused)
        if text == self.hold_at:
            assert self.gate.wait(30), "the test never opened the gate"
        return super().spans(tokens)


def _started(tmp_path: Path, hold_at: str
             ) -> tuple[dict[int, PoolItem], PoolStream, GatedMatcher, PatternRanking]:
    """A pass over the pool started, its matcher held up at ``hold_at``."""
    pool = _pool()
    stream = PoolStream(pool)
    matcher = GatedMatcher(write_patterns(tmp_path / "p.jsonl"), hold_at=hold_at)
    ranking = PatternRanking(stream, matcher, "sequential")
    ranking.start(pool)  # type: ignore[arg-type]
    return pool, stream, matcher, ranking


def _finish(ranking: PatternRanking) -> None:
    """Wait for the pass under way to match the whole pool (close() would stop it)."""
    assert ranking._thread is not None
    ranking._thread.join(30)
    assert not ranking._thread.is_alive()


def _pool() -> dict[int, PoolItem]:
    nlp = spacy.blank("en")
    items = [doc_item(nlp(text)) for text in TEXTS]
    return {item.input_hash: item for item in items}



def test_first_batch_before_the_session_the_rest_in_the_background(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manual_pool, "MATCH_BATCH", 2)
    monkeypatch.setattr(manual_pool, "PUBLISH_EVERY", 1)
    pool, stream, matcher, ranking = _started(tmp_path, hold_at="Apple fell .")
    served = [t["text"] for t in stream.next_batch("s", 10)]
    assert served[0] == "Apple rose ." and "Apple fell ." not in served  # not matched yet
    assert stream.truncated  # unmatched sentences follow, unranked
    matcher.gate.set()
    _finish(ranking)
    assert [pool[int(t["_input_hash"])].text for t in stream._order] == [
        "Apple rose .", "John Smith left .", "Apple fell ."]


def test_a_sentence_served_before_the_matcher_reached_it_keeps_its_matches(
        tmp_path: Path) -> None:
    pool = _pool()
    stream = PoolStream(pool)
    ranking = PatternRanking(stream, PatternMatcher(write_patterns(tmp_path / "p.jsonl")),
                             "random")
    item = next(i for i in pool.values() if i.text == "John Smith left .")
    task = ranking.unranked_task(item)
    assert [(s["label"], s["source"]) for s in task["spans"]] == [("PER", "pattern")]
    assert task["meta"] == {"order": "random", "pattern": True}
    plain = ranking.unranked_task(next(i for i in pool.values() if i.text == "Rain ."))
    assert plain["spans"] == [] and "pattern" not in plain["meta"]


def test_a_new_pass_stops_the_one_under_way(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manual_pool, "MATCH_BATCH", 1)
    pool, stream, matcher, ranking = _started(tmp_path, hold_at="Quiet .")
    old = ranking._thread
    assert old is not None
    threading.Timer(0.3, matcher.gate.set).start()  # after the new pass asked it to stop
    ranking.start(dict(reversed(pool.items())))  # type: ignore[arg-type]
    assert not old.is_alive()
    _finish(ranking)
    by_old = [text for thread, text in matcher.seen if thread is old]
    assert by_old == ["Rain .", "John Smith left .", "Quiet ."]  # stopped after its batch
    assert [pool[int(t["_input_hash"])].text for t in stream._order] == [
        "Apple fell .", "John Smith left .", "Apple rose ."]
