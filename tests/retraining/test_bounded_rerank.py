"""Bounded re-ranking after an update: the candidate set first, the rest in chunks."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import srsly

from spacy_al.recipe_runtime.sources import load_source
from spacy_al.retraining.model_loop import ModelLoop
from spacy_al.retraining.ranking_book import RankingBook
from spacy_al.retraining.service import ModelService, ModelSpec
from spacy_al.server.stream import PoolStream

NAMES = ["Ada", "Bob", "Cleo", "Dirk", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jan"]
PLACES = ["Oslo", "Rome", "Lima", "Kyiv"]


def _source(path: Path) -> Path:
    srsly.write_jsonl(path, [{"text": f"{n} went to {p} on day {i} ."}
                             for i, (n, p) in enumerate((n, p) for n in NAMES for p in PLACES)])
    return path


def _spec(model: Path, tmp_path: Path, m: int = 3, r: int = 2, seed: int = 0,
          bound: float = 0.0) -> ModelSpec:
    """``bound`` 0: no time to re-score more than M + R before a newer update (the bounded
    path of a large pool)."""
    return ModelSpec(model=str(model), output=str(tmp_path / "out"), rerank_candidates=m,
                     rerank_sample=r, min_steps=2, stop_set_size=0, rescore_seconds=bound,
                     seed=seed)


def _answer(task: dict) -> dict:
    first = task["tokens"][0]
    spans = [{"start": first["start"], "end": first["end"], "token_start": 0, "token_end": 0,
              "label": "PER"}]
    return dict(task, answer="accept", spans=spans, _session_id="ds-a")


def _wait(condition: Any, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_candidates_are_the_best_by_last_score_plus_a_seeded_sample(
        tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    service = ModelService(_spec(tok2vec_nlp_path, tmp_path, m=5, r=4))
    service.set_pool(load_source(_source(tmp_path / "pool.jsonl")))
    hashes = list(service.items)
    service.rank(hashes)
    assert set(service.scores) == set(hashes)  # the initial scoring fills the last scores
    first, rest = service.split_candidates(hashes)
    assert len(first) == 9 and sorted(first + rest.tolist()) == sorted(hashes)
    best = sorted(hashes, key=lambda h: -service.scores[h])[:5]
    assert first[:5] == best
    samples = []
    for seed in (0, 0, 1):  # the sample is seeded: the same seed draws the same
        other = ModelService(_spec(tok2vec_nlp_path, tmp_path, m=5, r=4, seed=seed))
        other.set_pool(service.items)
        other.scores = dict(service.scores)
        samples.append(other.split_candidates(hashes)[0][5:])
    assert samples[0] == samples[1] and samples[0] != samples[2]
    service.spec.rerank_candidates = service.spec.rerank_sample = 0
    everything, none = service.split_candidates(hashes)
    assert sorted(everything) == sorted(hashes) and len(none) == 0  # 0, 0: all at once



def test_ranking_book_keeps_every_sentence_reachable() -> None:
    book = RankingBook()
    book.add([{"_input_hash": h, "_task_hash": h, "_rank": float(h)} for h in range(6)])
    ranking = book.new_model([{"_input_hash": 1, "_task_hash": 11, "_rank": 0.5}], [1])
    assert [t["_input_hash"] for t in ranking] == [1, 5, 4, 3, 2, 0]
    assert book.share(6, set()) == pytest.approx(1 / 6)
    book.add([], [0, 2, 3, 4, 5])  # scored, no task (ner.al-teach may give none)
    assert book.share(6, set()) == 1.0 and [t["_task_hash"] for t in book.fresh_ranking()] == [11]


def _slow_loop(monkeypatch: pytest.MonkeyPatch, model: Path, tmp_path: Path,
               per_item: float, m: int = 3, r: int = 2, bound: float = 0.0,
               ) -> tuple[ModelLoop, PoolStream, list[tuple[Any, ...]]]:
    rank = ModelService.rank

    def slow_rank(self: ModelService, hashes: list[int]) -> list[dict[str, Any]]:
        if self.version > 0:
            time.sleep(per_item * len(hashes))
        return rank(self, hashes)

    monkeypatch.setattr(ModelService, "rank", slow_rank)
    stream = PoolStream(load_source(_source(tmp_path / "pool.jsonl")))
    loop = ModelLoop(stream, _spec(model, tmp_path, m, r, bound=bound), update_every=3,
                     worker="thread",
                     score_chunk=5)
    events: list[tuple[Any, ...]] = []
    handle = loop._handle

    def record(kind: str, payload: dict[str, Any]) -> None:
        handle(kind, payload)
        events.append((kind, payload.get("version"), payload.get("done"),
                       payload.get("partial"), stream.complete, len(loop.book.fresh),
                       set(stream.unanswered_items()) <= {t["_input_hash"] for t in stream._order},
                       loop.stats()["ranked_share"]))

    monkeypatch.setattr(loop, "_handle", record)
    return loop, stream, events


def _update(loop: ModelLoop, stream: PoolStream, session: str) -> list[dict[str, Any]]:
    batch = stream.next_batch(session, 3)
    stream.mark_answered(batch, session)
    loop.update([_answer(dict(t, _session_id=session)) for t in batch])
    return batch


def test_candidates_arrive_first_then_the_rest_merges(
        monkeypatch: pytest.MonkeyPatch, tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    loop, stream, events = _slow_loop(monkeypatch, tok2vec_nlp_path, tmp_path, 0.02)
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
        assert loop.stats()["ranked_share"] == 1.0
        _update(loop, stream, "a")
        _wait(lambda: any(e[0] == "trained" for e in events))
        _wait(lambda: any(e[0] == "scored" and e[1] == 1 and e[2] for e in events))
        after = [e for e in events if e[1] == 1]
        trained = after[0]
        assert trained[0] == "trained" and trained[3] is True and trained[4] is False
        assert trained[5] == 5  # the candidate set only, before the rest is re-scored
        assert trained[7] == pytest.approx(5 / 37, abs=1e-4)  # ranked_share: 5 of 37 unanswered
        assert [e[0] for e in after[1:]] == ["scored"] * 7 and after[-1][4] is True
        assert all(e[6] for e in after)  # every unanswered sentence stays in the ranking
        assert loop.stats()["ranked_share"] == 1.0 and loop.state == "idle"
        unanswered = set(stream.unanswered_items())
        served = {t["_input_hash"] for t in stream.next_batch("b", 100)}
        assert served <= unanswered and len(served) >= 20
        assert loop.stats()["history"][-1]["rescored"] == 5
    finally:
        loop.close()


def test_a_newer_update_abandons_the_stale_rescoring(
        monkeypatch: pytest.MonkeyPatch, tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    loop, stream, events = _slow_loop(monkeypatch, tok2vec_nlp_path, tmp_path, 0.1)
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
        _update(loop, stream, "a")
        _wait(lambda: any(e[0] == "trained" for e in events))
        assert loop.state == "rescoring"  # idle for training: the next update starts at once
        first = _update(loop, stream, "b")
        assert first and loop.state == "training"
        _wait(lambda: any(e[0] == "scored" and e[1] == 2 and e[2] for e in events), 120)
        assert not [e for e in events if e[0] == "scored" and e[1] == 1 and e[2]]
        assert len([e for e in events if e[0] == "scored" and e[1] == 1]) < 7
        assert loop.stats()["n_updates"] == 2 and loop.stats()["ranked_share"] == 1.0
    finally:
        loop.close()


def test_zero_candidates_rescore_everything_at_once(
        monkeypatch: pytest.MonkeyPatch, tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    loop, stream, events = _slow_loop(monkeypatch, tok2vec_nlp_path, tmp_path, 0.0, 0, 0)
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
        _update(loop, stream, "a")
        _wait(lambda: any(e[0] == "trained" for e in events))
        after = [e for e in events if e[1] == 1]
        assert [e[0] for e in after] == ["trained"] and after[0][3] is False
        assert after[0][4] is True and loop.state == "idle"
        assert loop.stats()["ranked_share"] == 1.0
        assert loop.stats()["history"][-1]["rescored"] == 37
    finally:
        loop.close()


def test_within_the_bound_the_whole_pool_is_rescored_before_a_newer_update(
        monkeypatch: pytest.MonkeyPatch, tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    loop, stream, events = _slow_loop(monkeypatch, tok2vec_nlp_path, tmp_path, 0.05,
                                      bound=60.0)
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
        _update(loop, stream, "a")
        _wait(lambda: any(e[0] == "trained" for e in events))
        _update(loop, stream, "b")  # a newer update while the rest is re-scored
        _wait(lambda: any(e[0] == "trained" and e[1] == 2 for e in events), 120)
        first = [e for e in events if e[1] == 1]
        assert [e[0] for e in first] == ["trained"] + ["scored"] * 7 and first[-1][2]
        assert events.index(first[-1]) < next(i for i, e in enumerate(events)
                                               if e[0] == "trained" and e[1] == 2)
        assert loop.stats()["history"][0]["whole_rescore_seconds"] > 0
    finally:
        loop.close()
