"""Rejected binary answers as negative evidence: the math, the Example, the training."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
from spacy.language import Language

from spacy_al.pipeline.decoding import (
    example_loss,
    make_tag_names,
    rejection_loss,
    span_tags,
    tag_cross_entropy,
)
from spacy_al.tasks import TokenSpan, answer_to_example
from spacy_al.training.trainer import TrainingRule, fit


def softmax(z: numpy.ndarray) -> numpy.ndarray:
    e = numpy.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_rejection_loss_known_values() -> None:
    probs = numpy.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    loss, d = rejection_loss(probs, [(0, 0)])
    assert loss == pytest.approx(-numpy.log(0.5))
    # p_k for k, -p_k p_j / (1 - p_k) for the others; token 1 untouched
    numpy.testing.assert_allclose(d, [[0.5, -0.3, -0.2], [0.0, 0.0, 0.0]])
    assert d[0].sum() == pytest.approx(0.0)  # a softmax-input gradient sums to zero


def test_rejection_loss_matches_finite_differences() -> None:
    z = numpy.random.default_rng(0).normal(size=(3, 5))
    cells = [(0, 1), (1, 3), (2, 3), (2, 0)]

    def total(logits: numpy.ndarray) -> float:
        return rejection_loss(softmax(logits), cells)[0]

    _, d = rejection_loss(softmax(z), cells)
    eps = 1e-6
    numeric = numpy.zeros_like(z)
    for index in numpy.ndindex(*z.shape):
        up, down = z.copy(), z.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (total(up) - total(down)) / (2 * eps)
    numpy.testing.assert_allclose(d, numeric, rtol=1e-5, atol=1e-8)


def test_rejection_loss_is_finite_when_the_rejected_tag_is_certain() -> None:
    loss, d = rejection_loss(numpy.array([[1.0, 0.0, 0.0]]), [(0, 0)])
    assert numpy.isfinite(loss) and numpy.isfinite(d).all()


@pytest.mark.parametrize(
    ("span", "scheme", "expected"),
    [
        (TokenSpan(2, 3, "PER"), "BIO", ["B-PER"]),
        (TokenSpan(2, 5, "PER"), "BIO", ["B-PER", "I-PER", "I-PER"]),
        (TokenSpan(0, 1, "ORG"), "BILUO", ["U-ORG"]),
        (TokenSpan(0, 2, "ORG"), "BILUO", ["B-ORG", "L-ORG"]),
        (TokenSpan(0, 3, "ORG"), "BILUO", ["B-ORG", "I-ORG", "L-ORG"]),
    ],
)
def test_span_tags(span: TokenSpan, scheme: str, expected: list[str]) -> None:
    assert span_tags(span, scheme) == expected


def binary_task(answer: str, token_start: int = 0, token_end: int = 1,
                label: str = "PER") -> dict:
    words = ["Ada", "Lovelace", "was", "born", "in", "London", "."]
    tokens, start = [], 0
    for i, word in enumerate(words):
        tokens.append({"text": word, "start": start, "end": start + len(word), "id": i,
                       "ws": i + 1 < len(words) - 1})
        start += len(word) + 1
    span = {"start": tokens[token_start]["start"], "end": tokens[token_end]["end"],
            "token_start": token_start, "token_end": token_end, "label": label}
    return {"text": " ".join(words), "tokens": tokens, "spans": [span], "_view_id": "ner",
            "_input_hash": 1, "answer": answer}


def test_rejected_binary_answer_example(tok2vec_nlp: Language) -> None:
    eg = answer_to_example(tok2vec_nlp.vocab, binary_task("reject", 0, 1))
    assert eg.get_aligned_ner() == [None] * 7  # says nothing about any token's gold
    assert [(s.start, s.end, s.label_) for s in eg.reference.spans["al_rejected"]] == [
        (0, 2, "PER")]
    accepted = answer_to_example(tok2vec_nlp.vocab, binary_task("accept", 0, 1))
    assert "al_rejected" not in accepted.reference.spans
    assert accepted.get_aligned_ner()[:3] == ["B-PER", "L-PER", None]


def test_example_loss_adds_the_rejection_to_the_cross_entropy(tok2vec_nlp: Language) -> None:
    tags = make_tag_names(["PER", "ORG"], "BIO")
    probs = softmax(numpy.random.default_rng(1).normal(size=(7, len(tags))))
    eg = answer_to_example(tok2vec_nlp.vocab, binary_task("reject", 0, 1))
    loss, d = example_loss(probs, eg, tags, "BIO")
    expected, d_expected = rejection_loss(probs, [(0, tags.index("B-PER")),
                                                  (1, tags.index("I-PER"))])
    assert loss == pytest.approx(expected)
    numpy.testing.assert_allclose(d, d_expected)
    # an accepted answer: only the usual cross-entropy of its known tokens
    accepted = answer_to_example(tok2vec_nlp.vocab, binary_task("accept", 5, 5, "ORG"))
    loss, d = example_loss(probs, accepted, tags, "BIO")
    gold = [-1] * 5 + [tags.index("B-ORG"), -1]
    assert (loss, d.tolist()) == (tag_cross_entropy(probs, gold)[0],
                                  tag_cross_entropy(probs, gold)[1].tolist())


def span_probability(nlp: Language, task: dict) -> float:
    """Mean probability the model gives the tags of ``task``'s span."""
    ner = nlp.get_pipe("al_ner")
    doc = answer_to_example(nlp.vocab, task).predicted
    probs = ner.predict_proba([doc])[0][0]
    span = task["spans"][0]
    token_span = TokenSpan(span["token_start"], span["token_end"] + 1, span["label"])
    tags = span_tags(token_span, ner.scheme)
    return float(numpy.mean([probs[token_span.start + i, ner.tag_names.index(tag)]
                             for i, tag in enumerate(tags)]))


RULE = TrainingRule(epochs=1, min_steps=15, batch_size=1, learn_rate=1e-2, dropout=0.0,
                    retrain="continue")


def test_training_on_a_rejected_span_lowers_its_probability(tok2vec_nlp: Language) -> None:
    task = binary_task("reject", 5, 5, "PER")  # "London" is not a PER
    before = span_probability(tok2vec_nlp, task)
    fit(tok2vec_nlp, [answer_to_example(tok2vec_nlp.vocab, task)], RULE, seed=0)
    after = span_probability(tok2vec_nlp, task)
    assert after < before * 0.5, (before, after)


def test_training_on_an_accepted_span_still_raises_it(tok2vec_nlp: Language) -> None:
    task = binary_task("accept", 5, 5, "PER")
    before = span_probability(tok2vec_nlp, task)
    fit(tok2vec_nlp, [answer_to_example(tok2vec_nlp.vocab, task)], RULE, seed=0)
    assert span_probability(tok2vec_nlp, task) > before


def test_the_model_service_trains_on_rejected_binary_answers(tok2vec_nlp_path: Path) -> None:
    from spacy_al.retraining.service import ModelService, ModelSpec

    spec = ModelSpec(model=str(tok2vec_nlp_path), mode="teach", eval_fraction=0.0,
                     stop_set_size=0, min_steps=15, learn_rate=1e-2, dropout=0.0)
    service = ModelService(spec)
    task = binary_task("reject", 5, 5, "PER")
    before = span_probability(service.nlp, task)
    manual = {**binary_task("reject"), "_view_id": "ner_manual"}  # a skipped sentence
    report = service.train([task, manual, {**binary_task("ignore"), "_input_hash": 2}])
    assert report["n_train"] == 1
    assert span_probability(service.nlp, task) < before * 0.5
