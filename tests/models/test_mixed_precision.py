"""bfloat16 training: training steps run the encoder in bf16, weights and predictions stay fp32."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import spacy
import torch
from spacy.language import Language
from thinc.api import fix_random_seed

from spacy_al.pipeline.build import create_al_nlp
from tests.conftest import LABELS, make_examples


def encoder(nlp: Language) -> torch.nn.Module:
    pipe = nlp.get_pipe("al_ner")
    node = next(n for n in pipe.model.walk() if n.shims)  # type: ignore[attr-defined]
    module: torch.nn.Module = node.shims[0]._model
    return module


def linear_dtypes(nlp: Language, run) -> set[torch.dtype]:  # type: ignore[no-untyped-def]
    """The dtypes the encoder's linear layers put out while ``run()`` runs."""
    seen: set[torch.dtype] = set()
    hooks = [m.register_forward_hook(lambda _m, _i, out: seen.add(out.dtype))
             for m in encoder(nlp).modules() if isinstance(m, torch.nn.Linear)]
    try:
        run()
    finally:
        for hook in hooks:
            hook.remove()
    return seen


def build(tiny_bert_path: Path, mixed_precision: bool) -> Language:
    fix_random_seed(0)
    return create_al_nlp(LABELS, "transformer", str(tiny_bert_path),
                         mixed_precision=mixed_precision)


def test_training_runs_in_bf16_and_predictions_in_fp32(tiny_bert_path: Path) -> None:
    nlp = build(tiny_bert_path, True)
    examples = make_examples(nlp)
    losses: dict[str, float] = {}
    before = [p.detach().clone() for p in encoder(nlp).parameters()]
    optimizer = nlp.resume_training()
    assert linear_dtypes(nlp, lambda: nlp.update(examples, sgd=optimizer, losses=losses)) == {
        torch.bfloat16}
    assert np.isfinite(losses["al_ner"]) and losses["al_ner"] > 0
    after = list(encoder(nlp).parameters())
    assert all(p.dtype == torch.float32 for p in after), "the weights stay fp32"
    assert any(not torch.equal(a, b) for a, b in zip(after, before, strict=True)), "it learns"
    texts = [eg.reference.text for eg in examples]
    assert linear_dtypes(nlp, lambda: list(nlp.pipe(texts))) == {torch.float32}


def test_the_flag_changes_training_only(tiny_bert_path: Path) -> None:
    bf16, fp32 = build(tiny_bert_path, True), build(tiny_bert_path, False)
    docs = [bf16.make_doc(eg.reference.text) for eg in make_examples(bf16)]
    probs = [bf16.get_pipe("al_ner").predict(docs), fp32.get_pipe("al_ner").predict(docs)]
    for a, b in zip(*probs, strict=True):
        np.testing.assert_array_equal(a, b)  # same seed, same weights: same fp32 predictions
    assert linear_dtypes(fp32, lambda: fp32.update(make_examples(fp32))) == {torch.float32}


def test_the_flag_is_part_of_the_config(tiny_bert_path: Path, tmp_path: Path) -> None:
    nlp = build(tiny_bert_path, True)
    assert nlp.config["components"]["al_ner"]["model"]["mixed_precision"] is True
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    examples = make_examples(loaded)
    assert linear_dtypes(loaded, lambda: loaded.update(examples)) == {torch.bfloat16}
