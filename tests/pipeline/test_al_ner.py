"""The al_ner component: training, probabilities, MC dropout, serialisation, scoring."""

from __future__ import annotations

import numpy
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import fix_random_seed

from spacy_al.errors import ModelNotFoundError, UnknownLabelError
from spacy_al.pipeline.build import create_al_nlp
from tests.conftest import LABELS, make_examples, train_steps

ARCHS = ["tiny_bert_nlp", "tok2vec_nlp"]


@pytest.fixture(params=ARCHS)
def nlp(request: pytest.FixtureRequest) -> Language:
    """Each architecture, trained a few steps (an untrained softmax head is uniform)."""
    nlp = request.getfixturevalue(request.param)
    train_steps(nlp, make_examples(nlp), steps=3, lr=5e-3)
    return nlp


def test_tag_names_and_labels(nlp: Language) -> None:
    pipe = nlp.get_pipe("al_ner")
    assert set(pipe.labels) == set(LABELS)
    assert pipe.tag_names[0] == "O" and len(pipe.tag_names) == 1 + 2 * len(LABELS)


def test_probabilities_sum_to_one_with_expected_shape(nlp: Language) -> None:
    docs = [nlp.make_doc("Angela Merkel visited Paris ."), nlp.make_doc(""), nlp.make_doc("UN")]
    probs = nlp.get_pipe("al_ner").predict_proba(docs, n_samples=3)
    assert [p.shape for p in probs] == [(3, 5, 7), (3, 0, 7), (3, 1, 7)]
    assert all(p.dtype == numpy.float32 for p in probs)
    numpy.testing.assert_allclose(probs[0].sum(-1), 1.0, atol=1e-5)


@pytest.mark.parametrize("mode", ["head", "full"])
def test_mc_samples_differ_with_dropout_and_match_without(nlp: Language, mode: str) -> None:
    pipe = nlp.get_pipe("al_ner")
    docs = [nlp.make_doc("Apple hired John Smith in London .")]
    same = pipe.predict_proba(docs, n_samples=4, dropout=0.0, mc_dropout=mode)[0]
    assert numpy.array_equal(same[0], same[3])
    numpy.testing.assert_allclose(same[0], pipe.predict_proba(docs)[0][0], atol=1e-6)
    mc = pipe.predict_proba(docs, n_samples=4, dropout=0.3, mc_dropout=mode)[0]
    assert not numpy.allclose(mc[0], mc[1])
    numpy.testing.assert_allclose(mc.sum(-1), 1.0, atol=1e-5)
    # predicting again afterwards is deterministic again (dropout restored)
    numpy.testing.assert_allclose(pipe.predict_proba(docs)[0], same[:1], atol=1e-6)


def test_training_lowers_the_loss(tiny_bert_nlp: Language) -> None:
    losses = train_steps(tiny_bert_nlp, make_examples(tiny_bert_nlp), steps=12, lr=3e-3)
    assert losses[-1] < losses[0] * 0.7


def test_trained_model_predicts_training_entities(tok2vec_nlp: Language) -> None:
    nlp = tok2vec_nlp
    train_steps(nlp, make_examples(nlp), steps=30, lr=5e-3)
    doc = nlp("Angela Merkel visited Paris in May .")
    assert [(e.text, e.label_) for e in doc.ents] == [("Angela Merkel", "PER"), ("Paris", "LOC")]
    scores = nlp.evaluate(make_examples(nlp))
    assert scores["ents_f"] > 0.9 and "PER" in scores["ents_per_type"]


def test_save_load_round_trip_gives_identical_predictions(nlp: Language, tmp_path) -> None:
    docs = [nlp.make_doc(t) for t in ("Kofi Annan met Apple in Geneva .", "the un")]
    before = nlp.get_pipe("al_ner").predict_proba(docs)
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    after = loaded.get_pipe("al_ner").predict_proba([loaded.make_doc(d.text) for d in docs])
    for a, b in zip(before, after, strict=True):
        numpy.testing.assert_allclose(a, b, atol=1e-6)
    assert loaded.get_pipe("al_ner").tag_names == nlp.get_pipe("al_ner").tag_names
    from_bytes = spacy.load(tmp_path / "pipe").from_bytes(nlp.to_bytes())
    numpy.testing.assert_allclose(
        from_bytes.get_pipe("al_ner").predict_proba([docs[0]])[0], before[0], atol=1e-6
    )


def test_loaded_transformer_needs_no_original_model_folder(tiny_bert_nlp, tmp_path) -> None:
    tiny_bert_nlp.to_disk(tmp_path / "pipe")
    config = (tmp_path / "pipe" / "config.cfg").read_text()
    (tmp_path / "pipe" / "config.cfg").write_text(
        config.replace(tiny_bert_nlp.config["components"]["al_ner"]["model"]["name"],
                       str(tmp_path / "gone"))
    )
    loaded = spacy.load(tmp_path / "pipe")
    assert len(loaded("Paris").ents) <= 1


def test_long_doc_is_tagged_whole(tiny_bert_nlp: Language) -> None:
    # the tiny BERT has 64 positions: this doc needs several windows
    doc = tiny_bert_nlp(" ".join(["Paris"] * 150))
    probs = tiny_bert_nlp.get_pipe("al_ner").predict_proba([doc])[0]
    assert probs.shape == (1, 150, 7)


def test_ents_are_always_valid_spans(tok2vec_nlp: Language) -> None:
    for doc in tok2vec_nlp.pipe(["Paris Paris Paris UN John", "", "a b c d e f g"]):
        for ent in doc.ents:
            assert ent.label_ in LABELS and 0 <= ent.start < ent.end <= len(doc)


def test_adding_a_label_after_initialisation_is_a_clear_error(tok2vec_nlp: Language) -> None:
    with pytest.raises(UnknownLabelError, match="before nlp.initialize"):
        tok2vec_nlp.get_pipe("al_ner").add_label("MISC")


def test_missing_local_model_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ModelNotFoundError, match="not a directory"):
        create_al_nlp(LABELS, "transformer", str(tmp_path / "no-such-model"))


def test_partially_annotated_tokens_get_no_gradient(tok2vec_nlp: Language) -> None:
    nlp = tok2vec_nlp
    ref = Doc(nlp.vocab, words=["John", "lives", "here"], ents=["B-PER", "", "O"])
    from spacy.training import Example

    eg = Example(Doc(nlp.vocab, words=["John", "lives", "here"]), ref)
    probs = nlp.get_pipe("al_ner").predict([eg.predicted])
    _, grads = nlp.get_pipe("al_ner").get_loss([eg], probs)
    assert numpy.all(grads[0][1] == 0) and not numpy.all(grads[0][0] == 0)


def test_embedded_default_resolves_offline() -> None:
    from spacy_al.models.embedded import embedded_model_path

    assert (embedded_model_path() / "config.json").exists()
    fix_random_seed(0)
