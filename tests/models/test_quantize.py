"""Int8 prediction of the transformer encoder (``quantize = true``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import spacy
import torch
from spacy.language import Language

from spacy_al.models import quantize
from tests.conftest import make_examples, train_steps

QUANTIZED = {"components": {"al_ner": {"model": {"quantize": True}}}}
TEXTS = ["Angela Merkel visited Paris .", "Apple hired John Smith in London ."]


def _encoder_module(nlp: Language) -> torch.nn.Module:
    return nlp.get_pipe("al_ner").model.get_ref("encoder").shims[0]._model


def _probs(nlp: Language) -> list[np.ndarray]:
    return nlp.get_pipe("al_ner").predict_proba([nlp.make_doc(t) for t in TEXTS])


def test_config_override_survives_loading_and_predicts_with_int8(
    tiny_bert_nlp: Language, tmp_path: Path
) -> None:
    train_steps(tiny_bert_nlp, make_examples(tiny_bert_nlp), steps=2)
    tiny_bert_nlp.to_disk(tmp_path / "nlp")
    fp32 = spacy.load(tmp_path / "nlp")
    int8 = spacy.load(tmp_path / "nlp", config=QUANTIZED)
    assert int8.get_pipe("al_ner").model.get_ref("encoder").attrs["quantize"]
    assert not fp32.get_pipe("al_ner").model.get_ref("encoder").attrs["quantize"]
    exact, approx = _probs(fp32), _probs(int8)
    copy = quantize._QUANTIZED.get(_encoder_module(int8))
    assert copy is not None, "prediction made an int8 copy"
    assert any(m._get_name() == "DynamicQuantizedLinear" for m in copy.modules())
    for a, b in zip(exact, approx, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(b.sum(-1), 1.0, rtol=1e-5)
        assert np.abs(a - b).max() < 0.1, "int8 stays close to fp32"
        assert not np.array_equal(a, b), "int8 really ran"


def test_training_drops_the_int8_copy_and_mc_dropout_uses_fp32(
    tiny_bert_nlp: Language, tmp_path: Path
) -> None:
    train_steps(tiny_bert_nlp, make_examples(tiny_bert_nlp), steps=2)
    tiny_bert_nlp.to_disk(tmp_path / "nlp")
    nlp = spacy.load(tmp_path / "nlp", config=QUANTIZED)
    _probs(nlp)
    module = _encoder_module(nlp)
    assert module in quantize._QUANTIZED
    pipe = nlp.get_pipe("al_ner")
    samples = pipe.predict_proba([nlp.make_doc(TEXTS[0])], n_samples=3, dropout=0.2,
                                 mc_dropout="full")[0]
    assert not np.allclose(samples[0], samples[1]), "full MC dropout samples differ"
    train_steps(nlp, make_examples(nlp), steps=1)
    assert module not in quantize._QUANTIZED, "updated weights invalidate the int8 copy"
