"""Real `python -m spacy train` runs of the shipped configs on tiny models and data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from tests.conftest import REPO, TRAIN_DATA

CONLL_ROWS = {
    "Angela": "B-PER", "Merkel": "I-PER", "Paris": "B-LOC", "Apple": "B-ORG", "John": "B-PER",
    "Smith": "I-PER", "London": "B-LOC", "UN": "B-ORG", "Geneva": "B-LOC", "Kofi": "B-PER",
    "Annan": "I-PER",
}


def write_conll(path: Path, copies: int) -> Path:
    lines = []
    for _ in range(copies):
        for text, _ents in TRAIN_DATA:
            lines += [f"{w}\t{CONLL_ROWS.get(w, 'O')}" for w in text.split()] + [""]
    path.write_text("\n".join(lines), encoding="utf8")
    return path


def spacy_train(config: str, tmp_path: Path, *overrides: str) -> Path:
    train = write_conll(tmp_path / "train.conll", copies=8)
    dev = write_conll(tmp_path / "dev.conll", copies=1)
    cmd = [sys.executable, "-m", "spacy", "train", str(REPO / "configs" / config),
           "--paths.train", str(train), "--paths.dev", str(dev),
           "--output", str(tmp_path / "out"), "--training.eval_frequency", "10", *overrides]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "ENTS_F" in result.stdout
    return tmp_path / "out" / "model-last"


def test_tok2vec_config_trains_and_loads(tmp_path: Path) -> None:
    model = spacy_train("ner_tok2vec.cfg", tmp_path, "--training.max_steps", "80",
                        "--training.optimizer.learn_rate", "0.005")
    nlp = spacy.load(model)
    doc = nlp("Angela Merkel visited Paris in May .")
    assert [(e.text, e.label_) for e in doc.ents] == [("Angela Merkel", "PER"), ("Paris", "LOC")]


def test_transformer_config_trains_and_loads(tmp_path: Path, tiny_bert_path: Path) -> None:
    model = spacy_train("ner_transformer.cfg", tmp_path, "--training.max_steps", "6",
                        "--training.max_epochs", "0",
                        "--components.al_ner.model.name", str(tiny_bert_path))
    nlp = spacy.load(model)
    assert nlp.get_pipe("al_ner").tag_names[0] == "O"
    assert nlp("Paris").has_annotation("ENT_IOB")


@pytest.mark.parametrize("config", ["ner_transformer.cfg", "ner_tok2vec.cfg"])
def test_configs_name_only_spacy_al_and_spacy_functions(config: str) -> None:
    text = (REPO / "configs" / config).read_text()
    names = [line.split("=", 1)[1].strip().strip('"') for line in text.splitlines()
             if line.startswith("@") and "=" in line]
    for name in names:
        assert name.startswith(("spacy-al.", "spacy.")) or name.split(".")[0] in (
            "Adam", "warmup_linear", "compounding")
