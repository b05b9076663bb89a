"""The al_scorer component: sentence and doc scores written after al_ner."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from spacy_al.errors import ConfigError, UnknownNameError
from spacy_al.pipeline.al_scorer import ALScorer
from spacy_al.registry import build
from tests.pipeline.conftest import load_fake_ner

LN3, PEAKED = math.log(3), -math.log(0.9)


def fake_nlp(sentencizer: bool = True, **config: object) -> Language:
    nlp = spacy.blank("en")
    if sentencizer:
        nlp.add_pipe("sentencizer")
    nlp.add_pipe(load_fake_ner().FACTORY, name="al_ner")
    nlp.add_pipe("al_scorer", config=config)
    return nlp


def test_sentence_and_doc_scores() -> None:
    nlp = fake_nlp(strategies=["mnlp", "bald", "token_entropy"])
    doc = nlp("hello world . SHOUT ?")
    first, second = list(doc.sents)
    assert list(first._.al_scores) == ["mnlp", "bald", "token_entropy"]
    assert first._.al_scores["mnlp"] == pytest.approx(PEAKED)
    assert second._.al_scores["mnlp"] == pytest.approx((LN3 + PEAKED) / 2)
    assert first._.al_scores["bald"] == pytest.approx(0.0)
    assert second._.al_scores["bald"] == pytest.approx(math.log(2) / 2)
    assert doc._.al_score == pytest.approx((LN3 + 4 * PEAKED) / 5), "mnlp of the whole doc"


def test_one_model_call_per_sampling_group() -> None:
    nlp = fake_nlp(strategies=["mnlp", "bald", "margin"], n_samples=4, mc_dropout="full")
    nlp("a b . C")
    assert nlp.get_pipe("al_ner").calls == [(1, 1, 0.0, "head"), (1, 4, 0.1, "full")]


def test_main_strategy_sets_the_doc_score() -> None:
    nlp = fake_nlp(strategies=["mnlp", "least_confidence"], strategy="least_confidence")
    doc = nlp("A b")
    assert doc._.al_score == pytest.approx(1 - (1 / 3) * 0.9)


def test_whole_doc_as_sentence() -> None:
    nlp = fake_nlp(strategies=["mnlp"], sentences="doc")
    doc = nlp("one . TWO .")
    assert doc[:]._.al_scores["mnlp"] == pytest.approx(doc._.al_score)
    assert doc._.al_score == pytest.approx((LN3 + 3 * PEAKED) / 4)


def test_sents_without_boundaries_scores_the_doc() -> None:
    doc = fake_nlp(sentencizer=False)("one . TWO .")
    assert doc[:]._.al_scores["mnlp"] == pytest.approx(doc._.al_score)


def test_empty_doc_scores_zero() -> None:
    doc = fake_nlp(strategies=["mnlp", "bald", "margin", "random"])("")
    assert doc._.al_score == 0.0
    assert doc[:]._.al_scores == {"mnlp": 0.0, "bald": 0.0, "margin": 0.0, "random": 0.0}


def test_nlp_pipe_batches_match_single_calls() -> None:
    texts = ["a b . C D .", "", "E f", "g . h . I", "J"] * 3
    single = fake_nlp(strategies=["mnlp", "bald"])
    batched = fake_nlp(strategies=["mnlp", "bald"])
    expected = [single(text) for text in texts]
    docs = list(batched.pipe(texts, batch_size=4))
    for got, want in zip(docs, expected, strict=True):
        assert got._.al_score == pytest.approx(want._.al_score)
        for a, b in zip(got.sents, want.sents, strict=True):
            assert a._.al_scores == pytest.approx(b._.al_scores)
    sizes = [n for n, samples, *_ in batched.get_pipe("al_ner").calls if samples == 1]
    assert max(sizes) <= 4 and sum(sizes) == 12, "empty docs never reach the model"


def test_strategy_options_and_registered_names() -> None:
    nlp = fake_nlp(
        strategies=["spacy-al.TokenEntropy.v1"],
        strategy_options={"spacy-al.TokenEntropy.v1": {"normalize": False}},
        sentences="doc",
    )
    assert nlp("A B C")._.al_score == pytest.approx(3 * LN3)


def test_random_is_seeded_from_options() -> None:
    texts = ["a b", "c d", "e"]
    first = [d._.al_score for d in fake_nlp(strategies=["random"]).pipe(texts)]
    second = [d._.al_score for d in fake_nlp(strategies=["random"]).pipe(texts)]
    other = fake_nlp(strategies=["random"], strategy_options={"random": {"seed": 5}})
    assert first == second
    assert first != [d._.al_score for d in other.pipe(texts)]


@pytest.mark.parametrize(
    "config, error, match",
    [
        ({"strategies": ["nope"]}, UnknownNameError, "nope"),
        ({"strategies": []}, ConfigError, "at least one"),
        ({"strategies": ["mnlp"], "strategy": "bald"}, ConfigError, "not among"),
        ({"sentences": "paragraphs"}, ConfigError, "sentence source"),
        ({"mc_dropout": "half"}, ConfigError, "mc_dropout"),
        (
            {"strategies": ["bald"], "strategy_options": {"bald": {"n_samples": 1}}},
            ConfigError,
            "n_samples",
        ),
    ],
)
def test_config_errors(config: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        fake_nlp(**config)


def test_missing_ner_component() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("al_scorer")
    with pytest.raises(ConfigError, match="no component 'al_ner'"):
        nlp("text")


def test_extensions_registered_once() -> None:
    fake_nlp()
    fake_nlp()
    assert Doc.has_extension("al_score")
    assert isinstance(fake_nlp().get_pipe("al_scorer"), ALScorer)


def test_with_real_al_ner(tok2vec_nlp: Language, tmp_path: Path) -> None:
    tok2vec_nlp.add_pipe("sentencizer", first=True)
    tok2vec_nlp.add_pipe("al_scorer", config={"strategies": ["mnlp", "bald"]})
    texts = ["Angela Merkel visited Paris . Apple hired John Smith .", "", "Kofi Annan met."]
    docs = list(tok2vec_nlp.pipe(texts, batch_size=2))
    sentence_scores = [s._.al_scores for d in docs[::2] for s in d.sents]
    assert len(sentence_scores) == 3
    assert all(np.isfinite(v) and v >= 0 for s in sentence_scores for v in s.values())
    assert all(s["bald"] > 0 for s in sentence_scores), "distinct MC-dropout samples"
    doc = docs[0]
    assert doc._.al_score == pytest.approx(
        float(build("strategy", "mnlp")(tok2vec_nlp.get_pipe("al_ner").predict_proba([doc]))[0]),
        rel=1e-4,
    )
    assert docs[1]._.al_score == 0.0
    tok2vec_nlp.to_disk(tmp_path / "nlp")
    reloaded = spacy.load(tmp_path / "nlp")
    assert reloaded.get_pipe("al_scorer").strategy_names == ["mnlp", "bald"]
    assert reloaded(texts[0])._.al_score == pytest.approx(doc._.al_score, rel=1e-4)


def test_scorer_reuses_the_encodings_of_al_ner(
    tok2vec_nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    tok2vec_nlp.add_pipe("sentencizer", first=True)
    tok2vec_nlp.add_pipe("al_scorer", config={"strategies": ["mnlp", "bald"]})
    pipe = tok2vec_nlp.get_pipe("al_ner")
    encoder = pipe.model.get_ref("encoder")
    encoded: list[int] = []
    forward = encoder._func

    def counting(model, docs, is_train):  # type: ignore[no-untyped-def]
        encoded.append(len(docs))
        return forward(model, docs, is_train)

    monkeypatch.setattr(encoder, "_func", counting)
    texts = ["Angela Merkel visited Paris .", "Apple hired John Smith .", "Kofi Annan met ."]
    docs = list(tok2vec_nlp.pipe(texts, batch_size=2))
    assert sum(encoded) == len(texts), "one encoder pass per doc for al_ner and al_scorer"
    assert all(d.tensor.shape[0] == len(d) for d in docs), "the vectors live on the Doc"
    fresh = [tok2vec_nlp.make_doc(t) for t in texts]
    expected = build("strategy", "mnlp")(pipe.predict_proba(fresh))
    assert [d._.al_score for d in docs] == pytest.approx(list(expected), rel=1e-5)


def test_disabling_al_scorer_leaves_al_ner_as_it_was(
    tok2vec_nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["Angela Merkel visited Paris .", "Apple hired John Smith ."]
    alone = [d.to_json() for d in tok2vec_nlp.pipe(texts)]
    tok2vec_nlp.add_pipe("al_scorer", config={"strategies": ["mnlp"]})
    pipe = tok2vec_nlp.get_pipe("al_ner")
    state = dict(vars(pipe))
    without = list(tok2vec_nlp.pipe(texts, disable=["al_scorer"]))
    assert [d.to_json() for d in without] == alone
    assert all(d._.al_score is None for d in without)
    with tok2vec_nlp.select_pipes(disable=["al_scorer"]):
        assert [d.to_json() for d in tok2vec_nlp.pipe(texts)] == alone
    assert vars(pipe) == state, "al_scorer changes nothing on al_ner"


def test_vectors_of_older_weights_are_never_reused(tok2vec_nlp: Language) -> None:
    from tests.conftest import make_examples, train_steps

    doc = tok2vec_nlp("Angela Merkel visited Paris .")
    pipe = tok2vec_nlp.get_pipe("al_ner")
    assert pipe.stored_vectors([doc]) is not None
    train_steps(tok2vec_nlp, make_examples(tok2vec_nlp), steps=1)
    assert pipe.stored_vectors([doc]) is None, "the weights changed: recompute"
    fresh = tok2vec_nlp.make_doc(doc.text)
    assert pipe.predict_proba([doc])[0] == pytest.approx(pipe.predict_proba([fresh])[0])
