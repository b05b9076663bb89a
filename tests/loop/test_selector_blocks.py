"""Sentence embeddings from the scoring pass, the selector/stopper config blocks, stop sets."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import spacy
from spacy.language import Language
from thinc.api import Config

from spacy_al.acquisition.selectors import NamedSelector
from spacy_al.acquisition.stoppers import StabilizingPredictions
from spacy_al.errors import ConfigError
from spacy_al.loop.reader import selector_spec
from spacy_al.pipeline.decoding import tags_to_spans
from spacy_al.pipeline.pool_scoring import score_pool, stop_set_tags

TEXTS = ["Angela Merkel visited Paris .", "Apple opened an office in London .", "",
         "John Smith works for the UN in Geneva .", "Angela Merkel visited Paris ."]


def test_predict_proba_leaves_its_encoder_output_on_the_docs(tok2vec_nlp: Language) -> None:
    pipe: Any = tok2vec_nlp.get_pipe("al_ner")
    docs = [tok2vec_nlp.make_doc(t) for t in TEXTS if t]
    assert pipe.stored_vectors(docs) is None
    first = pipe.predict_proba(docs)
    kept = pipe.stored_vectors(docs)
    assert kept is not None and [len(k) for k in kept] == [len(d) for d in docs]
    again = pipe.predict_proba(docs)  # reuses doc.tensor: same distributions
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(first, again, strict=True))


@pytest.mark.parametrize("strategy", ["mnlp", "bald", "random"])
def test_pool_embeddings_are_mean_token_vectors(tok2vec_nlp: Language, strategy: str) -> None:
    result = score_pool(tok2vec_nlp, TEXTS, strategy, batch_size=2, progress=False,
                        embeddings=True)
    assert result.embeddings is not None and result.embeddings.shape[0] == len(TEXTS)
    reference = [doc.tensor.mean(axis=0) for doc in tok2vec_nlp.pipe(t for t in TEXTS if t)]
    rows = [r for r, t in zip(result.embeddings, TEXTS, strict=True) if t]
    assert all(np.allclose(r, ref, atol=1e-5) for r, ref in zip(rows, reference, strict=True))
    assert not result.embeddings[2].any(), "an empty sentence embeds as zeros"
    assert np.allclose(result.embeddings[0], result.embeddings[4]), "duplicates embed alike"
    assert score_pool(tok2vec_nlp, TEXTS, strategy, progress=False).embeddings is None


def test_stop_set_tags_are_the_decoded_tags(tok2vec_nlp: Language) -> None:
    tags, uncertainty = stop_set_tags(tok2vec_nlp, TEXTS, batch_size=2)
    assert [len(t) for t in tags] == [len(tok2vec_nlp.make_doc(t)) for t in TEXTS]
    pipe: Any = tok2vec_nlp.get_pipe("al_ner")
    assert {tag for sentence in tags for tag in sentence} <= set(pipe.tag_names)
    assert uncertainty.shape == (len(TEXTS),) and uncertainty[2] == 0.0
    assert np.all((uncertainty >= 0) & (uncertainty <= 1))
    for doc, sentence in zip(tok2vec_nlp.pipe(t for t in TEXTS if t), [t for t in tags if t],
                             strict=True):  # the same entities as the component sets
        assert {(e.start, e.end, e.label_) for e in doc.ents} == set(tags_to_spans(sentence))


BLOCKS = """
[selector]
@al_selectors = "spacy-al.DiverseTopK.v1"
candidates = 2

[any]
@al_selectors = "spacy-al.Selector.v1"
name = "spacy-al.TopK.v1"

[stopper]
@al_stoppers = "spacy-al.StabilizingPredictions.v1"
threshold = 0.95
window = 2
"""


@pytest.mark.parametrize("registry", ["al", "misc"])
def test_selector_and_stopper_blocks_resolve_in_a_spacy_config(registry: str) -> None:
    """Blocks name spacy-al's registries directly; the old ``@misc`` names of the same
    builders still resolve, for configs written before."""
    text = BLOCKS if registry == "al" else re.sub(r"@al_\w+", "@misc", BLOCKS)
    resolved = spacy.registry.resolve(Config().from_str(text))
    selector = resolved["selector"]
    assert isinstance(selector, NamedSelector) and selector.needs_embeddings
    assert selector_spec(selector) == {"@selectors": "spacy-al.DiverseTopK.v1",
                                       "candidates": 2, "fill": 0.95}
    assert selector_spec(resolved["any"]) == {"@selectors": "spacy-al.TopK.v1"}
    assert selector_spec(None) == {}
    stopper = resolved["stopper"]
    assert isinstance(stopper, StabilizingPredictions)
    assert (stopper.threshold, stopper.window) == (0.95, 2)


def test_a_plain_callable_selector_says_how_to_fix() -> None:
    with pytest.raises(ConfigError, match="spacy-al.Selector.v1"):
        selector_spec(lambda *args: np.zeros(0, np.int64))
