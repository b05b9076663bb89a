"""Task format and hashes (Prodigy's contract)."""

from __future__ import annotations

import spacy

from spacy_al.tasks import (
    answer_doc,
    answer_to_example,
    doc_tokens,
    hash32,
    input_hash_of,
    set_hashes,
    task_hash_of,
)


def test_hashes_are_stable_signed_32_bit() -> None:
    value = hash32({"text": "Hello"})
    assert value == hash32({"text": "Hello"})
    assert -(2**31) <= value < 2**31
    assert value != hash32({"text": "Hello!"})


def test_set_hashes_input_and_task_keys() -> None:
    task = set_hashes({"text": "Ada Lovelace", "spans": [{"start": 0, "end": 3, "label": "PER"}]})
    same_text = set_hashes({"text": "Ada Lovelace", "spans": []})
    expected = input_hash_of({"text": "Ada Lovelace"})
    assert task["_input_hash"] == same_text["_input_hash"] == expected
    assert task["_task_hash"] != same_text["_task_hash"]
    # extra span keys (score, text) do not change the question
    scored = {"spans": [{"start": 0, "end": 3, "label": "PER", "score": 0.3, "text": "Ada"}]}
    assert task_hash_of(task["_input_hash"], scored) == task["_task_hash"]


def test_set_hashes_keeps_given_hashes_unless_overwrite() -> None:
    task = {"text": "x", "_input_hash": 1, "_task_hash": 2}
    assert set_hashes(dict(task))["_task_hash"] == 2
    assert set_hashes(dict(task), overwrite=True)["_input_hash"] == input_hash_of({"text": "x"})


def test_doc_tokens_follow_prodigy() -> None:
    doc = spacy.blank("en")("Hi there!")
    assert doc_tokens(doc) == [
        {"text": "Hi", "start": 0, "end": 2, "id": 0, "ws": True},
        {"text": "there", "start": 3, "end": 8, "id": 1, "ws": False},
        {"text": "!", "start": 8, "end": 9, "id": 2, "ws": False},
    ]


def _task(view_id: str) -> dict:
    doc = spacy.blank("en")("Ada Lovelace met Babbage")
    return {"text": doc.text, "tokens": doc_tokens(doc), "_view_id": view_id, "answer": "accept",
            "spans": [{"start": 0, "end": 12, "token_start": 0, "token_end": 1,
                       "label": "PER"}]}


def test_complete_answer_sets_outside_tokens() -> None:
    vocab = spacy.blank("en").vocab
    doc = answer_doc(vocab, _task("ner_manual"), complete=True)
    assert [(e.text, e.label_) for e in doc.ents] == [("Ada Lovelace", "PER")]
    assert [t.ent_iob_ for t in doc] == ["B", "I", "O", "O"]


def test_binary_answer_leaves_other_tokens_missing() -> None:
    vocab = spacy.blank("en").vocab
    example = answer_to_example(vocab, _task("ner"))
    assert [t.ent_iob_ for t in example.reference] == ["B", "I", "", ""]
    assert [t.text for t in example.predicted] == ["Ada", "Lovelace", "met", "Babbage"]
