"""``spacy-al train``: a real ``spacy train`` on a tiny dataset; the output loads and predicts."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import srsly
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.errors import ConfigError
from spacy_al.store.database import Database
from spacy_al.store.importer import import_file
from spacy_al.training.pipeline_training import default_config, split_eval_names, train
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
    result = CliRunner().invoke(app, ["train", str(out), "--ner", "news,eval:news",
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


def test_eval_prefix_names_the_evaluation_datasets(db: Database, tmp_path: Path) -> None:
    assert split_eval_names(["a", "eval:b", "c"]) == (["a", "c"], ["b"])
    with pytest.raises(ConfigError, match="empty dataset name after 'eval:'"):
        split_eval_names(["a", "eval:"])
    result = CliRunner().invoke(app, ["train", str(tmp_path / "x"), "--ner",
                                      "news,eval:missing", "--db", str(db.path)])
    assert result.exit_code == 1
    assert "Dataset 'missing' is not in" in result.output and "eval:" not in result.output


def test_any_pipeline_with_ner_is_a_base_model(db: Database, tmp_path: Path,
                                               ner_pipeline: Path) -> None:
    base = ner_pipeline
    out = tmp_path / "further"
    result = train(out, ["news", "eval:news"], base_model=base, db=db.path,
                   overrides={"training.max_steps": 10, "training.eval_frequency": 5})
    assert "ents_f" in result
    nlp = spacy.load(out / "model-best")
    assert nlp.pipe_names == ["ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC"}
    blank = tmp_path / "blank"
    spacy.blank("en").to_disk(blank)
    with pytest.raises(ConfigError, match="has no al_ner or ner component"):
        train(tmp_path / "x", ["news"], base_model=blank, db=db.path)


def test_train_curve_prints_each_step_and_a_verdict(db: Database, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["train-curve", "--ner", "news,eval:news",
                                      "--n-samples", "2", "--db", str(db.path),
                                      "--training.max_steps", "10",
                                      "--training.eval_frequency", "5"])
    assert result.exit_code == 0, result.output
    assert "Training 2 times with 50%, 100% of the data" in result.output
    table = result.output[result.output.index("Evaluated on 4 sentences"):]
    assert " 50% " in table and "100% " in table
    assert "Accuracy improved in the last sample" in table or "did not improve" in table
    assert "Initializing pipeline" not in result.output  # spaCy's per-step log is not shown


def test_curve_verdict_follows_the_last_step() -> None:
    from spacy_al.training.train_curve import CurveStep, TrainCurve, fractions_of

    assert fractions_of(4) == [0.25, 0.5, 0.75, 1.0]
    up = TrainCurve([CurveStep(0.5, 2, 0.30), CurveStep(1.0, 4, 0.50)], 4)
    flat = TrainCurve([CurveStep(0.5, 2, 0.50), CurveStep(1.0, 4, 0.40)], 4)
    assert up.improved_last and not flat.improved_last
    assert up.lines()[1:] == ["  50%          2          0.300 ▲",
                              " 100%          4          0.500 ▲"]
    assert flat.lines()[2].endswith("▼") and "did not improve" in flat.verdict()


def test_spacy_config_trains_from_the_database(db: Database, tmp_path: Path) -> None:
    from spacy.cli.train import train as spacy_train

    cfg = tmp_path / "config.cfg"
    result = CliRunner().invoke(app, ["spacy-config", str(cfg), "--ner", "news,eval:news",
                                      "--db", str(db.path)])
    assert result.exit_code == 0, result.output
    assert f"python -m spacy train {cfg}" in result.output
    assert cfg.read_text().count("spacy-al.Datasets.v1") == 2
    spacy_train(cfg, tmp_path / "out", overrides={"training.max_steps": 10,
                                                  "training.eval_frequency": 5})
    nlp = spacy.load(tmp_path / "out" / "model-best")
    assert {"PER", "ORG", "LOC"} <= set(nlp.get_pipe("al_ner").labels)
    missing = CliRunner().invoke(app, ["spacy-config", str(tmp_path / "x.cfg"), "--ner",
                                       "nope", "--db", str(db.path)])
    assert missing.exit_code == 1 and "Dataset 'nope' is not in" in missing.output
    assert not (tmp_path / "x.cfg").exists()
