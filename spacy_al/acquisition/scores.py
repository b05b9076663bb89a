"""Pure numpy acquisition math over a padded batch of tag distributions.

Every function here works on a padded batch ``probs`` of shape
``(batch, n_samples, max_tokens, n_tags)`` together with a boolean ``mask`` of
shape ``(batch, max_tokens)`` that is ``True`` on real tokens. Sentence scores
are vectorised over the whole batch: no Python loop runs per token. Logs are
natural logs, ``0 log 0 = 0``, and **higher always means more informative**.
A sentence of 0 tokens scores 0.

``p_i`` below is the tag distribution of token ``i`` and ``n`` the number of
tokens in the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FloatArray = np.ndarray
"""A float64 numpy array."""

_TINY = np.finfo(np.float64).tiny


def pad_batch(probs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Stack per-sentence distributions into one zero-padded batch.

    probs (Sequence[np.ndarray]): One array per sentence, shaped
        ``(n_samples, n_tokens, n_tags)``; a 2d array ``(n_tokens, n_tags)`` is
        read as a single sample. All sentences share ``n_samples`` and ``n_tags``.
    RETURNS (tuple[np.ndarray, np.ndarray]): The float64 batch
        ``(batch, n_samples, max_tokens, n_tags)`` and the token mask
        ``(batch, max_tokens)``.
    """
    arrays = [_as_3d(p) for p in probs]
    if not arrays:
        return np.zeros((0, 1, 0, 0)), np.zeros((0, 0), dtype=bool)
    n_samples, _, n_tags = arrays[0].shape
    for array in arrays:
        if array.shape[0] != n_samples or array.shape[2] != n_tags:
            raise ValueError(
                "All sentences of a batch need the same (n_samples, n_tags): "
                f"got {array.shape[0::2]} beside {(n_samples, n_tags)}."
            )
    lengths = np.array([a.shape[1] for a in arrays], dtype=np.int64)
    batch = np.zeros((len(arrays), n_samples, int(lengths.max()), n_tags))
    for row, array in enumerate(arrays):
        batch[row, :, : array.shape[1]] = array
    mask = np.arange(batch.shape[2])[None, :] < lengths[:, None]
    return batch, mask


def _as_3d(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    if array.ndim == 2:
        return array[None]
    if array.ndim != 3:
        raise ValueError(
            f"Expected (n_samples, n_tokens, n_tags) per sentence, got shape {array.shape}."
        )
    return array


# --- token scores: (..., n_tags) -> (...) ----------------------------------------


def token_max_log_prob(p: np.ndarray) -> np.ndarray:
    """``log max_y p(y)`` of every token."""
    return np.log(np.maximum(p.max(axis=-1), _TINY))


def token_entropy(p: np.ndarray) -> np.ndarray:
    """Shannon entropy ``H(p) = -Σ_y p(y) log p(y)`` of every token."""
    return -(p * np.log(np.maximum(p, _TINY))).sum(axis=-1)


def token_margin(p: np.ndarray) -> np.ndarray:
    """``p(first) - p(second)``: the gap between the two likeliest tags."""
    if p.shape[-1] < 2:
        return p.max(axis=-1, initial=0.0)
    top2 = np.partition(p, -2, axis=-1)[..., -2:]
    return top2[..., 1] - top2[..., 0]


def token_mutual_information(samples: np.ndarray) -> np.ndarray:
    """BALD per token: ``H(mean_t p^t) - mean_t H(p^t)`` over axis 1 (the samples).

    samples (np.ndarray): ``(batch, n_samples, max_tokens, n_tags)``.
    RETURNS (np.ndarray): ``(batch, max_tokens)``, clipped at 0 against rounding.
    """
    mean_entropy = token_entropy(samples).mean(axis=1)
    return np.maximum(token_entropy(samples.mean(axis=1)) - mean_entropy, 0.0)


def token_vote_disagreement(samples: np.ndarray) -> np.ndarray:
    """Shen et al.'s vote disagreement: ``1 - max_y |{t : argmax p^t = y}| / T``.

    samples (np.ndarray): ``(batch, n_samples, max_tokens, n_tags)``.
    RETURNS (np.ndarray): ``(batch, max_tokens)``.
    """
    votes = samples.argmax(axis=-1)
    counts = (votes[..., None] == np.arange(samples.shape[-1])).sum(axis=1)
    return 1.0 - counts.max(axis=-1, initial=0) / samples.shape[1]


# --- reductions: (batch, max_tokens) -> (batch,) -----------------------------------


def masked_sum(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over the real tokens of each sentence."""
    return np.where(mask, values, 0.0).sum(axis=-1)


def masked_mean(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of ``values`` over the real tokens; 0 for a sentence of 0 tokens."""
    n_tokens = mask.sum(axis=-1)
    total = masked_sum(values, mask)
    return np.divide(total, n_tokens, out=np.zeros_like(total), where=n_tokens > 0)


# --- sentence scores: (batch, T, max_tokens, n_tags), mask -> (batch,) --------------


def mnlp(probs: np.ndarray, mask: np.ndarray) -> FloatArray:
    """Maximum normalized log-probability, negated: ``-(1/n) Σ_i log max_y p_i(y)``.

    Shen et al. 2018, "Deep Active Learning for Named Entity Recognition" (ICLR).
    Shen rank by the lowest MNLP first; the sign flip makes higher more
    informative. Uses the first sample.
    """
    return 0.0 - masked_mean(token_max_log_prob(probs[:, 0]), mask)


def token_entropy_score(probs: np.ndarray, mask: np.ndarray, normalize: bool = True) -> FloatArray:
    """Token entropy: ``(1/n) Σ_i H(p_i)``, or the total ``Σ_i H(p_i)`` if not ``normalize``.

    Settles & Craven 2008, "An Analysis of Active Learning Strategies for
    Sequence Labeling Tasks" (EMNLP). Uses the first sample.
    """
    entropy = token_entropy(probs[:, 0])
    return masked_mean(entropy, mask) if normalize else masked_sum(entropy, mask)


def bald(probs: np.ndarray, mask: np.ndarray, variant: str = "mutual_information") -> FloatArray:
    """BALD over T MC-dropout samples, averaged over the tokens.

    ``variant="mutual_information"``: ``(1/n) Σ_i [H(mean_t p_i^t) - mean_t H(p_i^t)]``
    (Houlsby et al. 2011, "Bayesian Active Learning for Classification and
    Preference Learning"; Gal et al. 2017, "Deep Bayesian Active Learning with
    Image Data"). ``variant="vote"``: Shen et al. 2018's disagreement
    ``(1/n) Σ_i (1 - max_y |{t : argmax p_i^t = y}| / T)``.
    """
    if variant == "mutual_information":
        return masked_mean(token_mutual_information(probs), mask)
    if variant == "vote":
        return masked_mean(token_vote_disagreement(probs), mask)
    raise ValueError(f"Unknown BALD variant {variant!r}: use 'mutual_information' or 'vote'.")


def least_confidence(probs: np.ndarray, mask: np.ndarray) -> FloatArray:
    """Least confidence: ``1 - Π_i max_y p_i(y)`` (Culotta & McCallum 2005).

    The product is taken in log space; an empty sentence gives ``1 - 1 = 0``.
    Uses the first sample.
    """
    return 1.0 - np.exp(masked_sum(token_max_log_prob(probs[:, 0]), mask))


def margin(probs: np.ndarray, mask: np.ndarray) -> FloatArray:
    """Margin: ``1 - (1/n) Σ_i (p_i(first) - p_i(second))`` (Scheffer et al. 2001).

    Uses the first sample; an empty sentence scores 0.
    """
    scores = 1.0 - masked_mean(token_margin(probs[:, 0]), mask)
    return np.where(mask.any(axis=-1), scores, 0.0)


def random_scores(probs: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> FloatArray:
    """Uniform scores in ``[0, 1)`` drawn from ``rng``: the random baseline.

    One draw per sentence, empty ones included (so the stream does not depend on
    the batch split); an empty sentence then scores 0.
    """
    scores = uniform_scores(mask.shape[0], rng)
    return np.where(mask.any(axis=-1), scores, 0.0)


def uniform_scores(n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` uniform scores in ``[0, 1)`` from ``rng``: random seed sets and tie breaks."""
    return rng.random(n)
