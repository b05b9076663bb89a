"""Score one chunk of a pool the same way on any worker: the core of both engines.

A chunk is ``batch_size`` consecutive entries starting at pool index ``start``. The
chunks are cut from the pool index alone, and each is scored with its own seed
``derive_seed(seed, start)`` (the thinc/numpy/torch generators for MC dropout, and a
fresh generator for a strategy that draws, like ``random``), so a chunk's scores do
not depend on which worker scores it, nor on what it scored before: a local run and
a sharded one give the same numbers. (For MC-dropout strategies the numbers do depend
on ``batch_size``, which cuts the chunks.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..acquisition import DEFAULT_STRATEGY, build_strategy
from ..loop.engine import derive_seed
from ..pipeline.pool_scoring import doc_embeddings, get_ner_pipe, score_batches, stack_rows


@dataclass(frozen=True)
class ScoreSpec:
    """What a worker needs to score chunks (plain values: it travels to Ray actors)."""

    model: str
    strategy: str = DEFAULT_STRATEGY
    options: dict[str, Any] = field(default_factory=dict)
    """Strategy options (``n_samples``, ``dropout``, ``mc_dropout``, ...)."""
    batch_size: int = 64
    seed: int = 0
    embeddings: bool = False
    component: str = "al_ner"
    threads: int = 0
    """torch threads of the worker that scores (0: as its process has them)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChunkScores:
    """One chunk's result: float64 scores and (if asked) float32 embeddings."""

    start: int
    scores: np.ndarray
    embeddings: np.ndarray | None = None


class ChunkScorer:
    """Loads the pipeline once and scores chunks of token lists."""

    def __init__(self, spec: ScoreSpec | Mapping[str, Any]) -> None:
        import spacy  # the worker loads its own copy of the pipeline

        self.spec = spec if isinstance(spec, ScoreSpec) else ScoreSpec(**spec)
        if self.spec.threads > 0:
            import torch

            torch.set_num_threads(self.spec.threads)
        self.nlp = spacy.load(self.spec.model)
        self.pipe = get_ner_pipe(self.nlp, self.spec.component)
        self.score_fn = build_strategy(self.spec.strategy, self.spec.options)

    @property
    def vocab(self) -> Vocab:
        return self.nlp.vocab

    def score(self, start: int, tokens: Sequence[Sequence[Mapping[str, Any]]]) -> ChunkScores:
        """Scores of the entries ``start, start + 1, ...`` given by their Prodigy tokens."""
        docs = [token_doc(self.nlp.vocab, entry) for entry in tokens]
        if not docs:
            return ChunkScores(start, np.zeros(0))
        [(batch, scores)] = list(score_batches(self.nlp, docs, self.score_fn,
                                               batch_size=len(docs),
                                               component=self.spec.component,
                                               seed=derive_seed(self.spec.seed, start)))
        vectors = None
        if self.spec.embeddings:
            vectors = stack_rows(doc_embeddings(self.pipe, batch))
        return ChunkScores(start, np.asarray(scores, dtype=np.float64), vectors)


def token_doc(vocab: Vocab, tokens: Sequence[Mapping[str, Any]]) -> Doc:
    """A Doc with exactly these tokens (words and trailing spaces)."""
    return Doc(vocab, words=[str(t["text"]) for t in tokens],
               spaces=[bool(t.get("ws", True)) for t in tokens])

