"""``ner.manual``: the recipe contract, order, labels, pre-annotations, sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy_al.recipes.ner_manual import ner_manual

from spacy_al.errors import ConfigError, CorpusFormatError
from spacy_al.recipe_runtime import get_recipe, recipe_help


def _texts(components: dict, n: int = 100) -> list[str]:
    return [t["text"] for t in components["stream"].next_batch("ds-test", n)]


def test_contract(texts_jsonl: Path) -> None:
    components = ner_manual("ds", str(texts_jsonl), label=["PER", "ORG"])
    assert {"dataset", "stream", "view_id", "config"} <= set(components)
    assert components["view_id"] == "ner_manual" and components["dataset"] == "ds"
    assert components["config"]["labels"] == ["PER", "ORG"]
    assert get_recipe("ner.manual") is ner_manual
    assert "--order" in recipe_help(ner_manual)


def test_sequential_keeps_file_order_and_pre_annotations(texts_jsonl: Path) -> None:
    components = ner_manual("ds", str(texts_jsonl), label=["PER"])
    tasks = components["stream"].next_batch("ds-test", 10)
    assert tasks[0]["text"].startswith("Angela Merkel") and len(tasks) == 6
    assert tasks[0]["spans"] == [{"start": 0, "end": 13, "token_start": 0, "token_end": 1,
                                  "label": "PER"}]
    assert tasks[0]["meta"]["order"] == "sequential"


def test_random_order_is_a_seeded_shuffle(texts_jsonl: Path) -> None:
    sequential = _texts(ner_manual("ds", str(texts_jsonl), label=["PER"]))
    shuffled = _texts(ner_manual("ds", str(texts_jsonl), label=["PER"], order="random", seed=3))
    assert sorted(shuffled) == sorted(sequential) and shuffled != sequential
    assert shuffled == _texts(ner_manual("ds", str(texts_jsonl), label=["PER"], order="random",
                                         seed=3))


def test_text_and_conll_sources(tmp_path: Path) -> None:
    text = tmp_path / "lines.txt"
    text.write_text("First line here.\n\nSecond line, there.\n")
    assert _texts(ner_manual("ds", str(text), label=["PER"])) == ["First line here.",
                                                                   "Second line, there."]
    conll = tmp_path / "tiny.conll"
    conll.write_text("Anna B-PER\nlives O\nhere O\n\nBob B-PER\n")
    tasks = ner_manual("ds", str(conll), label=["PER"])["stream"].next_batch("ds-t", 5)
    assert [t["text"] for t in tasks] == ["Anna lives here", "Bob"]
    assert all(t["spans"] == [] for t in tasks)  # gold is not shown to the annotator


def test_bundled_sample_gives_its_labels() -> None:
    components = ner_manual()
    assert components["config"]["labels"] == ["PER", "ORG", "LOC", "MISC"]
    assert len(components["stream"].items) > 1000


def test_errors(texts_jsonl: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="No labels"):
        ner_manual("ds", str(texts_jsonl))
    with pytest.raises(ConfigError, match="order"):
        ner_manual("ds", str(texts_jsonl), label=["PER"], order="backwards")
    with pytest.raises(CorpusFormatError, match="no such file"):
        ner_manual("ds", str(tmp_path / "missing.jsonl"), label=["PER"])
