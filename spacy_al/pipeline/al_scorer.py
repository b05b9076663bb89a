"""The ``al_scorer`` component: acquisition scores per sentence, after ``al_ner``.

For each sentence it writes ``span._.al_scores`` (configured strategy name ->
float) and for each doc ``doc._.al_score`` (the main strategy's score of the
whole doc). Higher always means more informative. Right after ``al_ner`` it reuses
the token vectors ``al_ner`` wrote to ``doc.tensor`` (:mod:`.doc_vectors`), so the
encoder runs once per doc; on its own it runs ``al_ner``'s model itself.

    [components.al_scorer]
    factory = "al_scorer"
    strategies = ["mnlp", "bald"]
    strategy = "mnlp"
    sentences = "sents"
    ner_component = "al_ner"
    n_samples = 10
    dropout = 0.1
    mc_dropout = "head"

This module deliberately has no ``from __future__ import annotations``: spaCy
validates factory arguments from the runtime annotations.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from ..acquisition import DEFAULT_STRATEGY, build_strategy
from ..acquisition.strategies import Sampling, ScoreFn, check_mc_dropout, sampling_of
from ..errors import ConfigError
from .pool_scoring import get_ner_pipe, predict_probs

SENTENCE_SOURCES = ("sents", "doc")


@Language.factory(
    "al_scorer",
    default_config={
        "strategies": [DEFAULT_STRATEGY],
        "strategy": None,
        "sentences": "sents",
        "ner_component": "al_ner",
        "n_samples": None,
        "dropout": None,
        "mc_dropout": None,
        "strategy_options": {},
    },
)
def make_al_scorer(
    nlp: Language,
    name: str,
    strategies: list[str],
    strategy: str | None,
    sentences: str,
    ner_component: str,
    n_samples: int | None,
    dropout: float | None,
    mc_dropout: str | None,
    strategy_options: dict[str, dict[str, Any]],
) -> "ALScorer":
    """Create an ``al_scorer`` component.

    strategies (list[str]): Strategies to compute, short (``"mnlp"``) or registered
        (``"spacy-al.MNLP.v1"``) names; they are the keys of ``span._.al_scores``.
    strategy (str | None): The strategy of ``doc._.al_score``; None: the first one.
    sentences (str): ``"sents"`` scores each of ``doc.sents`` (the whole doc when
        no sentence boundaries are set); ``"doc"`` scores the doc as one sentence.
    ner_component (str): The component whose ``predict_proba`` gives the tags.
    n_samples (int | None): MC-dropout samples for strategies that need them
        (BALD); None keeps each strategy's default.
    dropout (float | None): Their dropout rate; None keeps the default.
    mc_dropout (str | None): ``"head"`` or ``"full"``; None keeps the default.
    strategy_options (dict[str, dict[str, Any]]): Builder arguments per strategy
        name, e.g. ``{"token_entropy": {"normalize": false}}``.
    """
    return ALScorer(
        nlp,
        name,
        strategies=strategies,
        strategy=strategy,
        sentences=sentences,
        ner_component=ner_component,
        sampling={"n_samples": n_samples, "dropout": dropout, "mc_dropout": mc_dropout},
        strategy_options=strategy_options,
    )


class ALScorer(Pipe):
    """Write acquisition scores of each sentence and doc, batch by batch."""

    def __init__(
        self,
        nlp: Language,
        name: str = "al_scorer",
        *,
        strategies: Sequence[str] = (DEFAULT_STRATEGY,),
        strategy: str | None = None,
        sentences: str = "sents",
        ner_component: str = "al_ner",
        sampling: dict[str, Any] | None = None,
        strategy_options: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        """Initialize the component; arguments as :func:`make_al_scorer`."""
        _check_config(strategies, strategy, sentences, sampling or {})
        options = strategy_options or {}
        self.nlp = nlp
        self.name = name
        self.sentences = sentences
        self.ner_component = ner_component
        self.main_strategy = strategy or strategies[0]
        self.score_fns: dict[str, ScoreFn] = {
            key: build_strategy(key, options.get(key, {})) for key in strategies
        }
        self.samplings = {
            key: sampling_of(fn, **(sampling or {})) for key, fn in self.score_fns.items()
        }
        register_extensions()

    @property
    def strategy_names(self) -> list[str]:
        """The configured strategy names, keys of ``span._.al_scores``."""
        return list(self.score_fns)

    def __call__(self, doc: Doc) -> Doc:
        """Score one doc. doc (Doc): The doc to score. RETURNS (Doc): The same doc."""
        self.set_scores([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Score docs in batches of ``batch_size``, yielding them in order.

        stream (Iterable[Doc]): Docs, already processed by ``al_ner``'s upstream.
        batch_size (int): Docs per model call.
        YIELDS (Doc): The scored docs.
        """
        error_handler = self.get_error_handler()
        for batch in minibatch(stream, size=batch_size):
            try:
                self.set_scores(batch)
            except Exception as error:  # spaCy's error-handler contract
                error_handler(self.name, self, batch, error)
            yield from batch

    def set_scores(self, docs: Sequence[Doc]) -> None:
        """Compute and write ``span._.al_scores`` and ``doc._.al_score`` for ``docs``."""
        docs = list(docs)
        units = [sentence_spans(doc, self.sentences) for doc in docs]
        sentence_scores: dict[str, np.ndarray] = {}
        doc_scores = np.zeros(len(docs))
        for sampling, keys in self._groups().items():
            probs = self._predict(docs, sampling, keys)
            slices = [
                p[:, s.start : s.end] for p, spans in zip(probs, units, strict=True) for s in spans
            ]
            for key in keys:
                sentence_scores[key] = self.score_fns[key](slices)
            if self.main_strategy in keys:
                doc_scores = self._doc_scores(probs, units, sentence_scores)
        ordered = {key: sentence_scores[key] for key in self.score_fns}
        _write_scores(docs, units, ordered, doc_scores)

    def _groups(self) -> dict[Sampling, list[str]]:
        groups: dict[Sampling, list[str]] = {}
        for key, sampling in self.samplings.items():
            groups.setdefault(sampling, []).append(key)
        return groups

    def _predict(self, docs: list[Doc], sampling: Sampling, keys: list[str]) -> list[np.ndarray]:
        needs_probs = any(getattr(self.score_fns[k], "needs_probs", True) for k in keys)
        pipe = get_ner_pipe(self.nlp, self.ner_component)
        return predict_probs(pipe, docs, sampling, needs_probs=needs_probs)

    def _doc_scores(
        self,
        probs: list[np.ndarray],
        units: list[list[Span]],
        sentence_scores: dict[str, np.ndarray],
    ) -> np.ndarray:
        if self.sentences == "doc":
            return sentence_scores[self.main_strategy]
        return np.asarray(self.score_fns[self.main_strategy](probs), dtype=np.float64)


def sentence_spans(doc: Doc, source: str) -> list[Span]:
    """The spans scored in ``doc``: its sentences, or the whole doc (also when empty)."""
    if source == "sents" and len(doc) > 0 and doc.has_annotation("SENT_START"):
        return list(doc.sents)
    return [doc[:]]


def _write_scores(
    docs: list[Doc],
    units: list[list[Span]],
    sentence_scores: dict[str, np.ndarray],
    doc_scores: np.ndarray,
) -> None:
    row = 0
    for doc, spans, doc_score in zip(docs, units, doc_scores, strict=True):
        for span in spans:
            span._.al_scores = {key: float(values[row]) for key, values in sentence_scores.items()}
            row += 1
        doc._.al_score = float(doc_score)


def register_extensions() -> None:
    """Register ``Span._.al_scores`` and ``Doc._.al_score`` once."""
    if not Span.has_extension("al_scores"):
        Span.set_extension("al_scores", default=None)
    if not Doc.has_extension("al_score"):
        Doc.set_extension("al_score", default=None)


def _check_config(
    strategies: Sequence[str], strategy: str | None, sentences: str, sampling: dict[str, Any]
) -> None:
    if not strategies:
        raise ConfigError("al_scorer needs at least one strategy.", fix='strategies = ["mnlp"]')
    if strategy is not None and strategy not in strategies:
        raise ConfigError(
            f"The main strategy {strategy!r} is not among strategies {list(strategies)}.",
            fix="add it to strategies, or leave strategy = null to use the first.",
        )
    if sentences not in SENTENCE_SOURCES:
        raise ConfigError(f"Unknown sentence source {sentences!r}.", fix="use 'sents' or 'doc'.")
    if sampling.get("mc_dropout") is not None:
        check_mc_dropout(sampling["mc_dropout"])
