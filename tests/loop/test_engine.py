"""The round engine shared by the loop, the benchmark and the live session: sizes, budgets,
ties, seeds, the selection seam and the bookkeeping of rounds."""

from __future__ import annotations

import numpy as np
import pytest

from spacy_al.errors import ConfigError, UnknownNameError
from spacy_al.loop.engine import (
    RoundEngine,
    Schedule,
    costs,
    derive_seed,
    next_round_size,
    rank_candidates,
    ranking_keys,
    resolve_size,
    select_round,
)
from spacy_al.registry import build


def select(scores: np.ndarray, n_tokens: np.ndarray, size: int, unit: str, seed: int
           ) -> np.ndarray:
    return select_round(scores, costs(n_tokens, unit), size, seed)


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
    assert select(scores, n_tokens, 3, "sentences", seed=0).tolist() == [0, 2]


def test_ties_are_broken_by_a_seeded_permutation() -> None:
    scores = np.zeros(50)
    n_tokens = np.ones(50, dtype=np.int64)
    first = select(scores, n_tokens, 10, "sentences", seed=1)
    assert first.tolist() == select(scores, n_tokens, 10, "sentences", seed=1).tolist()
    assert first.tolist() != list(range(10))
    assert first.tolist() != select(scores, n_tokens, 10, "sentences", seed=2).tolist()


def test_engine_choose_maps_back_to_pool_indices() -> None:
    n_tokens = np.array([1, 1, 1, 4, 1, 1, 1, 2, 1, 6])
    engine = RoundEngine(n_tokens, Schedule(), seed=0)
    chosen, scores = engine.choose(np.array([0.2, 0.9, 0.5]), np.array([3, 7, 9]), 8, rnd=1)
    assert chosen == [7, 9]
    assert scores == [0.9, 0.5]


def test_seed_round_is_reproducible_and_within_budget() -> None:
    n_tokens = np.random.default_rng(0).integers(1, 30, size=400)
    total = int(n_tokens.sum())

    def seed_round(seed: int) -> list[int]:
        return RoundEngine(n_tokens, Schedule(seed_size=200 / total), seed).seed_round()

    a = seed_round(5)
    assert a == seed_round(5)
    assert a != seed_round(6)
    assert 200 - 29 < int(n_tokens[a].sum()) <= 200
    assert len(set(a)) == len(a)


def test_rounds_grow_the_labelled_set_until_the_budget() -> None:
    n_tokens = np.full(100, 10)
    engine = RoundEngine(n_tokens, Schedule(seed_size=0.1, query_size=0.1, budget=0.3), 0)
    engine.record(0, engine.seed_round())
    assert engine.size_of(engine.labelled) == 100 and not engine.finished()
    for rnd in (1, 2):
        candidates = engine.candidates()
        chosen, _ = engine.choose(-candidates.astype(float), candidates, engine.next_size(), rnd)
        engine.record(rnd, chosen)
    assert len(engine.labelled) == 30 and engine.labelled_tokens() == 300
    assert engine.finished() and engine.next_size() == 0
    replayed = RoundEngine(n_tokens, engine.schedule, 0)
    replayed.restore(engine.rounds)
    assert replayed.labelled == engine.labelled


def test_sentence_schedule_and_max_rounds() -> None:
    engine = RoundEngine(np.array([3, 0, 4, 5, 6]), Schedule("sentences", 2, 1, max_rounds=1), 0)
    assert engine.total == 5 and engine.next_size() == 2
    engine.record(0, engine.seed_round())
    assert 1 not in engine.labelled
    engine.record(1, [int(engine.candidates()[0])])
    assert engine.finished()


def test_next_round_size_respects_the_budget() -> None:
    assert next_round_size(100, 20, 0) == 20
    assert next_round_size(100, 20, 200) == 20
    assert next_round_size(190, 20, 200) == 10
    assert next_round_size(195, 20, 200) == 0


def test_derive_seed_is_stable() -> None:
    assert derive_seed(0, 1) == derive_seed(0, 1)
    assert derive_seed(0, 1) != derive_seed(0, 2) != derive_seed(1, 1)


def test_live_ranking_puts_the_selectors_pick_first_and_keys_keep_the_order() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.7, 0.3])

    def prefer_low(scores, n_tokens, budget, embeddings=None):  # type: ignore[no-untyped-def]
        return np.argsort(scores)[:budget]

    order = rank_candidates(scores, np.ones(5, np.int64), 2, prefer_low)
    assert order.tolist() == [0, 4, 1, 3, 2]
    keys = ranking_keys(scores, order)
    assert np.all(np.diff(keys[order]) <= 0), "non-increasing along the order: merges keep it"
    by_score = rank_candidates(scores, np.ones(5, np.int64), 2)
    assert by_score.tolist() == [1, 3, 2, 4, 0]
    assert ranking_keys(scores, by_score).tolist() == scores.tolist()


def test_unknown_selector_names_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="spacy-al.TopK.v1"):
        build("selector", "nope")
    top_k = build("selector", "spacy-al.TopK.v1")
    assert top_k(np.array([0.1, 0.2]), np.array([1, 1]), 1).tolist() == [1]


def test_subsample_is_seeded_and_falls_back_to_all() -> None:
    engine = RoundEngine(np.full(1000, 10), Schedule(), seed=3)
    candidates = engine.candidates()
    sample = engine.subsample(candidates, 0.2, rnd=1, size=100)
    assert len(sample) == 200 and np.all(np.diff(sample) > 0)
    assert sample.tolist() == engine.subsample(candidates, 0.2, rnd=1, size=100).tolist()
    assert sample.tolist() != engine.subsample(candidates, 0.2, rnd=2, size=100).tolist()
    assert len(engine.subsample(candidates, 0.2, rnd=1, size=1500)) == 1000
    assert len(engine.subsample(candidates, 0.0, rnd=1, size=100)) == 1000
