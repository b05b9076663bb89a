"""Fixtures of the pipeline tests: a pipeline with a fake ``al_ner`` of known output."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import spacy
from spacy.language import Language

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "strategy_plugin"


def load_fake_ner() -> ModuleType:
    """Import ``tests/fixtures/strategy_plugin/fake_ner.py`` (once) by its path."""
    name = "spacy_al_test_fake_ner"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / "fake_ner.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def fake_ner() -> ModuleType:
    return load_fake_ner()


@pytest.fixture
def fake_nlp(fake_ner: ModuleType) -> Language:
    """A blank English pipeline whose ``al_ner`` is the fake of ``fake_ner.py``."""
    nlp = spacy.blank("en")
    nlp.add_pipe(fake_ner.FACTORY, name="al_ner")
    return nlp
