"""A training call stopped between two passes and resumed in a new process (a new trainer
loaded from the checkpoint) ends exactly where the uninterrupted call ends."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch

from spacy_al.training.checkpoint import (
    load_progress,
    load_trainer,
    parameter_keys,
    save_trainer,
)
from spacy_al.training.progress import (
    FitProgress,
    global_random_states,
    random_states_from_arrays,
    random_states_to_arrays,
    set_global_random_states,
)
from spacy_al.training.trainer import Trainer, TrainingRule
from tests.conftest import LABELS
from tests.training.test_checkpoint import factory_for, gold_docs, weights

# Early stopping on a held-out slice (patience high enough that all 3 passes run), a
# warm-up (the fresh model's rule) and the scheduled rate: every part of a call's state.
RULE = TrainingRule(epochs=3, batch_size=4, learn_rate=0.005, retrain="continue",
                    holdout=0.3, patience=5, min_steps=30, min_steps_fresh_only=True,
                    lr_schedule="warmup_linear")


def moments(trainer: Trainer) -> dict[str, np.ndarray]:
    """Adam's first moments by parameter position: they reflect every pass, also where
    early stopping puts an earlier pass's weights back."""
    assert trainer.nlp is not None and trainer.optimizer is not None
    return {position: np.array(trainer.optimizer.mom1[key])
            for key, position in parameter_keys(trainer.nlp) if key in trainer.optimizer.mom1}


class Stop(Exception):
    pass


def stop_after(passes: int, trainer: Trainer, folder: Path):  # type: ignore[no-untyped-def]
    def after_pass(progress: FitProgress) -> None:
        save_trainer(trainer, folder, 0, progress)
        if progress.passes == passes:
            raise Stop
    return after_pass


@pytest.mark.parametrize("architecture", ["tok2vec", "transformer"])
def test_a_call_resumed_after_a_pass_ends_like_the_uninterrupted_one(
        architecture: str, tiny_bert_path: Path, tmp_path: Path) -> None:
    model_name = str(tiny_bert_path) if architecture == "transformer" else None
    factory = factory_for(architecture, model_name)
    docs = gold_docs(factory(LABELS, 0), 40)
    whole = Trainer(LABELS, RULE, 3, factory)
    _, want = whole.train(docs, 0)
    assert want.passes > 3 and want.held_out_f1 is not None  # the warm-up: passes to 30 updates

    folder = tmp_path / "full"
    first = Trainer(LABELS, RULE, 3, factory)
    with pytest.raises(Stop):
        first.train(docs, 0, after_pass=stop_after(2, first, folder))
    progress = load_progress(folder)
    assert progress is not None and progress.passes == 2 and progress.fresh
    assert len(progress.stop.history) == 2 and progress.stop.best is not None

    resumed = Trainer(LABELS, RULE, 3, factory)
    load_trainer(resumed, folder)
    _, got = resumed.train(docs, 0, resume=progress)
    assert (got.passes, got.held_out_f1) == (want.passes, want.held_out_f1)
    assert got.seconds >= progress.seconds
    expected, found = weights(whole.nlp), weights(resumed.nlp)  # type: ignore[arg-type]
    expected |= {f"mom1|{k}": v for k, v in moments(whole).items()}
    found |= {f"mom1|{k}": v for k, v in moments(resumed).items()}
    assert expected.keys() == found.keys()
    for key in expected:
        np.testing.assert_allclose(found[key], expected[key], rtol=0, atol=1e-6, err_msg=key)

    # Without the saved generators (the dropout masks differ) it ends elsewhere, so the
    # test can fail.
    other = Trainer(LABELS, RULE, 3, factory)
    load_trainer(other, folder)
    progress.random_states = {**global_random_states(), "numpy": np.random.RandomState(7)
                              .get_state(), "torch": torch.manual_seed(7).get_state()}
    other.train(docs, 0, resume=progress)
    apart = {f"mom1|{k}": v for k, v in moments(other).items()}
    assert any(not np.allclose(apart[k], expected[k], atol=1e-6) for k in apart)


def test_random_states_survive_the_round_trip_through_arrays() -> None:
    random.seed(1)
    np.random.seed(2)
    torch.manual_seed(3)
    np.random.rand()  # a numpy state mid-way
    states = global_random_states()
    want = (random.random(), np.random.rand(), torch.rand(1).item())
    arrays, scalars = random_states_to_arrays(states)
    set_global_random_states(random_states_from_arrays(arrays, scalars))
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == want
