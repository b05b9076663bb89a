"""No question is served with the spans of a model two versions old."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spacy_al.recipe_runtime.sources import load_source
from spacy_al.retraining.candidates import split_candidates
from spacy_al.retraining.ranking_book import RankingBook
from spacy_al.server.stream import PoolStream


def _tasks(hashes: list[int], version: int) -> list[dict]:
    return [{"_input_hash": h, "_task_hash": h, "_rank": 1.0 / (i + 1),
             "spans": [{"token_start": 0, "token_end": 0, "label": f"v{version}"}],
             "meta": {"model_version": version}} for i, h in enumerate(hashes)]


def test_a_question_served_again_shows_the_current_models_spans(source_jsonl: Path) -> None:
    items = load_source(source_jsonl)
    hashes = [item.input_hash for item in items]
    stream = PoolStream(items, max_outstanding=3)
    stream.set_ranking(_tasks(hashes, 0))
    held = stream.next_batch("ds-a", 3)
    assert [t["meta"]["model_version"] for t in held] == [0, 0, 0]
    assert sorted(stream.reserved_inputs()) == sorted(t["_input_hash"] for t in held)
    stream.set_ranking(_tasks(hashes[::-1], 2))  # two updates later
    again = stream.next_batch("ds-a", 3)  # a reloaded page: its own questions again
    assert [t["_input_hash"] for t in again] == [t["_input_hash"] for t in held]
    assert all(t["meta"]["model_version"] == 2 and t["spans"][0]["label"] == "v2"
               for t in again)


def test_reserved_sentences_are_rescored_first() -> None:
    hashes = np.arange(50, dtype=np.int64)
    last = np.linspace(1.0, 0.0, 50)
    first, rest = split_candidates(hashes, last, np.random.default_rng(0), best=2, capacity=6,
                                   reserved=np.array([40, 45, 49]))
    assert set(first.tolist()) >= {0, 1, 40, 45, 49} and len(first) == 6
    assert len(rest) == 44


def test_the_ranking_leaves_out_tasks_two_versions_old() -> None:
    book = RankingBook()
    book.add(_tasks([1, 2, 3], 0))
    ranking = book.new_model(_tasks([1], 1), [1], version=1)
    assert [t["_input_hash"] for t in ranking] == [1, 2, 3]  # one version old: kept below
    book.add(_tasks([2], 1), [2])
    ranking = book.new_model(_tasks([1], 2), [1], version=2)
    assert [(t["_input_hash"], t["meta"]["model_version"]) for t in ranking] == [(1, 2), (2, 1)]
