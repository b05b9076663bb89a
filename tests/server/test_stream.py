"""PoolStream: ranking swaps, reservations, exclusion, sessions."""

from __future__ import annotations

import threading

from spacy_al.retraining.ranking_book import RankingBook
from spacy_al.server.stream import PoolStream
from spacy_al.tasks import PoolItem, base_task, set_hashes


def _items(n: int) -> list[PoolItem]:
    return [PoolItem(i, f"text {i}", [{"text": "text", "start": 0, "end": 4, "id": 0, "ws": True},
                                      {"text": str(i), "start": 5, "end": 5 + len(str(i)),
                                       "id": 1, "ws": False}]) for i in range(n)]


def _ranking(items: list[PoolItem], reverse: bool = False) -> list[dict]:
    tasks = [set_hashes(base_task(item, "ner_manual"), task_keys=()) for item in items]
    return tasks[::-1] if reverse else tasks


def _stream(n: int = 10, **kwargs: object) -> PoolStream:
    items = _items(n)
    stream = PoolStream(items, **kwargs)  # type: ignore[arg-type]
    stream.set_ranking(_ranking(items))
    return stream


def test_sessions_get_disjoint_batches() -> None:
    stream = _stream(10)
    a = [t["_input_hash"] for t in stream.next_batch("ds-a", 4)]
    b = [t["_input_hash"] for t in stream.next_batch("ds-b", 4)]
    assert a == [0, 1, 2, 3] and b == [4, 5, 6, 7]
    assert all(t["_session_id"] == "ds-a" for t in stream.next_batch("ds-a", 1))


def test_answered_tasks_never_come_back() -> None:
    stream = _stream(5)
    batch = stream.next_batch("ds-a", 5)
    stream.mark_answered(batch[:3], "ds-a")
    assert [t["_input_hash"] for t in stream.next_batch("ds-b", 5)] == []
    # the session's own unanswered tasks come back when nothing else is left (page reload)
    assert [t["_input_hash"] for t in stream.next_batch("ds-a", 5)] == [3, 4]
    assert stream.progress() == 0.6


def test_reservations_expire() -> None:
    stream = _stream(3, reservation_timeout=0.0)
    stream.next_batch("ds-a", 3)
    assert len(stream.next_batch("ds-b", 3)) == 3


def test_ranking_swap_keeps_exclusions() -> None:
    items = _items(6)
    stream = PoolStream(items)
    stream.set_ranking(_ranking(items))
    stream.mark_answered(stream.next_batch("ds-a", 2), "ds-a")
    stream.set_ranking(_ranking(items, reverse=True))
    assert [t["_input_hash"] for t in stream.next_batch("ds-a", 10)] == [5, 4, 3, 2]
    assert stream.version == 2


def test_chunks_merge_by_rank() -> None:
    items = _items(4)
    stream = PoolStream(items)
    tasks = _ranking(items)
    for task, rank in zip(tasks, [0.1, 0.9, 0.5, 0.7], strict=True):
        task["_rank"] = rank
    book = RankingBook()  # what the model loop swaps in, chunk by chunk
    book.add(tasks[:2])
    stream.set_ranking(book.ranking(), complete=False, version=0)
    book.add(tasks[2:])
    stream.set_ranking(book.ranking(), complete=True, version=0)
    assert stream.version == 0
    served = stream.next_batch("ds-a", 4)
    assert [t["_input_hash"] for t in served] == [1, 3, 2, 0]
    assert "_rank" not in served[0]


def test_feed_overlap_gives_everyone_everything() -> None:
    stream = _stream(3, feed_overlap=True)
    a = stream.next_batch("ds-a", 3)
    assert len(stream.next_batch("ds-b", 3)) == 3
    stream.mark_answered(a, "ds-a")
    assert stream.next_batch("ds-a", 3) == []
    assert stream.progress("ds-a") == 1.0 and stream.progress("ds-b") == 0.0


def test_lookup_recomputes_hashes() -> None:
    stream = _stream(3)
    task = stream.next_batch("ds-a", 1)[0]
    assert stream.lookup(task) is stream.items[0]
    assert stream.lookup(dict(task, _task_hash=task["_task_hash"] + 1)) is None
    assert stream.lookup(dict(task, _input_hash=999)) is None


def test_concurrent_sessions_never_share_a_task() -> None:
    stream = _stream(400)
    seen: list[int] = []
    lock = threading.Lock()

    def annotate(name: str) -> None:
        while batch := stream.next_batch(name, 3):
            with lock:
                seen.extend(t["_input_hash"] for t in batch)
            stream.mark_answered(batch, name)

    threads = [threading.Thread(target=annotate, args=(f"ds-{k}",)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(400))


def test_a_session_cannot_hoard_the_pool() -> None:
    stream = _stream(50, max_outstanding=6)
    first = [t["_input_hash"] for t in stream.next_batch("ds-a", 4)]
    second = [t["_input_hash"] for t in stream.next_batch("ds-a", 4)]
    assert first == [0, 1, 2, 3] and second == [4, 5, 6, 7]
    # 8 unanswered tasks >= 6: the oldest come back instead of new ones (a reloaded page)
    assert [t["_input_hash"] for t in stream.next_batch("ds-a", 4)] == [0, 1, 2, 3]
    stream.mark_answered([{"_input_hash": k} for k in range(8)], "ds-a")
    assert [t["_input_hash"] for t in stream.next_batch("ds-a", 4)] == [8, 9, 10, 11]
    assert [t["_input_hash"] for t in stream.next_batch("ds-b", 2)] == [12, 13]


def test_unranked_items_are_served_while_scoring() -> None:
    items = _items(6)
    tasks = _ranking(items)

    def unranked(item: PoolItem) -> dict:
        return set_hashes(dict(base_task(item, "ner_manual"), meta={"score": None}),
                          task_keys=())

    stream = PoolStream(items, unranked=unranked)
    stream.set_ranking([dict(tasks[5], _rank=1.0)], complete=False)
    served = stream.next_batch("ds-a", 3)
    assert [t["_input_hash"] for t in served] == [5, 0, 1]
    assert stream.lookup(dict(served[1], answer="accept")) is items[0]
    stream.set_ranking([dict(tasks[5], _rank=1.0)] + [dict(t, _rank=0.5) for t in tasks[:5]],
                       complete=True)
    assert [t["_input_hash"] for t in stream.next_batch("ds-b", 10)] == [2, 3, 4]


def test_asking_for_no_tasks_reserves_nothing() -> None:
    from spacy_al.server.stream import PoolStream as Stream
    from spacy_al.tasks import PoolItem as Item

    stream = Stream([Item(i, f"text {i}", [{"text": "t", "start": 0, "end": 1}])
                     for i in range(3)])
    stream.set_ranking([{"_input_hash": i, "_task_hash": 100 + i, "_view_id": "ner_manual",
                         "meta": {}} for i in range(3)])
    assert stream.next_batch("alice", 0) == []
    assert len(stream.next_batch("bob", 3)) == 3, "nothing was held for alice"
