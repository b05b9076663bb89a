"""``hf``: Hugging Face datasets through ``datasets`` (save_to_disk, Parquet, Arrow, hub)."""

from __future__ import annotations

from pathlib import Path

import datasets
import pytest
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from spacy_al.cli.convert_command import convert
from spacy_al.corpora import detect_format, read_docs, read_hf
from spacy_al.errors import ConfigError, CorpusFormatError
from spacy_al.recipe_runtime.sources import load_source

TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
ROWS = {"tokens": [["Ada", "Lovelace", "lived", "in", "London"], ["Hello", "there"]],
        "ner_tags": [[1, 2, 0, 0, 3], [0, 0]]}
FEATURES = datasets.Features({
    "tokens": datasets.Sequence(datasets.Value("string")),
    "ner_tags": datasets.Sequence(datasets.ClassLabel(names=TAGS)),
})


def _ents(docs: list) -> list[list[tuple[str, str]]]:
    return [[(e.text, e.label_) for e in doc.ents] for doc in docs]


@pytest.fixture
def on_disk(tmp_path: Path) -> Path:
    """A DatasetDict (train, test) saved with save_to_disk: int tags with a ClassLabel."""
    train = datasets.Dataset.from_dict(ROWS, features=FEATURES)
    test = datasets.Dataset.from_dict({"tokens": [["Bob", "Smith"]], "ner_tags": [[1, 2]]},
                                      features=FEATURES)
    path = tmp_path / "ner_dataset"
    datasets.DatasetDict({"train": train, "test": test}).save_to_disk(str(path))
    return path


def test_save_to_disk_folder_with_class_labels(on_disk: Path) -> None:
    assert detect_format(on_disk) == "hf"
    docs = list(read_docs(on_disk, Vocab()))
    assert [d.text for d in docs] == ["Ada Lovelace lived in London", "Hello there"]
    assert _ents(docs) == [[("Ada Lovelace", "PER"), ("London", "LOC")], []]
    assert docs[0].user_data["source"] == f"{on_disk}[train]:1"
    test = list(read_docs(on_disk, Vocab(), loader="hf", split="test"))
    assert _ents(test) == [[("Bob Smith", "PER")]]
    with pytest.raises(CorpusFormatError, match=r"no split 'dev', only \['test', 'train'\]"):
        list(read_docs(on_disk, Vocab(), split="dev"))


def test_parquet_with_string_tags_and_a_single_dataset(tmp_path: Path) -> None:
    rows = {"words": [["Paris", "is", "big"]], "labels": [["B-LOC", "O", "O"]],
            "text": ["unused"]}
    path = tmp_path / "data.parquet"
    datasets.Dataset.from_dict(rows).to_parquet(str(path))
    assert detect_format(path) == "hf"
    assert _ents(list(read_hf(path, Vocab()))) == [[("Paris", "LOC")]]
    single = tmp_path / "single"
    datasets.Dataset.from_dict(rows).save_to_disk(str(single))
    assert _ents(list(read_docs(single, Vocab()))) == [[("Paris", "LOC")]]
    with pytest.raises(CorpusFormatError, match="not a DatasetDict"):
        read_hf(single, Vocab(), split="train")


def test_text_column_and_explicit_columns(tmp_path: Path) -> None:
    path = tmp_path / "texts.parquet"
    datasets.Dataset.from_dict({"body": ["Ada Lovelace wrote.", "  ", "Bob ran."],
                                "toks": [["a"], [], ["b", "c"]],
                                "bio": [["B-PER"], [], ["O", "O"]]}).to_parquet(str(path))
    docs = list(read_hf(path, Vocab(), text_column="body"))
    assert [d.text for d in docs] == ["Ada Lovelace wrote.", "Bob ran."]
    assert [len(d) for d in docs] == [4, 3] and docs[1].user_data["source"] == f"{path}:3"
    tokens = list(read_hf(path, Vocab(), tokens_column="toks", tags_column="bio"))
    assert _ents(tokens) == [[("a", "PER")], []]
    with pytest.raises(CorpusFormatError, match="no tokens or text column"):
        read_hf(path, Vocab())
    with pytest.raises(CorpusFormatError, match="has no tags column 'ner'"):
        read_hf(path, Vocab(), tokens_column="toks", tags_column="ner")


def test_int_tags_without_class_labels_and_bad_tags(tmp_path: Path) -> None:
    path = tmp_path / "ints.parquet"
    datasets.Dataset.from_dict({"tokens": [["a"]], "ner_tags": [[3]]}).to_parquet(str(path))
    with pytest.raises(CorpusFormatError, match="without a ClassLabel feature"):
        read_hf(path, Vocab())
    bad = tmp_path / "bad.parquet"
    datasets.Dataset.from_dict({"tokens": [["a", "b"], ["c"]],
                                "ner_tags": [["O", "O"], ["PER"]]}).to_parquet(str(bad))
    with pytest.raises(CorpusFormatError, match="row 2: invalid tag 'PER'"):
        list(read_hf(bad, Vocab()))


def test_arrow_file_and_folder_of_split_files(on_disk: Path, tmp_path: Path) -> None:
    arrow = next((on_disk / "test").glob("*.arrow"))
    assert detect_format(arrow) == "hf"
    assert _ents(list(read_docs(arrow, Vocab()))) == [[("Bob Smith", "PER")]]
    folder = tmp_path / "splits"
    folder.mkdir()
    for split in ("train", "validation"):
        dataset = datasets.Dataset.from_dict(ROWS, features=FEATURES)
        dataset.to_parquet(str(folder / f"{split}.parquet"))
    assert detect_format(folder) == "hf"
    assert len(list(read_docs(folder, Vocab(), split="validation"))) == 2


def test_hub_name_goes_through_load_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real ``datasets.load_dataset`` path; offline here, so it fails with our error."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    with pytest.raises(CorpusFormatError, match="cannot load it as a Hugging Face dataset"):
        list(read_docs("no-such-user/no-such-dataset-xyz", Vocab(), loader="hf"))


def test_annotation_source_and_convert(on_disk: Path, tmp_path: Path) -> None:
    items = load_source(on_disk, loader="hf", split="test")
    assert [item.text for item in items] == ["Bob Smith"] and items[0].spans == []
    assert [i.text for i in load_source(on_disk)] == ["Ada Lovelace lived in London",
                                                      "Hello there"]
    stats = convert(on_disk, tmp_path / "out.spacy", split="test")
    assert stats["entities"] == 1
    docs = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(Vocab()))
    assert _ents(docs) == [[("Bob Smith", "PER")]]
    with pytest.raises(ConfigError, match="--split does not apply to .* conll"):
        conll = tmp_path / "a.conll"
        conll.write_text("Paris B-LOC\nis O\n")
        convert(conll, tmp_path / "x.spacy", split="test")
