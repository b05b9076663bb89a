"""The contract every registered strategy keeps (shared by the registry tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from spacy_al.acquisition import sampling_of


def contract_pool(n_samples: int, seed: int = 0) -> list[np.ndarray]:
    """Random sentences of 0 to 6 tokens, 5 tags; the second one is empty."""
    rng = np.random.default_rng(seed)
    lengths = [3, 0, 6, 1, 4]
    return [rng.dirichlet(np.ones(5), size=(n_samples, n)).astype(np.float32) for n in lengths]


def assert_contract(builder: Callable[..., Any]) -> None:
    """Shape, finite values, deterministic builds, empty sentence -> 0, empty batch."""
    score = builder()
    probs = contract_pool(sampling_of(score).n_samples)
    result = score(probs)
    assert isinstance(result, np.ndarray)
    assert result.shape == (len(probs),)
    assert np.all(np.isfinite(result))
    assert result[1] == 0.0, "an empty sentence scores 0"
    assert np.array_equal(builder()(probs), result), "same arguments, same scores"
    assert np.asarray(score([])).shape == (0,)
