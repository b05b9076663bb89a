"""``annotations_per_task``: each sentence goes to N distinct sessions, then to no one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest
import srsly

from spacy_al.errors import ConfigError
from spacy_al.server.controller import Controller
from spacy_al.server.stream import PoolStream
from spacy_al.store.database import Database
from tests.server.test_stream import _items, _ranking


def _stream(n: int = 6, per_task: int = 2, **kwargs: object) -> PoolStream:
    items = _items(n)
    stream = PoolStream(items, annotations_per_task=per_task, **kwargs)  # type: ignore[arg-type]
    stream.set_ranking(_ranking(items))
    return stream


def _hashes(tasks: list[dict]) -> list[int]:
    return [t["_input_hash"] for t in tasks]


def test_a_question_is_reserved_for_up_to_n_sessions() -> None:
    stream = _stream(4, per_task=2)
    assert _hashes(stream.next_batch("ds-a", 2)) == [0, 1]
    assert _hashes(stream.next_batch("ds-b", 2)) == [0, 1]  # the second session: same ones
    assert _hashes(stream.next_batch("ds-c", 2)) == [2, 3]  # 0 and 1 are held by two
    assert _hashes(stream.next_batch("ds-a", 2)) == [2, 3]  # a's own are not served twice


def test_done_after_n_answers_from_distinct_sessions() -> None:
    stream = _stream(3, per_task=2)
    a = stream.next_batch("ds-a", 3)
    stream.mark_answered(a, "ds-a")
    assert stream.progress() == 0.0 and stream.n_open("ds-a") == 0 and stream.n_open() == 3
    assert stream.next_batch("ds-a", 3) == []  # never its own answered questions again
    b = stream.next_batch("ds-b", 3)
    assert _hashes(b) == [0, 1, 2]
    stream.mark_answered(b[:2], "ds-b")
    assert stream.progress() == pytest.approx(2 / 3)
    assert _hashes(stream.next_batch("ds-c", 3)) == []  # 2 is held by b
    stream.mark_answered(b[2:], "ds-b")
    assert stream.progress() == 1.0 and stream.next_batch("ds-c", 3) == []


def test_answers_beyond_n_are_marked_second_ones() -> None:
    stream = _stream(1, per_task=2)
    task = stream.next_batch("ds-a", 1)[0]
    assert stream.answered_before(task, "ds-a") is None
    stream.mark_answered([task], "ds-a")
    assert stream.answered_before(task, "ds-b") is None  # the second of two: expected
    stream.mark_answered([task], "ds-b")
    assert stream.answered_before(task, "ds-a") is None  # a resend
    assert stream.answered_before(task, "ds-c") == "ds-a"


def test_stale_reservations_give_way() -> None:
    stream = _stream(1, per_task=2, reservation_timeout=0.0)
    stream.next_batch("ds-a", 1)
    stream.next_batch("ds-b", 1)
    assert _hashes(stream.next_batch("ds-c", 1)) == [0]


def test_controller_restores_counts_and_refuses_feed_overlap(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")
    components = {"dataset": "ds", "view_id": "ner_manual", "stream": _stream(3, per_task=1),
                  "config": {"annotations_per_task": 2, "labels": ["LOC"]}}
    controller = Controller(components, db)
    first = controller.get_questions("a")["tasks"]
    controller.give_answers({"answers": [dict(first[0], answer="accept", spans=[])],
                             "session_id": "a"})
    # a restarted server knows that ds-a answered item 0 once: it goes to one more session
    again = Controller({**components, "stream": _stream(3, per_task=1)}, db)
    assert _hashes(again.get_questions("a")["tasks"]) == [1, 2]
    assert _hashes(again.get_questions("b")["tasks"]) == [0, 1, 2]
    assert again.progress("a")["remaining"] == 2
    with pytest.raises(ConfigError):
        Controller({**components, "stream": _stream(3, per_task=1, feed_overlap=True)}, db)
    with pytest.raises(ConfigError):
        Controller({**components, "config": {"annotations_per_task": 0}}, db)


def _ask(client: httpx.Client, session: str) -> list[dict]:
    response = client.post("/get_session_questions", json={"session_id": session})
    assert response.status_code == 200, response.text
    return response.json()["tasks"]


def test_each_sentence_goes_to_exactly_two_sessions(tmp_path: Path, server_factory) -> None:
    texts = [f"Item {i} was seen in Berlin ." for i in range(6)]
    source = tmp_path / "pool.jsonl"
    srsly.write_jsonl(source, [{"text": text} for text in texts])
    db = tmp_path / "pool.db"
    server = server_factory(["ner.manual", "pool", str(source), "--label", "LOC",
                             "--batch-size", "4", "--annotations-per-task", "2"], db)
    served: Counter[int] = Counter()
    by_session: dict[str, set[int]] = {}
    with server.client() as client:
        for _ in range(4):  # rounds: every session asks, answers all it got
            for session in ("anna", "bert", "cleo"):
                tasks = _ask(client, session)
                mine = by_session.setdefault(session, set())
                assert not mine & set(_hashes(tasks)), "a session got a sentence twice"
                mine.update(_hashes(tasks))
                served.update(_hashes(tasks))
                if tasks:
                    answers = [dict(t, answer="accept", spans=[]) for t in tasks]
                    response = client.post("/give_answers",
                                           json={"answers": answers, "session_id": session})
                    assert response.status_code == 200, response.text
        assert sorted(served.values()) == [2] * len(texts)
        assert all(_ask(client, s) == [] for s in ("anna", "bert", "cleo", "dora"))
        assert client.get("/progress", params={"session_id": "dora"}).json()["progress"] == 1.0
    stored = Database(db).get_dataset_examples("pool")
    assert len(stored) == 2 * len(texts)
    assert not [eg for eg in stored if eg.get("_answered_before_by")]
    per_sentence = Counter(eg["_input_hash"] for eg in stored)
    assert set(per_sentence.values()) == {2}
    assert all(len({eg["_session_id"] for eg in stored if eg["_input_hash"] == h}) == 2
               for h in per_sentence)
