"""The local engine: every chunk of the pool scored in this process, in pool order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from ..errors import ConfigError
from ..store.arrow_pool import ArrowPool
from .chunks import ChunkScorer, ChunkScores, ScoreSpec


@dataclass(frozen=True)
class PoolResult:
    """Scores of a whole pool, in pool order (and embeddings if the selector needs them)."""

    scores: np.ndarray
    embeddings: np.ndarray | None = None


def score_local(pool: ArrowPool, spec: ScoreSpec, *, progress: bool = False) -> PoolResult:
    """Score ``pool`` chunk by chunk with one :class:`ChunkScorer` (memory: one chunk)."""
    scorer = ChunkScorer(spec)
    with tqdm(total=len(pool), unit="sent", disable=not progress) as bar:
        def chunks() -> Iterable[ChunkScores]:
            for start, rows in pool.iter_batches(spec.batch_size):
                yield scorer.score(start, [row["tokens"] for row in rows])
                bar.update(len(rows))

        return assemble(len(pool), chunks(), embeddings=spec.embeddings)


def assemble(size: int, chunks: Iterable[ChunkScores], *, embeddings: bool = False) -> PoolResult:
    """One pool-order result from chunks in any order (sorted by their start index);
    the chunks must cover ``0..size`` exactly once."""
    ordered = sorted(chunks, key=lambda chunk: chunk.start)
    position = 0
    for chunk in ordered:
        if chunk.start != position:
            raise ConfigError(f"The scored chunks do not tile the pool: a chunk starts at "
                              f"{chunk.start}, expected {position}.",
                              fix="score every chunk exactly once (a worker failed?).")
        position += len(chunk.scores)
    if position != size:
        raise ConfigError(f"{position} scores for a pool of {size} entries.",
                          fix="score every chunk exactly once (a worker failed?).")
    scores = np.concatenate([c.scores for c in ordered]) if ordered else np.zeros(0)
    if not embeddings:
        return PoolResult(scores)
    return PoolResult(scores, _stack_embeddings(ordered))


def _stack_embeddings(chunks: list[ChunkScores]) -> np.ndarray:
    """Chunks' embeddings in one matrix; a chunk of empty entries only has width 0."""
    width = max((c.embeddings.shape[1] for c in chunks if c.embeddings is not None), default=0)
    blocks = []
    for chunk in chunks:
        block = chunk.embeddings
        if block is None or block.shape[1] != width:
            block = np.zeros((len(chunk.scores), width), dtype=np.float32)
        blocks.append(block)
    return np.concatenate(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)
