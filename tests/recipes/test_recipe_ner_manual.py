"""``ner.manual``: the recipe contract, order, labels, pre-annotations, sources."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from spacy_al.errors import ConfigError, CorpusFormatError
from spacy_al.recipe_runtime import get_recipe, manual_pool, recipe_help
from spacy_al.recipes.ner_manual import ner_manual
from spacy_al.store.pool_items import ArrowItems


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


def test_prodigy_signature_with_a_tokenizer(texts_jsonl: Path) -> None:
    """``ner.manual DATASET blank:en SOURCE`` as in Prodigy: the same questions."""
    plain = ner_manual("ds", str(texts_jsonl), label=["PER"])
    prodigy = ner_manual("ds", "blank:en", str(texts_jsonl), label=["PER"])
    assert _texts(prodigy) == _texts(plain)
    with pytest.raises(ConfigError, match="SPACY_MODEL 'en_core_web_sm'"):
        ner_manual("ds", "en_core_web_sm", str(texts_jsonl), label=["PER"])


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


CONLL2003 = ("-DOCSTART- -X- -X- O\n\nACME NNP B-NP B-ORG\nrejects VBZ B-VP O\nDutch JJ B-NP "
             "B-MISC\ncall NN I-NP O\n\nAnna NNP B-NP B-PER\nBerglund NNP I-NP I-PER\n\n"
             "-DOCSTART- -X- -X- O\n\nUTRECHT NNP B-NP B-LOC\n2026-08-22 CD I-NP O\n")


def test_conll_named_txt_is_read_as_conll(tmp_path: Path) -> None:
    source = tmp_path / "train.txt"
    source.write_text(CONLL2003)
    assert _texts(ner_manual("ds", str(source), label=["PER"])) == [
        "ACME rejects Dutch call", "Anna Berglund", "UTRECHT 2026-08-22"]
    with pytest.raises(CorpusFormatError, match="column file.*--loader conll"):
        ner_manual("ds", str(source), label=["PER"], loader="text")  # token lines as questions
    with pytest.raises(CorpusFormatError, match="unknown loader 'xml'"):
        ner_manual("ds", str(source), label=["PER"], loader="xml")


def test_hf_dataset_source(tmp_path: Path) -> None:
    import datasets

    path = tmp_path / "hf"
    datasets.DatasetDict({"validation": datasets.Dataset.from_dict(
        {"tokens": [["Ada", "wrote"], ["Bob", "ran"]], "ner_tags": [["B-PER", "O"],
                                                                    ["B-PER", "O"]]})}
    ).save_to_disk(str(path))
    components = ner_manual("ds", str(path), label=["PER"], loader="hf", split="validation")
    assert _texts(components) == ["Ada wrote", "Bob ran"]


def test_hf_class_label_names_are_the_default_labels(tmp_path: Path) -> None:
    import datasets

    tags = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
    features = datasets.Features({"tokens": datasets.Sequence(datasets.Value("string")),
                                  "ner_tags": datasets.Sequence(datasets.ClassLabel(names=tags))})
    path = tmp_path / "hf_labels"
    datasets.DatasetDict({"train": datasets.Dataset.from_dict(
        {"tokens": [["Ada", "wrote"]], "ner_tags": [[1, 0]]}, features=features)}
    ).save_to_disk(str(path))
    components = ner_manual("ds", str(path))  # --loader auto tells it is a dataset
    assert components["config"]["labels"] == ["PER", "ORG", "LOC"]
    assert ner_manual("ds", str(path), label=["ORG"])["config"]["labels"] == ["ORG"]
    strings = tmp_path / "strings.parquet"  # tags as strings: no names to take
    datasets.Dataset.from_dict({"tokens": [["Ada"]], "ner_tags": [["B-PER"]]}).to_parquet(
        str(strings))
    with pytest.raises(ConfigError, match="No labels"):
        ner_manual("ds", str(strings))


def _write_source(kind: str, folder: Path) -> Path:
    if kind == "conll":
        path = folder / "train.txt"
        path.write_text(CONLL2003)
        return path
    import datasets

    path = folder / "train.parquet"
    datasets.Dataset.from_dict({"tokens": [["ACME", "rejects", "Dutch", "call"],
                                           ["Anna", "Berglund"], ["UTRECHT", "2026-08-22"]],
                                "ner_tags": [["B-ORG", "O", "B-MISC", "O"], ["B-PER", "I-PER"],
                                             ["B-LOC", "O"]]}).to_parquet(str(path))
    return path


@pytest.mark.parametrize("kind,model", [("conll", []), ("parquet", ["blank:en"])])
def test_source_through_a_real_server(tmp_path: Path, kind: str, model: list[str]) -> None:
    """``spacy-al annotate ner.manual ds train.txt`` (CoNLL-2003 layout) or, in Prodigy's
    form ``ner.manual ds blank:en train.parquet``, a Parquet file (loader detected) on
    localhost serves whole sentences."""
    from tests.server.conftest import first_questions

    source = _write_source(kind, tmp_path)
    tasks = first_questions(["ner.manual", "conll_ds", *model, str(source), "--label",
                             "PER,ORG,LOC"], tmp_path / "a.db", tmp_path)
    assert [t["text"] for t in tasks] == ["ACME rejects Dutch call", "Anna Berglund",
                                          "UTRECHT 2026-08-22"]
    assert [len(t["tokens"]) for t in tasks] == [4, 2, 2]
    assert all(t["spans"] == [] for t in tasks)


def _wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("order", ["sequential", "random"])
def test_a_big_source_is_served_from_arrow_while_it_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str) -> None:
    """No task per sentence is held: the stream serves the Arrow pool one sentence at a
    time, starts on the head of a source not cached yet and moves onto the whole pool."""
    monkeypatch.setattr(manual_pool, "HEAD_SENTENCES", 5)
    source = tmp_path / "lines.txt"
    lines = [f"Sentence number {i} ." for i in range(12)]
    source.write_text("\n".join(lines) + "\n", encoding="utf8")
    components = ner_manual("ds", str(source), label=["PER"], order=order, seed=1,
                            pool_cache=str(tmp_path / "cache"))
    stream = components["stream"]
    assert isinstance(stream.items, ArrowItems) and len(stream.items) == 5
    first = _texts(components, 2)
    assert first == lines[:2] if order == "sequential" else set(first) <= set(lines[:5])
    _wait_for(lambda: len(stream.items) == 12)
    rest = _texts(components, 20)
    assert sorted(first + rest) == sorted(lines)  # every sentence once, none asked twice
    if order == "sequential":
        assert rest == lines[2:]
    else:
        assert rest != sorted(rest)  # shuffled
    components["on_exit"](None)
    again = ner_manual("ds", str(source), label=["PER"], order=order, seed=1,
                       pool_cache=str(tmp_path / "cache"))  # cached now: whole at once
    assert len(again["stream"].items) == 12 and "on_exit" not in again
