"""Score a pool of sentences in batches, streaming: memory stays bounded by the batch.

The pool is read lazily (an iterable of Docs or texts, or a ``.spacy``/JSONL file),
each batch goes through the pipeline up to ``al_ner``, its tag distributions are
scored and dropped; only one float and one token count per entry are kept. Entries are
read ``LENGTH_WINDOW_BATCHES`` batches ahead and scored in batches of similar length
(so the encoder computes little padding); results come back in pool order.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from tqdm import tqdm

from ..acquisition import DEFAULT_STRATEGY, build_strategy, seeded
from ..acquisition.selection import top_k as select_top_k
from ..acquisition.strategies import Sampling, ScoreFn, sampling_of
from ..errors import ConfigError
from .decoding import viterbi_decode

LENGTH_WINDOW_BATCHES = 16
"""Batches read ahead and sorted by length before scoring (memory: that many batches)."""
PoolSource = Iterable[Doc | str] | str | Path
"""An iterable of Docs (or texts), or the path of a ``.spacy``/JSONL file."""


@dataclass(frozen=True)
class PoolScores:
    """Scores of a pool: one entry per Doc, in pool order."""

    scores: np.ndarray
    """float64, one per entry, higher = more informative (0 for an empty entry)."""
    top_k: np.ndarray
    """int64 indices of the selected entries, best first (all of them if ``k`` is None)."""
    n_tokens: np.ndarray
    """int64 tokens per entry: the annotation cost."""
    embeddings: np.ndarray | None = None
    """float32, one row per entry: the mean of its token vectors (``embeddings=True``)."""


def score_pool(
    nlp: Language,
    docs: PoolSource,
    strategy: str | ScoreFn = DEFAULT_STRATEGY,
    *,
    batch_size: int = 64,
    k: int | None = None,
    progress: bool = True,
    component: str = "al_ner",
    n_samples: int | None = None,
    dropout: float | None = None,
    mc_dropout: str | None = None,
    embeddings: bool = False,
    seed: int | None = None,
) -> PoolScores:
    """Score every entry of a pool and select the top ``k``.

    nlp (Language): A pipeline with an ``al_ner`` component.
    docs (PoolSource): Docs or texts, or a ``.spacy``/JSONL path; read lazily.
    strategy (str | ScoreFn): A short or registered name, or a built score function.
    batch_size (int): Entries per model call; bounds the memory in use.
    k (int | None): How many to select; None ranks every non-empty entry.
    progress (bool): Show a progress bar.
    component (str): Name of the ``al_ner`` component.
    n_samples, dropout, mc_dropout: Override the sampling of a strategy that
        needs MC-dropout samples (None keeps the strategy's own).
    embeddings (bool): Also return each entry's sentence embedding: the mean of the token
        vectors the encoder computed while scoring (see :func:`doc_embeddings`).
    seed (int | None): Seeds the MC-dropout masks and a strategy that draws (``random``)
        for this call, leaving the global generators as they were (None: as they are).
    RETURNS (PoolScores): Scores, selected indices, token counts (and embeddings).
    """
    score_chunks: list[np.ndarray] = []
    token_chunks: list[np.ndarray] = []
    stream = score_batches(
        nlp,
        docs,
        strategy,
        batch_size=batch_size,
        progress=progress,
        component=component,
        n_samples=n_samples,
        dropout=dropout,
        mc_dropout=mc_dropout,
        seed=seed,
    )
    vectors: list[np.ndarray | None] = []
    pipe = get_ner_pipe(nlp, component) if embeddings else None
    for batch, scores in stream:
        score_chunks.append(scores)
        token_chunks.append(np.fromiter((len(doc) for doc in batch), np.int64, len(batch)))
        if pipe is not None:
            vectors.extend(doc_embeddings(pipe, batch))
    all_scores = np.concatenate(score_chunks) if score_chunks else np.zeros(0)
    n_tokens = np.concatenate(token_chunks) if token_chunks else np.zeros(0, np.int64)
    return PoolScores(all_scores, select_top_k(all_scores, k, n_tokens), n_tokens,
                      stack_rows(vectors) if embeddings else None)


def doc_embeddings(pipe: Any, docs: Sequence[Doc]) -> list[np.ndarray | None]:
    """Per doc, the mean of the token vectors ``pipe`` wrote to ``doc.tensor`` while
    scoring (None for an empty doc). Docs without them (a strategy that ran no model, or
    MC dropout through the whole model) get one deterministic encoder pass."""
    missing = [doc for doc in docs if len(doc) and pipe.stored_vectors([doc]) is None]
    if missing:
        pipe.keep_vectors(missing, pipe.model.get_ref("encoder").predict(missing))
    rows: list[np.ndarray | None] = []
    for doc in docs:
        arrays = pipe.stored_vectors([doc]) if len(doc) else None
        rows.append(None if arrays is None else
                    np.asarray(pipe.model.ops.to_numpy(arrays[0]), np.float32).mean(axis=0))
    return rows


def stack_rows(rows: Sequence[np.ndarray | None]) -> np.ndarray:
    """One float32 matrix; None rows (empty entries) become zeros."""
    width = next((len(r) for r in rows if r is not None), 0)
    out = np.zeros((len(rows), width), dtype=np.float32)
    for i, row in enumerate(rows):
        if row is not None:
            out[i] = row
    return out


def score_batches(
    nlp: Language,
    docs: PoolSource,
    strategy: str | ScoreFn = DEFAULT_STRATEGY,
    *,
    batch_size: int = 64,
    progress: bool = False,
    component: str = "al_ner",
    n_samples: int | None = None,
    dropout: float | None = None,
    mc_dropout: str | None = None,
    seed: int | None = None,
) -> Iterator[tuple[list[Doc], np.ndarray]]:
    """Lazily yield ``(docs, scores)`` batch by batch: the one function that scores docs
    (the ``spacy train`` loop, the benchmark and ``spacy-al score`` all call it).

    Arguments as :func:`score_pool`. Useful where a recipe re-ranks a stream.
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size must be >= 1, got {batch_size}.")
    score_fn = build_strategy(strategy) if isinstance(strategy, str) else strategy
    if seed is None:
        yield from _score_batches(nlp, docs, score_fn, batch_size, progress, component,
                                  n_samples, dropout, mc_dropout)
        return
    with seeded_generators(seed):
        yield from _score_batches(nlp, docs, seeded(score_fn, seed), batch_size, progress,
                                  component, n_samples, dropout, mc_dropout)


def _score_batches(nlp: Language, docs: PoolSource, score_fn: ScoreFn, batch_size: int,
                   progress: bool, component: str, n_samples: int | None,
                   dropout: float | None, mc_dropout: str | None
                   ) -> Iterator[tuple[list[Doc], np.ndarray]]:
    sampling = sampling_of(score_fn, n_samples=n_samples, dropout=dropout, mc_dropout=mc_dropout)
    needs_probs = bool(getattr(score_fn, "needs_probs", True))

    def score(batch: list[Doc]) -> tuple[list[Doc], np.ndarray]:
        scored = score_docs(nlp, batch, score_fn, sampling, component=component)
        return scored.docs, scored.scores

    window = batch_size * LENGTH_WINDOW_BATCHES
    with tqdm(total=_length(docs), unit="sent", disable=not progress) as bar:
        if not needs_probs:  # no model runs (random): the scores follow the pool order
            for batch in iter_batches(iter_docs(nlp, docs), batch_size):
                bar.update(len(batch))
                yield score(batch)
            return
        for docs_in_window in iter_batches(iter_docs(nlp, docs), window):
            for batch, scores in by_length(docs_in_window, batch_size, score):
                bar.update(len(batch))
                yield batch, scores


@dataclass(frozen=True)
class ScoredDocs:
    """One batch scored: the docs as the pipeline left them, the tag distributions the
    strategy was given and its scores."""

    docs: list[Doc]
    probs: list[np.ndarray]
    scores: np.ndarray


def score_docs(nlp: Language, docs: list[Doc], score_fn: ScoreFn, sampling: Sampling, *,
               component: str = "al_ner") -> ScoredDocs:
    """The one function that scores a batch of docs (pool scoring, the ``spacy train``
    loop, the benchmark, ``spacy-al score`` and the live worker): the pipeline up to the
    tagger, the distributions the strategy asks for, its float64 scores. A strategy that
    needs no probabilities (``random``) runs no model."""
    needs_probs = bool(getattr(score_fn, "needs_probs", True))
    if needs_probs:
        docs = run_components(upstream_components(nlp, component), docs)
    probs = predict_probs(get_ner_pipe(nlp, component), docs, sampling, needs_probs=needs_probs)
    return ScoredDocs(docs, probs, np.asarray(score_fn(probs), dtype=np.float64))


def length_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Indices into ``lengths`` in batches of similar length (the shortest first, ties in
    their given order): the one length bucketing, so the encoder computes little padding."""
    order = np.argsort(np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[k:k + batch_size] for k in range(0, len(order), batch_size)]


def by_length(docs: list[Doc], batch_size: int,
              score: Callable[[list[Doc]], tuple[list[Doc], np.ndarray]]
              ) -> Iterator[tuple[list[Doc], np.ndarray]]:
    """``score`` the docs in batches of similar length (:func:`length_batches`), then give
    the batches and scores back in the docs' order."""
    batches = length_batches([len(d) for d in docs], batch_size)
    done = [score([docs[i] for i in batch]) for batch in batches]
    order = np.concatenate(batches) if batches else np.zeros(0, np.int64)
    ran = [doc for batch, _ in done for doc in batch]  # as the components returned them
    scores = np.empty(len(docs), dtype=np.float64)
    scores[order] = np.concatenate([s for _, s in done]) if done else np.zeros(0)
    back: list[Doc] = [docs[0]] * len(docs)
    for position, doc in zip(order, ran, strict=True):
        back[position] = doc
    for k in range(0, len(docs), batch_size):
        yield back[k:k + batch_size], scores[k:k + batch_size]


def predict_probs(
    pipe: Any, docs: Sequence[Doc], sampling: Sampling, *, needs_probs: bool = True
) -> list[np.ndarray]:
    """Per-doc ``(n_samples, n_tokens, n_tags)`` distributions from ``pipe.predict_proba``.

    Empty docs never reach the model; they get a ``(n_samples, 0, n_tags)`` array.
    With ``needs_probs=False`` no model runs and every array has 0 tags.
    """
    n_tags = len(pipe.tag_names) if needs_probs else 0
    probs = [np.zeros((sampling.n_samples, len(doc), n_tags), np.float32) for doc in docs]
    if not needs_probs:
        return probs
    rows = [i for i, doc in enumerate(docs) if len(doc) > 0]
    if rows:
        predicted = pipe.predict_proba(
            [docs[i] for i in rows],
            n_samples=sampling.n_samples,
            dropout=sampling.dropout,
            mc_dropout=sampling.mc_dropout,
        )
        for i, array in zip(rows, predicted, strict=True):
            probs[i] = array
    return probs


def get_ner_pipe(nlp: Language, component: str) -> Any:
    """The component that predicts tag distributions, with a helpful error if absent."""
    if component not in nlp.pipe_names:
        raise ConfigError(
            f"The pipeline has no component {component!r} to predict tag distributions "
            f"(it has {nlp.pipe_names}).",
            fix=f"add an 'al_ner' component, or name yours with component=... / "
            f"ner_component = ... (one of {nlp.pipe_names}).",
        )
    pipe = nlp.get_pipe(component)
    if not hasattr(pipe, "predict_proba"):
        raise ConfigError(
            f"Component {component!r} has no predict_proba(docs, n_samples, dropout, mc_dropout).",
            fix="point to an 'al_ner' component.",
        )
    return pipe


def upstream_components(nlp: Language, component: str) -> list[tuple[str, Any]]:
    """The components that run before ``component`` (e.g. a shared tok2vec)."""
    names = nlp.pipe_names
    return list(nlp.pipeline[: names.index(component)]) if component in names else []


def run_components(components: Sequence[tuple[str, Any]], docs: list[Doc]) -> list[Doc]:
    """Run ``components`` in order over a batch of docs."""
    for _, proc in components:
        docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(doc) for doc in docs]
    return docs


def iter_batches(items: Iterable[Doc], batch_size: int) -> Iterator[list[Doc]]:
    """Consecutive lists of ``batch_size`` items (the last may be shorter)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, batch_size)):
        yield batch


def iter_docs(nlp: Language, docs: PoolSource) -> Iterator[Doc]:
    """Docs of a pool, lazily: texts are tokenized, a path is read with
    :func:`spacy_al.corpora.read_docs` (CoNLL, OntoNotes, JSONL or ``.spacy``)."""
    if isinstance(docs, (str, Path)):
        yield from _read_path(Path(docs), nlp)
        return
    for item in docs:
        yield nlp.make_doc(item) if isinstance(item, str) else item


def _read_path(path: Path, nlp: Language) -> Iterable[Doc]:
    from ..corpora import read_docs  # lazy: the readers are only needed for a path

    return read_docs(path, nlp.vocab)


def _length(docs: PoolSource) -> int | None:
    if isinstance(docs, (str, Path)):
        return None
    try:
        return len(docs)  # type: ignore[arg-type]
    except TypeError:
        return None


def stop_set_tags(nlp: Language, docs: PoolSource, *, batch_size: int = 64,
                  component: str = "al_ner") -> tuple[list[list[str]], np.ndarray]:
    """What a stopping criterion sees of the model on a fixed stop set: per sentence its
    tags (the most probable valid sequence, in the model's scheme) and its uncertainty,
    the mean over its tokens of ``1 - max_tag p`` (0 for an empty sentence)."""
    pipe = get_ner_pipe(nlp, component)
    upstream = upstream_components(nlp, component)
    names = list(pipe.tag_names)
    tags: list[list[str]] = []
    uncertainty: list[float] = []
    for batch in iter_batches(iter_docs(nlp, docs), batch_size):
        for doc, probs in zip(batch, predict_probs(pipe, run_components(upstream, batch),
                                                   Sampling()), strict=True):
            dist = np.asarray(probs[0], dtype=np.float64)
            best = viterbi_decode(dist, names, pipe.scheme) if len(doc) else []
            tags.append([names[i] for i in best])
            uncertainty.append(float((1.0 - dist.max(axis=1)).mean()) if len(doc) else 0.0)
    return tags, np.asarray(uncertainty, dtype=np.float64)


@contextmanager
def seeded_generators(seed: int) -> Iterator[None]:
    """Seed Python's, numpy's and torch's global generators (as thinc's ``fix_random_seed``),
    restoring them afterwards, so scoring is reproducible and leaves the training's random
    streams untouched."""
    import torch

    py_state, np_state = random.getstate(), np.random.get_state()
    torch_state = torch.random.get_rng_state()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        torch.random.set_rng_state(torch_state)
