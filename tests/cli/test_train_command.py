"""``spacy-al train``: a real ``spacy train`` on a tiny dataset; the output loads and predicts."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import srsly
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.cli.train_command import default_config, train
from spacy_al.errors import ConfigError
from spacy_al.store.database import Database
from spacy_al.store.importer import import_file
from tests.conftest import TRAIN_DATA

STEPS = ["--training.max_steps", "40", "--training.eval_frequency", "20"]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    rows = [{"text": text, "spans": [{"start": s, "end": e, "label": label}
                                     for s, e, label in spans]}
            for text, spans in TRAIN_DATA]
    source = tmp_path / "gold.jsonl"
    srsly.write_jsonl(source, rows)
    database = Database(tmp_path / "a.db")
    import_file(database, "news", source)
    return database


def test_train_cli_writes_a_pipeline_that_predicts(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", str(out), "--ner", "news", "--eval", "news",
                                      "--db", str(db.path), *STEPS])
    assert result.exit_code == 0, result.output
    assert "Best model:" in result.output and "ents_f" in result.output
    nlp = spacy.load(out / "model-best")
    assert nlp.pipe_names == ["al_ner"]
    assert set(nlp.get_pipe("al_ner").tag_names) >= {"O", "B-PER", "I-PER", "B-LOC", "B-ORG"}
    doc = nlp("Angela Merkel visited Paris in May .")
    assert len(doc) == 7 and all(e.label_ in ("PER", "ORG", "LOC") for e in doc.ents)
    assert ("Angela Merkel", "PER") in [(e.text, e.label_) for e in doc.ents]  # learnt
    assert (out / "model-best" / "config.cfg").read_text().count("spacy.Corpus.v1") == 2
    again = train(tmp_path / "again", ["news"], eval_split=0.25, base_model=out / "model-best",
                  db=db.path, overrides={"training.max_steps": 10,
                                         "training.eval_frequency": 5})
    assert "ents_f" in again
    sourced = spacy.load(tmp_path / "again" / "model-best")
    assert sourced.get_pipe("al_ner").tag_names == nlp.get_pipe("al_ner").tag_names
    misc = tmp_path / "misc.jsonl"
    srsly.write_jsonl(misc, [{"text": "Zorro ran", "spans": [{"start": 0, "end": 5,
                                                               "label": "MISC"}]}] * 2)
    import_file(db, "misc", misc)
    with pytest.raises(ConfigError, match="label.s. MISC that --base-model"):
        train(tmp_path / "x", ["misc"], eval_datasets=["news"], base_model=out / "model-best",
              db=db.path)


def test_train_errors(db: Database, tmp_path: Path) -> None:
    assert default_config().name == "ner_tok2vec.cfg"
    assert default_config(0).name == "ner_transformer.cfg"
    with pytest.raises(ConfigError, match="is not in"):
        train(tmp_path / "x", ["missing"], db=db.path)
    with pytest.raises(ConfigError, match="evaluation sentences"):
        train(tmp_path / "x", ["news"], eval_split=0.0, db=db.path)
    with pytest.raises(ConfigError, match="not a spaCy pipeline folder"):
        train(tmp_path / "x", ["news"], base_model=tmp_path, db=db.path)
