"""The one trainer: the min-steps rule, early stopping on a held-out slice, best weights kept."""

from __future__ import annotations

import pytest
from spacy.training import Example
from thinc.api import fix_random_seed

from spacy_al.errors import ConfigError
from spacy_al.pipeline.build import create_al_nlp
from spacy_al.training.early_stopping import MIN_HELD_OUT, split_holdout
from spacy_al.training.trainer import TrainingRule, fit
from tests.conftest import LABELS, TRAIN_DATA


def examples(nlp, n: int) -> list[Example]:  # type: ignore[no-untyped-def]
    data = [(f"{text} {i}", ents) for i in range(n) for text, ents in TRAIN_DATA][:n]
    return [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in data]


def test_epochs_grow_to_reach_min_steps() -> None:
    rule = TrainingRule(epochs=2, min_steps=100, batch_size=32)
    assert rule.n_epochs(64) == 50  # 2 steps per pass
    assert rule.n_epochs(10_000) == 2
    assert rule.n_epochs(0) == 0
    with pytest.raises(ConfigError):
        TrainingRule(retrain="sometimes")
    with pytest.raises(ConfigError):
        TrainingRule(holdout=1.5)


def test_holdout_slice_is_stable_and_grows_with_the_set() -> None:
    nlp = create_al_nlp(LABELS, "tok2vec", tok2vec_width=32)
    small, large = examples(nlp, 40), examples(nlp, 80)
    held_small = {eg.reference.text for eg in split_holdout(small, 0.25)[1]}
    held_large = {eg.reference.text for eg in split_holdout(large, 0.25)[1]}
    assert held_small and held_small <= held_large, "a held-out sentence stays held out"
    assert split_holdout(small[:MIN_HELD_OUT], 0.25)[1] == [], "too few: no early stopping"
    assert split_holdout(small, 0.0) == (small, [])


def test_early_stopping_keeps_the_best_pass() -> None:
    fix_random_seed(0)
    nlp = create_al_nlp(LABELS, "tok2vec", tok2vec_width=32)
    data = examples(nlp, 80)
    rule = TrainingRule(epochs=30, batch_size=8, learn_rate=0.005, holdout=0.25, patience=2)
    result = fit(nlp, data, rule, seed=0)
    assert result.held_out_f1 is not None and 1 <= result.passes < 30
    held = split_holdout(data, 0.25)[1]
    assert nlp.evaluate(held)["ents_f"] == pytest.approx(result.held_out_f1, abs=1e-4)


def test_early_stopping_never_stops_before_min_steps_and_warmup_binds_fresh_models() -> None:
    from spacy_al.training.trainer import Trainer

    fix_random_seed(0)
    nlp = create_al_nlp(LABELS, "tok2vec", tok2vec_width=32)
    data = examples(nlp, 40)
    rule = TrainingRule(epochs=1, min_steps=20, batch_size=8, holdout=0.25, patience=1,
                        retrain="continue", min_steps_fresh_only=True)
    n_train = len(split_holdout(data, 0.25)[0])
    assert fit(nlp, data, rule, seed=0).passes >= rule.min_passes(n_train) > 1
    trainer = Trainer(LABELS, rule, 0,
                      lambda labels, seed: create_al_nlp(labels, "tok2vec", tok2vec_width=32))
    docs = [eg.reference for eg in data]
    first = trainer.train(docs, 0)[1]
    again = trainer.train(docs, 1)[1]
    assert first.passes >= rule.min_passes(n_train) and again.passes == 1


def test_warmup_linear_rises_over_a_tenth_then_falls_towards_zero() -> None:
    rule = TrainingRule(learn_rate=0.1, lr_schedule="warmup_linear")
    rates = [rule.rate_at(step, 20) for step in range(20)]
    assert rates[:2] == pytest.approx([0.05, 0.1])  # warm-up: 2 of 20 updates
    assert rates[2:] == pytest.approx([0.1 * (20 - s) / 18 for s in range(2, 20)])
    assert all(a > b for a, b in zip(rates[2:], rates[3:], strict=False)) and rates[-1] > 0
    assert TrainingRule(learn_rate=0.1).rate_at(5, 20) == 0.1
    with pytest.raises(ConfigError):
        TrainingRule(lr_schedule="cosine")


def test_fit_follows_the_schedule_and_restores_the_optimizers_rate() -> None:
    from spacy_al.training.trainer import make_optimizer

    fix_random_seed(0)
    nlp = create_al_nlp(LABELS, "tok2vec", tok2vec_width=32)
    data = examples(nlp, 40)
    rule = TrainingRule(epochs=2, batch_size=8, learn_rate=0.01, lr_schedule="warmup_linear")
    optimizer = make_optimizer(rule.learn_rate)
    seen: list[float] = []
    update = nlp.update

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs["sgd"].learn_rate)
        return update(*args, **kwargs)

    nlp.update = spy  # type: ignore[method-assign]
    fit(nlp, data, rule, seed=0, optimizer=optimizer)
    assert seen == pytest.approx([rule.rate_at(s, 10) for s in range(10)])  # 2 passes of 5
    assert optimizer.learn_rate == 0.01
