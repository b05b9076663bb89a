"""The embedded default encoder (all-MiniLM-L6-v2) learns real entities (slow: minutes on CPU)."""

from __future__ import annotations

import random

import pytest
from thinc.api import Adam, fix_random_seed

from spacy_al.corpora import read_docs
from spacy_al.corpora.registered import doc_to_example
from spacy_al.pipeline.build import create_al_nlp
from spacy_al.pipeline.evaluation import evaluate_docs
from tests.conftest import REPO

WIKIGOLD = REPO / "corpora" / "wikigold"


@pytest.mark.slow
def test_embedded_model_learns_wikigold_entities() -> None:
    fix_random_seed(0)
    nlp = create_al_nlp(["LOC", "MISC", "ORG", "PER"], "transformer")
    train = [d for d in read_docs(WIKIGOLD / "train.conll", nlp.vocab) if d.ents][:200]
    dev = list(read_docs(WIKIGOLD / "dev.conll", nlp.vocab))[:150]
    examples = [doc_to_example(nlp, doc) for doc in train]
    optimizer = Adam(2e-4)
    rng = random.Random(0)
    for _ in range(3):
        rng.shuffle(examples)
        for i in range(0, len(examples), 16):
            nlp.update(examples[i : i + 16], sgd=optimizer, drop=0.1)
    result = evaluate_docs(nlp, dev)
    assert result.f1 > 0.3, result  # measured: 0.41 (seed 0)
    doc = nlp("Barack Obama was born in Hawaii and worked for Google in California .")
    found = {(ent.text, ent.label_) for ent in doc.ents}
    assert found & {("Barack Obama", "PER"), ("Hawaii", "LOC"), ("California", "LOC"),
                    ("Google", "ORG")}, found
