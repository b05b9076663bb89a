"""``spacy-al score`` as a function: pool to Arrow, scores by an engine, ranked tasks out."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..acquisition import DEFAULT_STRATEGY
from ..acquisition.selectors import Selector, named_selector, needs_embeddings
from ..corpora import SourceOptions, SourceTally, resolve, source_items
from ..errors import ConfigError
from ..pipeline.pool_scoring import get_ner_pipe
from ..store.arrow_pool import ArrowPool, cached_or_written, source_info
from .chunks import ScoreSpec
from .local_engine import PoolResult, score_local
from .ranked_tasks import ranking, write_tasks

ENGINES = ("local", "ray")


@dataclass(frozen=True)
class ScoreReport:
    """What a scoring run did: pool size, words, tasks written, seconds."""

    entries: int
    words: int
    written: int
    scoring_seconds: float
    total_seconds: float
    engine: str
    output: str
    pool_reused: bool = False
    duplicates: int = 0
    """Sentences of the source that repeat an earlier one (scored and ranked all the same:
    ``entries`` counts them)."""

    @property
    def words_per_second(self) -> float:
        return self.words / self.scoring_seconds if self.scoring_seconds > 0 else 0.0


def score_to_jsonl(
    model: str | Path, source: str | Path, output: str | Path, *, strategy: str = DEFAULT_STRATEGY,
    options: Mapping[str, Any] | None = None, top: int | None = None,
    selector: str | None = None, loader: str = "auto", batch_size: int = 64,
    engine: str = "local", address: str | None = None, num_workers: int = 1,
    cpus_per_worker: int = 1, pool_cache: str | Path | None = None, seed: int = 0,
    progress: bool = False, source_options: SourceOptions | None = None,
) -> ScoreReport:
    """Score every entry of ``source`` with ``model``'s al_ner and write the ranked tasks.

    strategy, options: A strategy name (``mnlp``, ``bald``, ...) and its options.
    top: Write the best ``top`` (None: every non-empty entry, ranked).
    selector: A registered selector (e.g. ``spacy-al.DiverseTopK.v1``); default by score.
    engine: ``local`` or ``ray`` (``address``, ``num_workers``, ``cpus_per_worker``): the
        same output.
    pool_cache: Keep the Arrow pool in this folder (reused while the source is unchanged).
    source_options: How to read ``source`` (default: ``loader`` and the rest detected).
    """
    import spacy

    began = time.perf_counter()
    if engine not in ENGINES:
        raise ConfigError(f"Unknown engine {engine!r}.", fix=f"use one of {', '.join(ENGINES)}.")
    nlp = spacy.load(model)
    get_ner_pipe(nlp, "al_ner")
    chosen: Selector | None = named_selector(selector) if selector else None
    spec = ScoreSpec(str(Path(model).resolve()), strategy, dict(options or {}), batch_size,
                     seed, embeddings=chosen is not None and needs_embeddings(chosen))
    with pool_folder(pool_cache) as folder:
        pool, reused = load_pool(nlp, source, source_options or SourceOptions(loader=loader),
                                 folder, cache=pool_cache is not None)
        started = time.perf_counter()
        result = run_engine(engine, pool, spec, address, (num_workers, cpus_per_worker),
                            progress)
        scoring = time.perf_counter() - started
        pool.set_scores(result.scores, strategy=strategy, model=str(model))
        n_tokens = pool.n_tokens
        order = ranking(result.scores, n_tokens, top, chosen, result.embeddings)
        meta = {"strategy": strategy, "model": str(model)}
        written = write_tasks(output, pool, order, result.scores, meta)
    duplicates = int((pool.info.get("counts") or {}).get("duplicates", 0))
    return ScoreReport(len(result.scores), int(n_tokens.sum()), written, scoring,
                       time.perf_counter() - began, engine, str(output), reused, duplicates)


def run_engine(engine: str, pool: ArrowPool, spec: ScoreSpec, address: str | None,
               workers: tuple[int, int] = (1, 1), progress: bool = False) -> PoolResult:
    """Scores of ``pool`` from the named engine (``workers``: Ray actors, CPUs each)."""
    if engine == "ray":
        from .ray_engine import score_ray  # Ray is optional: imported only when asked for

        return score_ray(pool, spec, address=address, num_workers=workers[0],
                         cpus_per_worker=workers[1])
    return score_local(pool, spec, progress=progress)


def load_pool(nlp: Language, source: str | Path, options: SourceOptions, folder: Path, *,
              cache: bool) -> tuple[ArrowPool, bool]:
    """The Arrow pool of ``source`` in ``folder``: the cached one if it is still current,
    else read (every sentence, duplicates counted: :func:`~spacy_al.corpora.source_items`)
    and written anew. Also says whether it was reused."""
    found = resolve(source, options)
    tally = SourceTally()
    info = {**source_info(source, found.format.name), "read_with": options.given()}
    return cached_or_written(
        folder, info,
        lambda: source_items(source, nlp.vocab, options, tokenizer=nlp.make_doc, tally=tally,
                             keep_duplicates=True),
        reuse=cache, counts=tally)


@contextmanager
def pool_folder(pool_cache: str | Path | None) -> Iterator[Path]:
    """``pool_cache``, or a temporary folder removed afterwards."""
    if pool_cache is not None:
        yield Path(pool_cache)
        return
    with tempfile.TemporaryDirectory(prefix="spacy-al-pool-") as folder:
        yield Path(folder)
