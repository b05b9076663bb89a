"""Two sessions answering one task at the same instant: exactly one first answer, the one
committed first (the README's rule), under any interleaving."""

from __future__ import annotations

import threading
from pathlib import Path

import srsly

from spacy_al.recipe_runtime.launch import build_controller
from spacy_al.store.export import SECOND, resolve_second_answers

RACES = 200


def _race(ctrl, task: dict, barrier: threading.Barrier, results: dict[str, int]) -> None:
    def answer(session: str) -> None:
        barrier.wait()
        reply = ctrl.give_answers({"answers": [dict(task, answer="accept", spans=[])],
                                   "session_id": session})
        results[session] = reply["saved"]

    threads = [threading.Thread(target=answer, args=(name,)) for name in ("anna", "bert")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


def test_two_sessions_racing_200_times_store_one_first_answer_each(tmp_path: Path) -> None:
    source = tmp_path / "race.jsonl"
    srsly.write_jsonl(source, [{"text": f"Race {i} starts in Paris ."} for i in range(RACES + 5)])
    ctrl = build_controller("ner.manual", ["ds", str(source), "--label", "PER,LOC",
                                           "--batch-size", "1"], db_path=tmp_path / "race.db")
    barrier = threading.Barrier(2)
    for _ in range(RACES):
        task = ctrl.get_questions("anna")["tasks"][0]  # served to anna, never to bert
        results: dict[str, int] = {}
        _race(ctrl, task, barrier, results)
        assert results == {"anna": 1, "bert": 1}  # both kept: nothing lost
    stored = ctrl.db.get_dataset_examples("ds")  # in commit order
    assert len(stored) == 2 * RACES
    by_sentence: dict[int, list[dict]] = {}
    for eg in stored:
        by_sentence.setdefault(eg["_input_hash"], []).append(eg)
    assert len(by_sentence) == RACES
    for first, later in by_sentence.values():
        assert SECOND not in first  # the answer committed first is the first answer
        assert later[SECOND] == first["_session_id"] != later["_session_id"]
    kept, dropped = resolve_second_answers(stored)
    assert dropped == RACES and all(SECOND not in eg for eg in kept)
