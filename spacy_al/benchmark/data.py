"""The data of a benchmark: the pool (train split, optionally a seeded sample), its gold
behind an oracle, and the test split."""

from __future__ import annotations

from dataclasses import dataclass

import spacy
from spacy.tokens import Doc

from ..corpora import read_docs
from ..loop.oracle import GoldOracle
from ..loop.pool_state import Pool, sample_docs
from .settings import BenchmarkSettings

POOL_SAMPLE_SEED = 0
"""The pool sample is the same for every strategy and seed of a benchmark."""


@dataclass
class BenchmarkData:
    pool: Pool
    oracle: GoldOracle
    test: list[Doc]
    labels: list[str]

    @property
    def gold(self) -> list[Doc]:
        """Every pool sentence's gold (for the full-data reference run only)."""
        return self.oracle.reveal(range(len(self.pool)))


def load_data(settings: BenchmarkSettings) -> BenchmarkData:
    """Read the pool and the test split as the settings say."""
    vocab = spacy.blank("en").vocab
    docs = [d for d in read_docs(settings.train, vocab, format=settings.format,
                                          **settings.source) if len(d)]
    docs = sample_docs(docs, settings.pool_sample, seed=POOL_SAMPLE_SEED)
    test = list(read_docs(settings.test, vocab, format=settings.format, **settings.source))
    if settings.test_limit:
        test = test[: settings.test_limit]
    labels = sorted({ent.label_ for doc in docs for ent in doc.ents})
    return BenchmarkData(Pool.from_docs(docs), GoldOracle(docs), test, labels)
