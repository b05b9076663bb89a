"""The Ray engine: the pool's chunks sharded over Ray Data actors (``pip install
'spacy-al[ray]'``).

Each Ray row is one chunk (its pool start index and its entries' words and spaces),
so a chunk is never split or merged whatever blocks Ray makes. ``map_batches`` runs
:class:`RayChunkScorer` actors (``num_workers`` of them, ``cpus_per_worker`` CPUs and
torch threads each), each loading
the pipeline once; each chunk is scored with its own seed (:mod:`.chunks`) and the
results are put back in pool order by start index: the same numbers as the local engine.

The driver reads the pool and holds its tokens once (in Ray's object store) while the
actors work; the workers need spacy-al installed and the MODEL folder at the same path.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..store.arrow_pool import ArrowPool
from .chunks import ChunkScorer, ChunkScores, ScoreSpec
from .local_engine import PoolResult, assemble


def import_ray() -> ModuleType:
    """``ray`` (with Ray Data), or a clear error saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  (Ray Data is the ``data`` extra of ray)
    except ImportError as error:
        raise ConfigError(f"--engine ray needs Ray Data, which is not installed ({error}).",
                          fix="pip install 'spacy-al[ray]' (or pip install 'ray[data]>=2.9'), "
                          "or use --engine local.") from None
    return ray


class RayChunkScorer:
    """A Ray Data callable class: loads the pipeline once per actor, scores chunk rows."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.scorer = ChunkScorer(spec)

    def __call__(self, batch: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        results = [self.scorer.score(int(start), decode_tokens(str(text)))
                   for start, text in zip(batch["start"], batch["tokens"], strict=True)]
        return {
            "start": np.asarray([r.start for r in results], dtype=np.int64),
            "scores": _object_array([r.scores.astype(np.float64).tobytes() for r in results]),
            "embeddings": _object_array([b"" if r.embeddings is None else
                                         r.embeddings.astype(np.float32).tobytes()
                                         for r in results]),
        }


def score_ray(pool: ArrowPool, spec: ScoreSpec, *, address: str | None = None,
              num_workers: int = 1, cpus_per_worker: int = 1) -> PoolResult:
    """Score ``pool`` on a Ray cluster (``address``; None: the running one or a new local
    one) with ``num_workers`` actors of ``cpus_per_worker`` CPUs (and torch threads) each.
    A Ray this call started is shut down after."""
    if num_workers < 1 or cpus_per_worker < 1:
        raise ConfigError(f"--num-workers and --cpus-per-worker must be >= 1, got "
                          f"{num_workers} and {cpus_per_worker}.",
                          fix="use e.g. --num-workers 2 --cpus-per-worker 1 (workers x CPUs "
                          "per worker: the CPU cores to use).")
    ray = import_ray()
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, num_cpus=None if address else num_workers * cpus_per_worker,
                 include_dashboard=False, log_to_driver=False)
    spec = dataclasses.replace(spec, threads=cpus_per_worker)
    try:
        items = list(chunk_rows(pool, spec.batch_size))
        dataset = ray.data.from_items(items, override_num_blocks=max(1, min(len(items),
                                                                           4 * num_workers)))
        scored = dataset.map_batches(RayChunkScorer, fn_constructor_kwargs={"spec": spec.to_dict()},
                                     batch_size=1, num_cpus=cpus_per_worker,
                                     batch_format="numpy",
                                     **actor_pool(ray, num_workers))
        chunks = [decode_result(row) for row in scored.iter_rows()]
    finally:
        if started:
            ray.shutdown()
    return assemble(len(pool), chunks, embeddings=spec.embeddings)


def actor_pool(ray: ModuleType, num_workers: int) -> dict[str, Any]:
    """``num_workers`` actors, as this Ray asks for them: ``concurrency=`` from 2.9,
    ``compute=ActorPoolStrategy(size=)`` again from 2.51 (``concurrency`` deprecated)."""
    version = tuple(int(part) for part in ray.__version__.split(".")[:2] if part.isdigit())
    if version >= (2, 51):
        return {"compute": ray.data.ActorPoolStrategy(size=num_workers)}
    return {"concurrency": num_workers}


def chunk_rows(pool: ArrowPool, batch_size: int) -> Iterator[dict[str, Any]]:
    """One Ray row per chunk: its start index and its entries' tokens as JSON."""
    for start, rows in pool.iter_batches(batch_size):
        yield {"start": start, "tokens": encode_tokens([row["tokens"] for row in rows])}


def encode_tokens(entries: list[list[Mapping[str, Any]]]) -> str:
    """Entries' tokens as compact JSON: per entry ``[words, spaces]``."""
    return json.dumps([[[t["text"] for t in tokens], [bool(t["ws"]) for t in tokens]]
                       for tokens in entries], ensure_ascii=False, separators=(",", ":"))


def decode_tokens(text: str) -> list[list[dict[str, Any]]]:
    """The tokens :func:`encode_tokens` wrote, as ``{"text", "ws"}`` mappings."""
    return [[{"text": word, "ws": space} for word, space in zip(words, spaces, strict=True)]
            for words, spaces in json.loads(text)]


def decode_result(row: Mapping[str, Any]) -> ChunkScores:
    """A :class:`ChunkScores` back from an actor's output row (float bytes, exact)."""
    scores = np.frombuffer(row["scores"], dtype=np.float64).copy()
    data = row["embeddings"]
    vectors = None
    if data:
        vectors = np.frombuffer(data, dtype=np.float32).copy()
        vectors = vectors.reshape(len(scores), -1) if len(scores) else vectors.reshape(0, 0)
    return ChunkScores(int(row["start"]), scores, vectors)


def _object_array(values: list[bytes]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
