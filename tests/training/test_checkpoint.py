"""A trainer saved after a round and loaded in a new one continues exactly as the original."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language
from thinc.api import fix_random_seed

from spacy_al.pipeline.build import create_al_nlp
from spacy_al.training.checkpoint import (
    checkpoint_round,
    load_trainer,
    parameter_keys,
    save_trainer,
)
from spacy_al.training.trainer import Trainer, TrainingRule, make_optimizer
from tests.conftest import LABELS, TRAIN_DATA

RULE = TrainingRule(epochs=2, batch_size=4, learn_rate=0.005, retrain="continue")


def gold_docs(nlp: Language, n: int) -> list:  # type: ignore[type-arg]
    from spacy.training import Example

    data = [(f"{text} {i}", ents) for i in range(n) for text, ents in TRAIN_DATA][:n]
    return [Example.from_dict(nlp.make_doc(t), {"entities": e}).reference for t, e in data]


def weights(nlp: Language) -> dict[str, np.ndarray]:
    """Every trainable parameter by its stable position (thinc params and torch ones)."""
    out: dict[str, np.ndarray] = {}
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        for i, node in enumerate(model.walk() if model is not None else ()):
            for name in node.param_names:
                out[f"{i}|{name}"] = np.array(node.get_param(name))
            for shim in node.shims:
                for name, param in shim._model.named_parameters():
                    out[f"{i}|{name}"] = param.detach().numpy().copy()
    return out


def factory_for(architecture: str, model_name: str | None):  # type: ignore[no-untyped-def]
    """As the benchmark's: the same seed, the same initial weights."""
    def factory(labels, seed):  # type: ignore[no-untyped-def]
        fix_random_seed(seed)
        return create_al_nlp(labels, architecture, model_name, tok2vec_width=32)
    return factory


@pytest.mark.parametrize("architecture", ["tok2vec", "transformer"])
def test_loaded_trainer_continues_like_the_saved_one(
        architecture: str, tiny_bert_path: Path, tmp_path: Path) -> None:
    model_name = str(tiny_bert_path) if architecture == "transformer" else None
    factory = factory_for(architecture, model_name)
    first = Trainer(LABELS, RULE, 3, factory)
    docs = gold_docs(factory(LABELS, 0), 24)
    first.train(docs[:12], 0)
    folder = tmp_path / "checkpoint"
    save_trainer(first, folder, 0)
    assert checkpoint_round(folder) == 0 and not (tmp_path / "checkpoint.tmp").exists()

    resumed = Trainer(LABELS, RULE, 3, factory)
    assert load_trainer(resumed, folder) == 0
    assert resumed.optimizer is not None and first.optimizer is not None
    assert len(resumed.optimizer.mom1) == len(first.optimizer.mom1) > 0
    before = weights(first.nlp)  # type: ignore[arg-type]
    assert all(np.array_equal(before[k], v) for k, v in weights(resumed.nlp).items())

    cold = Trainer(LABELS, RULE, 3, factory)  # same weights, a fresh optimizer
    load_trainer(cold, folder)
    cold.optimizer = make_optimizer(RULE.learn_rate)
    for trainer in (first, resumed, cold):
        trainer.train(docs, 1)
    want, got, without = (weights(t.nlp) for t in (first, resumed, cold))  # type: ignore[arg-type]
    assert want.keys() == got.keys()
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=0, atol=1e-6, err_msg=key)
    assert any(not np.allclose(without[k], want[k], atol=1e-6) for k in want), \
        "without the Adam state the continued round differs (so the test can fail)"


def test_a_newer_save_replaces_the_folder_and_a_broken_one_is_ignored(tmp_path: Path) -> None:
    factory = factory_for("tok2vec", None)
    trainer = Trainer(LABELS, RULE, 0, factory)
    docs = gold_docs(factory(LABELS, 0), 8)
    trainer.train(docs, 0)
    folder = tmp_path / "run"
    save_trainer(trainer, folder, 0)
    trainer.train(docs, 1)
    save_trainer(trainer, folder, 1)
    assert checkpoint_round(folder) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    (folder / "model.bin").unlink()
    assert checkpoint_round(folder) is None, "an incomplete folder is no checkpoint"
    assert checkpoint_round(tmp_path / "missing") is None


def test_a_checkpoint_of_another_run_is_refused(tmp_path: Path) -> None:
    factory = factory_for("tok2vec", None)
    trainer = Trainer(LABELS, RULE, 0, factory)
    trainer.train(gold_docs(factory(LABELS, 0), 8), 0)
    save_trainer(trainer, tmp_path / "c", 0)
    with pytest.raises(ValueError, match="another run"):
        load_trainer(Trainer(LABELS, RULE, 1, factory), tmp_path / "c")
    with pytest.raises(ValueError, match="not trained"):
        save_trainer(Trainer(LABELS, RULE, 0, factory), tmp_path / "d", 0)


def test_every_optimizer_key_has_a_position() -> None:
    factory = factory_for("tok2vec", None)
    trainer = Trainer(LABELS, RULE, 0, factory)
    trainer.train(gold_docs(factory(LABELS, 0), 8), 0)
    positions = dict(parameter_keys(trainer.nlp))  # type: ignore[arg-type]
    assert trainer.optimizer is not None
    assert set(trainer.optimizer.mom1) <= set(positions)
    assert len(set(positions.values())) == len(positions), "positions are unique"
