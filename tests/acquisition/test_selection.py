"""Selection: best first, ties by index, empty entries never selected."""

from __future__ import annotations

import numpy as np
import pytest

from spacy_al.acquisition import rank, top_by_token_budget, top_k


def test_top_k_best_first() -> None:
    assert top_k(np.array([0.1, 0.9, 0.5]), 2).tolist() == [1, 2]


def test_ties_are_broken_by_index() -> None:
    assert top_k(np.array([0.5, 0.7, 0.5, 0.7, 0.5]), None).tolist() == [1, 3, 0, 2, 4]


def test_zero_token_entries_are_never_selected() -> None:
    scores = np.array([0.0, 0.2, 0.0, 0.1])
    n_tokens = np.array([0, 3, 2, 0])
    assert top_k(scores, 4, n_tokens).tolist() == [1, 2]
    assert top_k(np.array([9.0, 1.0]), 1, np.array([0, 5])).tolist() == [1]


def test_nan_ranks_last() -> None:
    assert rank(np.array([np.nan, 0.2, -1.0])).tolist() == [1, 2, 0]


def test_k_zero_none_and_too_large() -> None:
    scores = np.array([0.3, 0.1])
    assert top_k(scores, 0).tolist() == []
    assert top_k(scores, None).tolist() == [0, 1]
    assert top_k(scores, 10).tolist() == [0, 1]
    assert top_k(np.zeros(0), 3).dtype == np.int64
    with pytest.raises(ValueError):
        top_k(scores, -1)


def test_token_budget_keeps_entries_that_fit() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    n_tokens = np.array([4, 10, 3, 0, 2])
    # 4 fits (left 5), 10 does not, 3 fits (left 2), empty skipped, 2 fits (left 0)
    assert top_by_token_budget(scores, n_tokens, 9).tolist() == [0, 2, 4]
    assert top_by_token_budget(scores, n_tokens, 0).tolist() == []
