"""Frozen lower layers computed once per sentence (``frozen_layers``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
import torch
from spacy.language import Language
from thinc.api import Model, fix_random_seed

from spacy_al.errors import ConfigError
from spacy_al.models.frozen_layers import LowerStates
from spacy_al.models.hf_encoder import int8_prediction
from spacy_al.pipeline.build import create_al_nlp
from tests.conftest import LABELS, make_examples, train_steps

TEXTS = ["Angela Merkel visited Paris .", "Apple hired John Smith in London .", "John"]


def _frozen_nlp(path: Path, frozen: int = 1) -> Language:
    fix_random_seed(0)
    return create_al_nlp(LABELS, "transformer", str(path), frozen_layers=frozen)


def _encoder(nlp: Language) -> Model:
    return nlp.get_pipe("al_ner").model.get_ref("encoder")


def _vectors(nlp: Language) -> list[np.ndarray]:
    docs = [nlp.make_doc(t) for t in TEXTS]
    return _encoder(nlp).predict(docs)


def test_frozen_layers_give_the_whole_encoders_output(tiny_bert_nlp: Language,
                                                      tiny_bert_path: Path) -> None:
    frozen = _frozen_nlp(tiny_bert_path)
    whole_module = _encoder(tiny_bert_nlp).shims[0]._model
    _encoder(frozen).shims[0]._model.load_state_dict(whole_module.state_dict())
    _encoder(frozen).attrs["hf"].lower.clear()  # the states of the initialisation's weights
    whole, split = _vectors(tiny_bert_nlp), _vectors(frozen)
    for a, b in zip(whole, split, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, atol=2e-3)  # the kept states are float16
    assert len(_encoder(frozen).attrs["hf"].lower) == len(TEXTS)


def test_a_kept_sentence_skips_the_lower_layers(tiny_bert_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    nlp = _frozen_nlp(tiny_bert_path)
    first = _vectors(nlp)
    calls: list[int] = []
    original = LowerStates.of

    def counting(self: LowerStates, rows, input_ids, mask, compute):  # type: ignore[no-untyped-def]
        return original(self, rows, input_ids, mask,
                        lambda ids, m: calls.append(len(ids)) or compute(ids, m))

    monkeypatch.setattr(LowerStates, "of", counting)
    again = _vectors(nlp)
    assert calls == [], "every row came from the kept states"
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_training_leaves_the_frozen_part_and_moves_the_rest(tiny_bert_path: Path) -> None:
    nlp = _frozen_nlp(tiny_bert_path)
    module = _encoder(nlp).shims[0]._model
    before = {name: p.detach().clone() for name, p in module.named_parameters()}
    train_steps(nlp, make_examples(nlp), steps=3)
    changed = {name for name, p in module.named_parameters()
               if not torch.equal(before[name], p.detach())}
    assert not any(n.startswith(("transformer.embeddings", "transformer.encoder.layer.0."))
                   for n in changed)
    assert any(n.startswith("transformer.encoder.layer.1.") for n in changed)
    assert all(not m.training for m in module._frozen()), "no dropout in the frozen part"


def test_int8_prediction_keeps_the_fp32_lower_states(tiny_bert_path: Path) -> None:
    nlp = _frozen_nlp(tiny_bert_path)
    encoder = _encoder(nlp)
    with int8_prediction(nlp.get_pipe("al_ner").model):
        _vectors(nlp)
    module = encoder.shims[0]._model
    kept = encoder.attrs["hf"].lower.states
    for row, state in kept.items():
        ids = torch.tensor([[2, *row, 3]])  # the tiny vocab's [CLS] and [SEP]
        fp32 = module.lower_states(ids, torch.ones_like(ids))[0]
        np.testing.assert_allclose(state.float().numpy(), fp32.numpy(), atol=2e-3)


def test_saved_pipeline_stays_frozen(tiny_bert_path: Path, tmp_path: Path) -> None:
    nlp = _frozen_nlp(tiny_bert_path)
    train_steps(nlp, make_examples(nlp), steps=1)
    expected = _vectors(nlp)
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    module = _encoder(loaded).shims[0]._model
    assert module.frozen_layers == 1
    assert not any(p.requires_grad for p in module.transformer.embeddings.parameters())
    for a, b in zip(expected, _vectors(loaded), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_a_full_cache_keeps_nothing_more_and_stays_right() -> None:
    states = LowerStates(max_bytes=2 * 4 * 2)  # room for one row of 2 positions x 4 wide
    ids = torch.tensor([[1, 5, 2, 0], [1, 6, 7, 2]])
    mask = (ids > 0).long()
    lower = states.of([[5], [6, 7]], ids, mask, lambda i, m: i[..., None].float().repeat(1, 1, 4))
    assert len(states) == 0  # the first row needs 3 positions: it does not fit either
    assert lower[1, 2].tolist() == [7.0] * 4 and lower[0, 3].tolist() == [0.0] * 4


@pytest.mark.parametrize("frozen", [2, 5])
def test_too_many_frozen_layers_say_how_many_there_are(tiny_bert_path: Path,
                                                        frozen: int) -> None:
    with pytest.raises(ConfigError, match="has 2 layers") as error:
        _frozen_nlp(tiny_bert_path, frozen)
    assert "frozen_layers between 0 and 1" in str(error.value)
