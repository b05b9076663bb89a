"""Which committed answers the live model loop trains on."""

from __future__ import annotations

from spacy_al.retraining.model_loop import trains


def test_accepted_and_rejected_binary_answers_train() -> None:
    assert trains({"answer": "accept", "_view_id": "ner_manual"})
    assert trains({"answer": "accept", "_view_id": "ner"})
    assert trains({"answer": "reject", "_view_id": "ner"}), "negative evidence (al-teach)"
    assert not trains({"answer": "reject", "_view_id": "ner_manual"})
    assert not trains({"answer": "ignore", "_view_id": "ner"})
