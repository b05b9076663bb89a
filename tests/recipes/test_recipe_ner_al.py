"""``ner.al-correct`` and ``ner.al-teach`` with a small tok2vec pipeline (thread worker)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from spacy_al.errors import UnknownLabelError
from spacy_al.recipe_runtime import get_recipe, recipe_help
from spacy_al.recipes.ner_al import al_correct, al_teach


def _ready(components: dict, timeout: float = 60.0) -> dict:
    stream = components["stream"]
    deadline = time.monotonic() + timeout
    while not stream.complete:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return components


def test_al_correct_contract(tok2vec_nlp_path: Path, texts_jsonl: Path, tmp_path: Path) -> None:
    components = al_correct("ds", str(tok2vec_nlp_path), str(texts_jsonl), worker="thread",
                            output=str(tmp_path / "out"), update_every=5)
    try:
        _ready(components)
        assert {"dataset", "stream", "update", "view_id", "config", "exclude",
                "on_exit"} <= set(components)
        assert components["view_id"] == "ner_manual"
        config = components["config"]
        assert config["labels"] == ["PER", "ORG", "LOC"] and config["update_every"] == 5
        tasks = components["stream"].next_batch("ds-a", 10)
        scores = [t["meta"]["score"] for t in tasks]
        assert len(tasks) == 6 and scores == sorted(scores, reverse=True)
        assert all(t["meta"]["strategy"].endswith("MNLP.v1") for t in tasks)
        assert components["stats"]()["state"] == "idle"
    finally:
        components["on_exit"](None)


def test_al_teach_one_span_per_task(tok2vec_nlp_path: Path, texts_jsonl: Path,
                                    tmp_path: Path) -> None:
    components = al_teach("ds", str(tok2vec_nlp_path), str(texts_jsonl), worker="thread",
                          output=str(tmp_path / "out"), label=["PER", "LOC"],
                          strategy="token_entropy")
    try:
        _ready(components)
        assert components["view_id"] == "ner"
        tasks = components["stream"].next_batch("ds-a", 50)
        assert tasks and all(len(t["spans"]) == 1 for t in tasks)
        assert all(t["spans"][0]["label"] in ("PER", "LOC") for t in tasks)
        uncertainty = [t["meta"]["uncertainty"] for t in tasks]
        assert uncertainty == sorted(uncertainty, reverse=True)
    finally:
        components["on_exit"](None)


def test_unknown_label_for_a_trained_model(tok2vec_nlp_path: Path, texts_jsonl: Path) -> None:
    with pytest.raises(UnknownLabelError, match="MISC"):
        al_correct("ds", str(tok2vec_nlp_path), str(texts_jsonl), label=["PER", "MISC"],
                   worker="thread")


def test_registered_with_help() -> None:
    assert get_recipe("ner.al-correct") is al_correct
    assert get_recipe("ner.al-teach") is al_teach
    help_text = recipe_help(al_correct)
    assert "--strategy" in help_text and "least sure" in help_text


@pytest.mark.slow
def test_al_correct_on_the_embedded_model(tmp_path: Path) -> None:
    """The README's default: embedded MiniLM, WikiGold sample; one real update on CPU."""
    components = al_correct("wikigold_al", "default", "wikigold", limit=60, update_every=8,
                            worker="thread", output=str(tmp_path / "model"))
    try:
        _ready(components, timeout=600)
        stream = components["stream"]
        tasks = stream.next_batch("ds-a", 10)
        answers = [dict(t, answer="accept", _session_id="ds-a") for t in tasks]
        stream.mark_answered(answers, "ds-a")
        components["update"](answers)
        deadline = time.monotonic() + 600
        while components["stats"]()["n_updates"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert (tmp_path / "model" / "al_ner").is_dir()
    finally:
        components["on_exit"](None)
