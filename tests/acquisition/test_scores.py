"""Known-answer tests of the pure numpy formulas, computed by hand on tiny arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spacy_al.acquisition import scores

LN2, LN3 = math.log(2), math.log(3)
H_09 = -(0.9 * math.log(0.9) + 0.1 * math.log(0.1))  # entropy of [0.9, 0.1]
H_08 = -(0.8 * math.log(0.8) + 0.2 * math.log(0.2))  # entropy of [0.8, 0.2]

# one sentence, one sample, two tokens: [0.5, 0.5] and [0.9, 0.1]
SENT = np.array([[[0.5, 0.5], [0.9, 0.1]]])
EMPTY = np.zeros((1, 0, 2))


def batch(*sentences: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return scores.pad_batch(list(sentences))


def test_pad_batch_shapes_and_mask() -> None:
    probs, mask = batch(SENT, EMPTY, SENT[:, :1])
    assert probs.shape == (3, 1, 2, 2)
    assert mask.tolist() == [[True, True], [False, False], [True, False]]
    assert probs[2, 0, 1].tolist() == [0.0, 0.0]


def test_pad_batch_reads_2d_as_one_sample() -> None:
    probs, _ = scores.pad_batch([SENT[0]])
    assert probs.shape == (1, 1, 2, 2)


def test_pad_batch_rejects_mixed_samples() -> None:
    with pytest.raises(ValueError, match="n_samples, n_tags"):
        scores.pad_batch([SENT, np.repeat(SENT, 2, axis=0)])


def test_mnlp_known_answer() -> None:
    expected = -(math.log(0.5) + math.log(0.9)) / 2  # 0.39925...
    assert scores.mnlp(*batch(SENT, EMPTY)) == pytest.approx([expected, 0.0])


def test_mnlp_uses_first_sample() -> None:
    two = np.stack([SENT[0], np.array([[1.0, 0.0], [1.0, 0.0]])])
    assert scores.mnlp(*batch(two))[0] == pytest.approx(-(math.log(0.5) + math.log(0.9)) / 2)


def test_token_entropy_known_answer() -> None:
    mean = scores.token_entropy_score(*batch(SENT, EMPTY))
    total = scores.token_entropy_score(*batch(SENT, EMPTY), normalize=False)
    assert mean == pytest.approx([(LN2 + H_09) / 2, 0.0])
    assert total == pytest.approx([LN2 + H_09, 0.0])


def test_token_entropy_of_one_hot_is_zero() -> None:
    one_hot = np.array([[[1.0, 0.0, 0.0]]])
    assert scores.token_entropy_score(*batch(one_hot)) == pytest.approx([0.0])


def test_least_confidence_known_answer() -> None:
    assert scores.least_confidence(*batch(SENT, EMPTY)) == pytest.approx([1 - 0.5 * 0.9, 0.0])


def test_margin_known_answer() -> None:
    # margins 0.0 and 0.8 -> 1 - 0.4
    assert scores.margin(*batch(SENT, EMPTY)) == pytest.approx([0.6, 0.0])


def test_three_tag_uniform_known_answers() -> None:
    uniform = np.full((1, 2, 3), 1 / 3)
    probs, mask = batch(uniform)
    assert scores.mnlp(probs, mask) == pytest.approx([LN3])
    assert scores.token_entropy_score(probs, mask) == pytest.approx([LN3])
    assert scores.least_confidence(probs, mask) == pytest.approx([1 - 1 / 9])
    assert scores.margin(probs, mask) == pytest.approx([1.0])


def test_bald_mutual_information_known_answers() -> None:
    # token 1: samples one-hot on different tags -> H(mean) = ln 2, mean H = 0
    # token 2: samples agree -> 0
    disagree = np.array([[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [1.0, 0.0]]])
    soft = np.array([[[0.8, 0.2]], [[0.2, 0.8]]])  # H(mean) = ln 2, mean H = H(0.8)
    result = scores.bald(*batch(disagree, soft, np.zeros((2, 0, 2))))
    assert result == pytest.approx([LN2 / 2, LN2 - H_08, 0.0])


def test_bald_vote_known_answers() -> None:
    disagree = np.array([[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [1.0, 0.0]]])
    three = np.array([[[0.6, 0.4]], [[0.7, 0.3]], [[0.1, 0.9]]])  # votes 0, 0, 1
    result = scores.bald(*batch(disagree), variant="vote")
    assert result == pytest.approx([(0.5 + 0.0) / 2])
    assert scores.bald(*batch(three), variant="vote") == pytest.approx([1 - 2 / 3])


def test_bald_single_sample_is_zero() -> None:
    assert scores.bald(*batch(SENT)) == pytest.approx([0.0])


def test_bald_unknown_variant() -> None:
    with pytest.raises(ValueError, match="variant"):
        scores.bald(*batch(SENT), variant="entropy")


def test_random_scores_in_unit_interval_and_zero_when_empty() -> None:
    rng = np.random.default_rng(3)
    result = scores.random_scores(*batch(SENT, EMPTY, SENT), rng=rng)
    expected = np.random.default_rng(3).random(3)
    assert result.tolist() == [expected[0], 0.0, expected[2]]


def test_padding_does_not_change_scores() -> None:
    rng = np.random.default_rng(0)
    sentences = [rng.dirichlet(np.ones(4), size=(3, n)) for n in (1, 5, 2, 7)]
    fns = [scores.mnlp, scores.token_entropy_score, scores.least_confidence, scores.margin]
    for fn in [*fns, scores.bald]:
        together = fn(*batch(*sentences))
        alone = [fn(*batch(s))[0] for s in sentences]
        assert together == pytest.approx(alone)


def test_token_functions_shapes() -> None:
    probs = np.random.default_rng(0).dirichlet(np.ones(5), size=(2, 4, 3))
    assert scores.token_entropy(probs).shape == (2, 4, 3)
    assert scores.token_margin(probs).shape == (2, 4, 3)
    assert scores.token_mutual_information(probs).shape == (2, 3)
    assert scores.token_vote_disagreement(probs).shape == (2, 3)


def test_masked_mean_of_empty_row_is_zero() -> None:
    values = np.array([[1.0, 3.0], [5.0, 7.0]])
    mask = np.array([[True, True], [False, False]])
    assert scores.masked_mean(values, mask).tolist() == [2.0, 0.0]
    assert scores.masked_sum(values, mask).tolist() == [4.0, 0.0]
