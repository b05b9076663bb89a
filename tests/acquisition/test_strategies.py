"""Registered strategies: the contract every one of them keeps, lookup, ordering."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from spacy_al.acquisition import Sampling, Strategy, sampling_of
from spacy_al.errors import ConfigError, UnknownNameError
from spacy_al.registry import al_strategies, aliases, build, names

from .contract import assert_contract, contract_pool

BUILT_IN = sorted(aliases("strategy").values())
UNCERTAINTY = ["mnlp", "token_entropy", "least_confidence", "margin"]


@pytest.mark.parametrize("name", sorted(al_strategies.get_all()))
def test_every_registered_strategy_keeps_the_contract(name: str) -> None:
    assert_contract(al_strategies.get(name))


def test_all_built_in_names_are_registered() -> None:
    assert set(BUILT_IN) <= set(names("strategy"))
    assert set(aliases("strategy")) == {
        "mnlp",
        "token_entropy",
        "bald",
        "least_confidence",
        "margin",
        "random",
    }


@pytest.mark.parametrize("short, registered", sorted(aliases("strategy").items()))
def test_short_and_registered_names_build_the_same(short: str, registered: str) -> None:
    probs = contract_pool(sampling_of(build("strategy", short)).n_samples)
    assert np.array_equal(build("strategy", short)(probs), build("strategy", registered)(probs))
    assert build("strategy", short).name == registered


def test_unknown_strategy_lists_the_known_names() -> None:
    with pytest.raises(UnknownNameError) as error:
        build("strategy", "entropy-ish")
    message = str(error.value)
    assert "E004" in message and "'entropy-ish'" in message
    assert "token_entropy" in message and "spacy-al.BALD.v1" in message


def test_builder_options_are_passed() -> None:
    probs = [np.array([[[0.5, 0.5], [0.9, 0.1]]])]
    h_09 = -(0.9 * math.log(0.9) + 0.1 * math.log(0.1))
    assert build("strategy", "token_entropy", normalize=False)(probs) == pytest.approx(
        [math.log(2) + h_09]
    )
    with pytest.raises(TypeError):
        build("strategy", "mnlp", normalize=False)


def test_strategies_are_partials_with_sampling_needs() -> None:
    mnlp = build("strategy", "mnlp")
    bald = build("strategy", "bald")
    assert isinstance(mnlp, Strategy) and not mnlp.needs_samples
    assert (mnlp.n_samples, mnlp.dropout) == (1, 0.0)
    assert bald.needs_samples
    assert (bald.n_samples, bald.dropout, bald.mc_dropout) == (10, 0.1, "head")
    assert build("strategy", "random").needs_probs is False
    assert mnlp.needs_probs is True


def test_sampling_of_overrides_only_sampling_strategies() -> None:
    bald = build("strategy", "bald", n_samples=5, mc_dropout="full")
    assert sampling_of(bald) == Sampling(5, 0.1, "full")
    assert sampling_of(bald, n_samples=3, dropout=0.2) == Sampling(3, 0.2, "full")
    assert sampling_of(build("strategy", "mnlp"), n_samples=10, dropout=0.5) == Sampling()
    assert sampling_of(lambda probs: probs) == Sampling()
    with pytest.raises(ConfigError, match="mc_dropout"):
        sampling_of(bald, mc_dropout="half")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"variant": "entropy"}, "variant"),
        ({"n_samples": 1}, "n_samples"),
        ({"dropout": 0.0}, "dropout"),
        ({"mc_dropout": "half"}, "mc_dropout"),
    ],
)
def test_bald_rejects_bad_options(kwargs: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        build("strategy", "bald", **kwargs)


@pytest.mark.parametrize("name", UNCERTAINTY)
@pytest.mark.parametrize("n_tags", [2, 5])
def test_uniform_outranks_peaked(name: str, n_tags: int) -> None:
    uniform = np.full((1, 4, n_tags), 1 / n_tags)
    peaked = np.full((1, 4, n_tags), 0.1 / (n_tags - 1))
    peaked[..., 0] = 0.9
    score: Callable = build("strategy", name)
    high, low = score([uniform, peaked])
    assert high > low


def test_token_entropy_total_ranks_uniform_over_peaked() -> None:
    uniform, peaked = np.full((1, 3, 3), 1 / 3), np.array([[[0.8, 0.1, 0.1]] * 3])
    high, low = build("strategy", "token_entropy", normalize=False)([uniform, peaked])
    assert high > low


@pytest.mark.parametrize("variant", ["mutual_information", "vote"])
def test_bald_disagreeing_samples_outrank_agreeing_ones(variant: str) -> None:
    rng = np.random.default_rng(0)
    agree = np.repeat(rng.dirichlet(np.ones(3), size=(1, 4)), 10, axis=0)
    disagree = np.eye(3)[rng.integers(0, 3, size=(10, 4))]
    disagree[0, :, :] = np.eye(3)[[0, 1, 2, 0]]  # at least two distinct votes per token
    disagree[1, :, :] = np.eye(3)[[1, 2, 0, 1]]
    high, low = build("strategy", "bald", variant=variant)([disagree, agree])
    assert high > low
    assert low == pytest.approx(0.0)


def test_bald_ignores_uncertainty_the_samples_agree_on() -> None:
    uniform = np.full((10, 3, 4), 0.25)
    assert build("strategy", "bald")([uniform]) == pytest.approx([0.0])


def test_random_is_seeded_and_uniform() -> None:
    probs = contract_pool(1) * 40
    first = build("strategy", "random", seed=7)(probs)
    assert np.array_equal(first, build("strategy", "random", seed=7)(probs))
    assert not np.array_equal(first, build("strategy", "random", seed=8)(probs))
    nonempty = first[[len(p[0]) > 0 for p in probs]]
    assert np.all((nonempty >= 0) & (nonempty < 1))
    assert len(set(nonempty.tolist())) == len(nonempty)


def test_random_stream_does_not_depend_on_the_batch_split() -> None:
    probs = contract_pool(1) * 4
    whole = build("strategy", "random", seed=1)(probs)
    score = build("strategy", "random", seed=1)
    split = np.concatenate([score(probs[:7]), score(probs[7:13]), score(probs[13:])])
    assert np.array_equal(whole, split)
