"""Fixtures of the Prodigy-command tests: a plain spaCy pipeline built here (no download)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.training import Example
from thinc.api import fix_random_seed

from tests.conftest import TRAIN_DATA


def build_ner_pipeline(folder: Path, lang: str = "en", steps: int = 30) -> Path:
    """spacy.blank + spaCy's own ner, a few updates on TRAIN_DATA, saved: no al_ner."""
    fix_random_seed(0)
    nlp = spacy.blank(lang)
    nlp.add_pipe("ner")
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": spans})
                for text, spans in TRAIN_DATA]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(steps):
        nlp.update(examples, sgd=optimizer)
    nlp.to_disk(folder)
    return folder


@pytest.fixture(scope="session")
def ner_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ner_pipeline(tmp_path_factory.mktemp("models") / "plain_ner")
