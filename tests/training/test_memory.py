"""Releasing a training round's memory: gradients dropped, training goes on."""

from __future__ import annotations

from spacy.language import Language
from spacy.training import Example
from thinc.api import Adam

from spacy_al.training.memory import release_training_memory, trim_heap
from tests.conftest import TRAIN_DATA


def _torch_params(nlp: Language) -> list:
    params = []
    for node in nlp.get_pipe("al_ner").model.walk():  # type: ignore[attr-defined]
        for shim in getattr(node, "shims", ()):
            params += list(shim._model.parameters())
    return params


def test_gradients_are_freed_and_training_continues(tiny_bert_nlp: Language) -> None:
    examples = [Example.from_dict(tiny_bert_nlp.make_doc(text), {"entities": ents})
                for text, ents in TRAIN_DATA]
    optimizer = Adam(1e-3)
    tiny_bert_nlp.update(examples, sgd=optimizer)
    params = _torch_params(tiny_bert_nlp)
    assert params and any(p.grad is not None for p in params)  # thinc zeroes, keeps them
    release_training_memory(tiny_bert_nlp)
    assert all(p.grad is None for p in params)
    before = [p.detach().clone() for p in params]
    losses: dict = {}
    tiny_bert_nlp.update(examples, sgd=optimizer, losses=losses)  # allocated again
    assert losses["al_ner"] > 0
    assert any(not (a == p.detach()).all() for a, p in zip(before, params, strict=True))
    trim_heap()  # safe to call at any time
