"""Score a whole pool and write its best entries as ranked tasks (``spacy-al score``).

The pool goes to Arrow first (:mod:`spacy_al.store.arrow_pool`, memory-mapped), then
an engine scores it chunk by chunk: :func:`.local_engine.score_local` in this process,
or :func:`.ray_engine.score_ray` sharded over Ray Data actors (the ``ray`` extra). Both
score the same chunks with the same seeds (:mod:`.chunks`), so they write the same file.
"""

from __future__ import annotations

from .chunks import ChunkScorer, ChunkScores, ScoreSpec
from .local_engine import PoolResult, assemble, score_local
from .ranked_tasks import ranked_task, ranking, write_tasks
from .score_job import ENGINES, ScoreReport, score_to_jsonl

__all__ = [
    "ENGINES",
    "ChunkScorer",
    "ChunkScores",
    "PoolResult",
    "ScoreReport",
    "ScoreSpec",
    "assemble",
    "ranked_task",
    "ranking",
    "score_local",
    "score_to_jsonl",
    "write_tasks",
]
