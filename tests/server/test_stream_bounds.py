"""PoolStream's bounds on reservations, and who answered first (defects 6 and 7)."""

from __future__ import annotations

from spacy_al.server.stream import PoolStream
from tests.server.test_stream import _stream


def _held(stream: PoolStream) -> int:
    return stream.reservations.count()


def test_reservations_never_pass_half_the_pool() -> None:
    stream = _stream(100, max_outstanding=6, max_sessions=1000)
    assert stream.reservation_cap() == 50
    for k in range(60):  # 60 made-up sessions, each asking until it holds its maximum
        for _ in range(3):
            stream.next_batch(f"flood-{k}", 3)
        assert _held(stream) <= 50
    assert len(stream.next_batch("alice", 3)) == 3  # a newcomer is served at once
    assert stream.n_open() == 100  # nothing was answered: all of it is still to do


def test_at_most_max_sessions_hold_reservations() -> None:
    stream = _stream(100, max_sessions=3)
    for name in ("a", "b", "c"):
        stream.next_batch(name, 2)
    stream.next_batch("a", 2)  # a is active again: b is now the least recently active
    stream.next_batch("d", 2)
    holders = stream.reservations.holders()
    assert holders == {"a", "c", "d"}
    released = stream.release("a")
    assert released == 4 and stream.reservations.holders() == {"c", "d"}


def test_answered_by_names_the_first_session() -> None:
    stream = _stream(5)
    task = stream.next_batch("ds-a", 1)[0]
    stream.mark_answered([task], "ds-b")
    stream.mark_answered([task], "ds-a")
    assert stream.answered_by(task) == "ds-b"
    stream.record_answered_by({task["_input_hash"]: "ds-old"})
    assert stream.answered_by(task) == "ds-b"
    assert _stream(5, feed_overlap=True).answered_by(task) is None
