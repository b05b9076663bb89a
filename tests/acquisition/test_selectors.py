"""Selectors: known answers, the contract of every registered one, the budget invariant."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacy_al.acquisition import top_by_token_budget
from spacy_al.acquisition.diversity import diverse_top_k, duplicate_groups
from spacy_al.acquisition.selectors import NamedSelector, needs_embeddings
from spacy_al.errors import ConfigError, UnknownNameError
from spacy_al.loop.engine import select_round
from spacy_al.registry import al_selectors, build


def clustered(n_clusters: int = 4, copies: int = 5, width: int = 8, seed: int = 0
              ) -> np.ndarray:
    """``copies`` exact duplicates of each of ``n_clusters`` random directions, interleaved."""
    centres = np.random.default_rng(seed).normal(size=(n_clusters, width))
    return np.tile(centres, (copies, 1))  # row i is centre i % n_clusters


def test_top_k_keeps_the_ranking_order() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.7])
    n_tokens = np.array([3, 4, 2, 4, 1])
    chosen = build("selector", "spacy-al.TopK.v1")(scores, n_tokens, 9, None)
    assert chosen.dtype == np.int64
    assert chosen.tolist() == [1, 3, 4]  # ties by the lower index; 2 no longer fits
    assert chosen.tolist() == top_by_token_budget(scores, n_tokens, 9).tolist()


def test_diverse_never_takes_two_exact_duplicates() -> None:
    emb = clustered()  # 20 rows, 4 distinct
    scores = np.linspace(1.0, 0.0, len(emb))  # the duplicates of row 0 score high too
    n_tokens = np.ones(len(emb), dtype=np.int64)
    chosen = build("selector", "spacy-al.DiverseTopK.v1", candidates=5)(scores, n_tokens, 6, emb)
    groups = duplicate_groups(emb)[chosen]
    assert len(set(groups.tolist())) == len(chosen) == 4  # only 4 distinct sentences exist
    assert chosen.tolist() == [0, 1, 2, 3]  # the best of each, in score order
    assert build("selector", "spacy-al.TopK.v1")(scores, n_tokens, 6, emb).tolist() == [0, 1, 2, 3,
                                                                                  4, 5]


def test_diverse_keeps_the_floor_then_fills_the_budget() -> None:
    emb = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0], [0.7, 0.7], [-1.0, 0.0]])
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    n_tokens = np.ones(5, dtype=np.int64)
    # cosine distances: 1-0 0.0099, 3-0 and 3-2 0.293, 2-0 1, 4-0 2
    chosen = diverse_top_k(scores, n_tokens, 3, emb, candidates=2, min_distance=0.35)
    assert chosen.tolist() == [0, 2, 4]
    loose = diverse_top_k(scores, n_tokens, 3, emb, candidates=2, min_distance=0.2)
    assert loose.tolist() == [0, 2, 3]
    filled = diverse_top_k(scores, n_tokens, 4, emb, candidates=2, min_distance=0.35)
    assert filled.tolist() == [0, 2, 4, 1]  # the floor leaves budget; the fill takes the best


def test_diverse_without_embeddings_is_top_k() -> None:
    scores = np.array([0.3, 0.8, 0.1, 0.5])
    n_tokens = np.array([2, 2, 2, 0])
    select = build("selector", "spacy-al.DiverseTopK.v1")
    assert select(scores, n_tokens, 4, None).tolist() == [1, 0]
    assert needs_embeddings(select) and not needs_embeddings(build("selector", "spacy-al.TopK.v1"))


def test_select_round_permutes_embeddings_with_scores() -> None:
    emb = clustered(n_clusters=3, copies=4)
    scores = np.ones(len(emb))
    chosen = select_round(scores, np.ones(len(emb), np.int64), 5, seed=7,
                          selector=build("selector", "spacy-al.DiverseTopK.v1", candidates=4),
                          embeddings=emb)
    assert len(set(duplicate_groups(emb)[chosen].tolist())) == len(chosen) == 3


def test_bad_options_say_how_to_fix() -> None:
    with pytest.raises(ConfigError, match="candidates = 3"):
        build("selector", "spacy-al.DiverseTopK.v1", candidates=0.5)
    with pytest.raises(UnknownNameError, match="spacy_al_selectors"):
        build("selector", "spacy-al.Nope.v1")


def test_named_selector_keeps_its_config() -> None:
    named = NamedSelector("spacy-al.DiverseTopK.v1", {"candidates": 2},
                          build("selector", "spacy-al.DiverseTopK.v1", candidates=2))
    assert named.spec() == {"@selectors": "spacy-al.DiverseTopK.v1", "candidates": 2}
    assert named.needs_embeddings
    assert named(np.array([1.0, 2.0]), np.array([1, 1]), 1, None).tolist() == [1]


@pytest.mark.parametrize("name", sorted(al_selectors.get_all()))
def test_every_registered_selector_keeps_the_contract(name: str) -> None:
    select = al_selectors.get(name)()
    rng = np.random.default_rng(3)
    scores = rng.random(40)
    n_tokens = rng.integers(0, 9, size=40)
    emb = clustered(n_clusters=8, copies=5)
    for embeddings in (None, emb):
        chosen = select(scores, n_tokens, 30, embeddings)
        assert isinstance(chosen, np.ndarray) and chosen.dtype == np.int64
        assert len(set(chosen.tolist())) == len(chosen)
        assert n_tokens[chosen].sum() <= 30 and np.all(n_tokens[chosen] > 0)
        assert np.array_equal(select(scores, n_tokens, 30, embeddings), chosen)
    assert select(scores, n_tokens, 0, emb).tolist() == []
    assert select(np.zeros(0), np.zeros(0, np.int64), 5, np.zeros((0, 8))).tolist() == []


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(st.tuples(st.floats(-5, 5), st.integers(0, 12), st.integers(0, 3)),
                  min_size=0, max_size=40),
    budget=st.integers(0, 80),
    candidates=st.floats(1, 5),
    name=st.sampled_from(sorted(al_selectors.get_all())),
)
def test_budget_invariant(data: list[tuple[float, int, int]], budget: int, candidates: float,
                          name: str) -> None:
    scores = np.array([d[0] for d in data], dtype=np.float64)
    n_tokens = np.array([d[1] for d in data], dtype=np.int64)
    emb = np.eye(4)[[d[2] for d in data]] if data else np.zeros((0, 4))
    options = {"candidates": candidates} if name == "spacy-al.DiverseTopK.v1" else {}
    chosen = al_selectors.get(name)(**options)(scores, n_tokens, budget, emb)
    assert chosen.dtype == np.int64
    assert int(n_tokens[chosen].sum()) <= budget
    assert np.all(n_tokens[chosen] > 0)
    assert len(set(chosen.tolist())) == len(chosen)
    if name == "spacy-al.DiverseTopK.v1":
        groups = duplicate_groups(emb)[chosen]
        assert len(set(groups.tolist())) == len(chosen), "exact duplicates chosen together"
