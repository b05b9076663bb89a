"""``beam_uncertainty``: the Prodigy-style peer baseline (``ner.teach`` today).

spaCy's transition-based ``beam_ner`` is trained on the same labelled set (same
tok2vec as ``configs/ner_tok2vec.cfg``, same epochs and batches). Each pool
sentence is beam-parsed; a candidate entity's probability is the summed
probability of the beam parses that contain it (``EntityRecognizer.scored_ents``),
and a sentence scores ``1 - 2 |p - 0.5|`` for its most uncertain candidate (the
one closest to 0.5), 0 where the beam proposes no entity. The selected sentences
then train the same ``al_ner`` model as every other strategy, so the F1 compares
the *selection*; the peer's own test F1 is reported beside it as ``peer_f1``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import fix_random_seed

from ..pipeline.build import cnn_tok2vec_config
from ..pipeline.pool_scoring import iter_batches
from .settings import BenchmarkSettings

BEAM_DENSITY = 0.0001
TOK2VEC_ROWS = (5000, 2500, 2500, 1000)
"""The embedding rows of ``configs/ner_tok2vec.cfg`` (what a spaCy user's beam_ner gets)."""


def beam_ner_config(settings: BenchmarkSettings) -> dict:
    """``beam_ner`` on the tok2vec of ``configs/ner_tok2vec.cfg`` (width from the settings)."""
    width = settings.tok2vec_width
    return {
        "beam_width": settings.beam_width,
        "beam_density": BEAM_DENSITY,
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": 64,
            "maxout_pieces": 2,
            "use_upper": True,
            "tok2vec": cnn_tok2vec_config(width, 4, TOK2VEC_ROWS),
        },
    }


def new_beam_nlp(labels: Sequence[str], seed: int, *, settings: BenchmarkSettings) -> Language:
    """A blank English pipeline with an initialised ``beam_ner`` for ``labels``."""
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    ner: Any = nlp.add_pipe("beam_ner", config=beam_ner_config(settings))
    for label in labels:
        ner.add_label(label)
    sample = [Example(nlp.make_doc("x"), nlp.make_doc("x"))]
    nlp.initialize(lambda: sample)
    return nlp


def sentence_uncertainty(entity_probs: Iterable[float]) -> float:
    """``1 - 2 |p - 0.5|`` of the candidate closest to 0.5; 0 without candidates."""
    probs = np.fromiter(entity_probs, dtype=np.float64)
    if probs.size == 0:
        return 0.0
    return float(1.0 - 2.0 * np.abs(np.clip(probs, 0.0, 1.0) - 0.5).min())


def beam_uncertainty_scores(
    nlp: Language, docs: Iterable[Doc], batch_size: int = 64, beam_width: int = 16
) -> np.ndarray:
    """One score per doc (higher = more uncertain), streaming in batches."""
    ner: Any = nlp.get_pipe("beam_ner")
    scores: list[float] = []
    for batch in iter_batches(docs, batch_size):
        rows = [doc for doc in batch if len(doc)]
        beams = ner.beam_parse(rows, beam_width=beam_width, beam_density=BEAM_DENSITY) if rows \
            else []
        by_doc = iter(ner.scored_ents(beams)) if rows else iter(())
        for doc in batch:
            scores.append(sentence_uncertainty(next(by_doc).values()) if len(doc) else 0.0)
    return np.asarray(scores, dtype=np.float64)
