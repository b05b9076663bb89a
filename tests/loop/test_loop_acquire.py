"""Selection shared by the loop and the benchmark: sizes, budgets, ties, seeds."""

from __future__ import annotations

import numpy as np
import pytest

from spacy_al.errors import ConfigError
from spacy_al.loop.acquire import (
    choose,
    derive_seed,
    next_round_size,
    resolve_size,
    seed_set,
    select,
)


def test_resolve_size_share_or_count() -> None:
    assert resolve_size(0.02, 1000) == 20
    assert resolve_size(0.0, 1000) == 0
    assert resolve_size(250, 1000) == 250
    with pytest.raises(ConfigError):
        resolve_size(-1, 10)


def test_select_by_tokens_fills_the_budget_best_first() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.1])
    n_tokens = np.array([5, 10, 3, 2])
    chosen = select(scores, n_tokens, 8, "tokens", seed=0)
    assert chosen.tolist() == [0, 2]  # 5 + 3 tokens; the 10-token sentence does not fit
    assert select(scores, n_tokens, 2, "sentences", seed=0).tolist() == [0, 1]


def test_select_never_stalls_and_skips_empty_sentences() -> None:
    scores = np.array([0.5, 0.9, 0.1])
    n_tokens = np.array([7, 0, 9])
    assert select(scores, n_tokens, 3, "tokens", seed=0).tolist() == [0]


def test_ties_are_broken_by_a_seeded_permutation() -> None:
    scores = np.zeros(50)
    n_tokens = np.ones(50, dtype=np.int64)
    first = select(scores, n_tokens, 10, "sentences", seed=1)
    assert first.tolist() == select(scores, n_tokens, 10, "sentences", seed=1).tolist()
    assert first.tolist() != list(range(10))
    assert first.tolist() != select(scores, n_tokens, 10, "sentences", seed=2).tolist()


def test_choose_maps_back_to_pool_indices() -> None:
    candidates = np.array([3, 7, 9])
    n_tokens = np.array([1, 1, 1, 4, 1, 1, 1, 2, 1, 6])
    chosen, scores = choose(np.array([0.2, 0.9, 0.5]), candidates, n_tokens, 8, "tokens", 0, 1)
    assert chosen.tolist() == [7, 9]
    assert scores.tolist() == [0.9, 0.5]


def test_seed_set_is_reproducible_and_within_budget() -> None:
    n_tokens = np.random.default_rng(0).integers(1, 30, size=400)
    a = seed_set(n_tokens, 200, "tokens", seed=5)
    assert a.tolist() == seed_set(n_tokens, 200, "tokens", seed=5).tolist()
    assert a.tolist() != seed_set(n_tokens, 200, "tokens", seed=6).tolist()
    assert 200 - 29 < int(n_tokens[a].sum()) <= 200
    assert len(set(a.tolist())) == len(a)


def test_next_round_size_respects_the_budget() -> None:
    assert next_round_size(100, 20, 0) == 20
    assert next_round_size(100, 20, 200) == 20
    assert next_round_size(190, 20, 200) == 10
    assert next_round_size(195, 20, 200) == 0


def test_derive_seed_is_stable() -> None:
    assert derive_seed(0, 1) == derive_seed(0, 1)
    assert derive_seed(0, 1) != derive_seed(0, 2) != derive_seed(1, 1)
