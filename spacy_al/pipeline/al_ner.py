"""``al_ner``: a trainable NER tagger that exposes per-token tag distributions.

Unlike spaCy's transition-based ``ner``, a softmax over BIO (or BILUO) tags per
token gives exact marginals, so acquisition scores (MNLP, entropy, BALD) are
computed from real distributions, and dropout can be switched on at predict
time for MC-dropout samples.

Like spaCy's ``tok2vec``, ``al_ner`` writes the token vectors its encoder computed
to ``doc.tensor`` (and which weights computed them to ``doc._.al_encoder``): a
following ``al_scorer`` reads them from the Doc instead of running the encoder
again. Nothing is kept anywhere else, and ``al_ner`` behaves the same whether an
``al_scorer`` runs after it or not.
"""

# No `from __future__ import annotations` here: spaCy validates the signature of
# `initialize` with pydantic, which needs real (not string) annotations.
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example, validate_examples, validate_get_examples
from spacy.util import minibatch
from spacy.vocab import Vocab
from thinc.api import Config, Model, Optimizer, set_dropout_rate
from thinc.types import Floats2d

from ..acquisition.strategies import check_mc_dropout
from ..errors import UnknownLabelError
from ..models.tagger import finish_update_scaled, sample_full, sample_head
from .decoding import (
    check_scheme,
    example_loss,
    make_tag_names,
    tags_to_spans,
    viterbi_decode,
)
from .doc_vectors import set_doc_vectors, stored_doc_vectors

DEFAULT_AL_NER_MODEL = """
[model]
@architectures = "spacy-al.TransformerTagger.v1"
name = "embedded"
pooling = "first"
casing_width = 16
window = 0
dropout = 0.1
hidden_width = 0
head_lr_scale = 10.0
quantize = false
frozen_layers = 0
nO = null
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_AL_NER_MODEL)["model"]


@Language.factory(
    "al_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "model": DEFAULT_MODEL,
        "scheme": "BIO",
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_al_ner(
    nlp: Language, name: str, model: Model, scheme: str, scorer: Callable | None
) -> "ALNER":
    """Create an ``al_ner`` component: a token tagger over BIO/BILUO tags that sets ``doc.ents``.

    model (Model[List[Doc], List[Floats2d]]): A tagger model, e.g.
        ``spacy-al.TransformerTagger.v1`` or ``spacy-al.Tok2VecTagger.v1``.
    scheme (str): ``"BIO"`` or ``"BILUO"``.
    scorer (Optional[Callable]): Scores ``ents_p``, ``ents_r``, ``ents_f`` and per type.
    """
    return ALNER(nlp.vocab, model, name, scheme=scheme, scorer=scorer)


class ALNER(TrainablePipe):
    """Token-classification NER with tag distributions and MC-dropout samples."""

    def __init__(
        self,
        vocab: Vocab,
        model: Model,
        name: str = "al_ner",
        *,
        scheme: str = "BIO",
        scorer: Callable | None = None,
    ) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        self.scorer = scorer
        self.cfg: dict[str, Any] = {"labels": [], "scheme": check_scheme(scheme)}
        self._weights_key = uuid.uuid4().hex
        """Names the current weights; changes whenever they do (``doc._.al_encoder``)."""

    # -- labels -------------------------------------------------------------
    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.cfg["labels"])

    @property
    def label_data(self) -> list[str]:
        return list(self.labels)

    @property
    def scheme(self) -> str:
        return self.cfg["scheme"]

    @property
    def tag_names(self) -> list[str]:
        """All tags the model predicts, in output order (``O`` first)."""
        return make_tag_names(self.labels, self.scheme)

    def add_label(self, label: str) -> int:
        if not isinstance(label, str) or not label.strip():
            raise UnknownLabelError(f"Invalid entity label {label!r}.", fix="Use e.g. 'PER'.")
        if label in self.labels:
            return 0
        if self.model.get_ref("output_layer").has_dim("nO") is True:
            raise UnknownLabelError(
                f"Cannot add label {label!r}: al_ner is already initialised with labels "
                f"{list(self.labels)}.",
                fix="Declare every label before nlp.initialize().",
            )
        self.cfg["labels"].append(label)
        self.vocab.strings.add(label)
        return 1

    # -- prediction ---------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        """Tag one doc: ``doc.ents``, and its token vectors in ``doc.tensor``."""
        return next(iter(self.pipe([doc], batch_size=1)))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Tag docs in batches, as :meth:`__call__` (spaCy's error-handler contract)."""
        error_handler = self.get_error_handler()
        for batch in minibatch(stream, size=batch_size):
            docs = list(batch)
            try:
                vectors, probs = self._forward(docs)
                self.set_annotations(docs, probs)
                self.keep_vectors(docs, vectors)
            except Exception as error:
                error_handler(self.name, self, docs, error)
            yield from docs

    def predict(self, docs: Iterable[Doc]) -> list[Floats2d]:
        """Tag distributions per token, shaped ``(n_tokens, n_tags)`` per doc."""
        return self._forward(list(docs))[1]

    def _forward(self, docs: list[Doc]) -> tuple[list[Floats2d] | None, list[Floats2d]]:
        """Token vectors (None for a batch of empty docs) and tag distributions."""
        if not any(len(doc) for doc in docs):
            return None, [self.model.ops.alloc2f(len(doc), len(self.tag_names)) for doc in docs]
        vectors = self.model.get_ref("encoder").predict(docs)
        return vectors, self.model.get_ref("head").predict(vectors)

    def keep_vectors(self, docs: Sequence[Doc], vectors: list[Floats2d] | None) -> None:
        """Write the encoder output to ``doc.tensor`` (stamped), as spaCy's tok2vec does."""
        if vectors is not None:
            set_doc_vectors(docs, [self.model.ops.to_numpy(v) for v in vectors],
                            self._weights_key)

    def stored_vectors(self, docs: Sequence[Doc]) -> list[Floats2d] | None:
        """The token vectors these weights wrote to every doc, or None unless all have them."""
        arrays = stored_doc_vectors(docs, self._weights_key)
        return None if arrays is None else [self.model.ops.asarray2f(a) for a in arrays]  # type: ignore[arg-type]

    def _weights_changed(self) -> None:
        self._weights_key = uuid.uuid4().hex

    def set_annotations(self, docs: Iterable[Doc], scores: Sequence[Floats2d]) -> None:
        for doc, probs in zip(docs, scores, strict=True):
            doc.set_ents(self.decode(doc, probs), default="outside")

    def decode(self, doc: Doc, probs: Floats2d) -> list[Span]:
        """Entity spans of the most probable valid tag sequence."""
        tags = self.tag_names
        best = viterbi_decode(self.model.ops.to_numpy(probs), tags, self.scheme)
        return [Span(doc, s, e, label=lab) for s, e, lab in tags_to_spans([tags[i] for i in best])]

    def predict_proba(
        self,
        docs: Iterable[Doc],
        n_samples: int = 1,
        dropout: float = 0.0,
        mc_dropout: str = "head",
    ) -> list[numpy.ndarray]:
        """Per-doc tag distributions, float32 ``(n_samples, n_tokens, n_tags)``.

        With ``dropout > 0`` each sample uses fresh dropout masks (MC dropout):
        on the head only (``mc_dropout="head"``: the encoder runs once) or through
        the whole model (``"full"``: ``n_samples`` full passes). With
        ``dropout == 0`` all samples are the deterministic prediction.
        """
        docs = list(docs)
        check_mc_dropout(mc_dropout)
        if n_samples < 1:
            raise ValueError(f"n_samples must be at least 1, not {n_samples}")
        kept, probs = self.stored_vectors(docs), None
        if kept is None and (dropout <= 0 or mc_dropout == "head"):
            kept, probs = self._forward(docs)  # the encoder runs: keep its output on the docs
            self.keep_vectors(docs, kept)
        if dropout <= 0 or kept is None and not any(len(doc) for doc in docs):
            if probs is None:
                probs = self.model.get_ref("head").predict(kept) if kept else self.predict(docs)
            samples = [probs] * n_samples
        elif mc_dropout == "head" and kept is not None:
            samples = sample_head(self.model, kept, n_samples, dropout)
        else:
            samples = sample_full(self.model, docs, n_samples, dropout)
        to_numpy = self.model.ops.to_numpy
        return [
            numpy.stack([to_numpy(sample[i]) for sample in samples]).astype("float32")
            for i in range(len(docs))
        ]

    # -- training -----------------------------------------------------------
    def update(
        self,
        examples: Iterable[Example],
        *,
        drop: float = 0.0,
        sgd: Optimizer | None = None,
        losses: dict[str, float] | None = None,
    ) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        validate_examples(examples, "ALNER.update")
        if not any(len(eg.predicted) for eg in examples):
            return losses
        set_dropout_rate(self.model, drop)
        self._weights_changed()
        probs, backprop = self.model.begin_update([eg.predicted for eg in examples])
        loss, d_probs = self.get_loss(examples, probs)
        backprop(d_probs)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def finish_update(self, sgd: Optimizer) -> None:
        """Apply the gradients; the head learns ``head_lr_scale`` times faster."""
        finish_update_scaled(self.model, sgd)

    def get_loss(
        self, examples: Iterable[Example], scores: Sequence[Floats2d]
    ) -> tuple[float, list[Floats2d]]:
        """Cross-entropy of the gold tags (unknown gold: no gradient), plus ``-log(1 - p)`` of
        the tags each rejected span (``reference.spans["al_rejected"]``) would need."""
        loss = 0.0
        grads = []
        for eg, probs in zip(examples, scores, strict=True):
            numpy_probs = self.model.ops.to_numpy(probs)
            doc_loss, d = example_loss(numpy_probs, eg, self.tag_names, self.scheme)
            loss += doc_loss
            grads.append(self.model.ops.asarray2f(d))  # type: ignore[arg-type]
        return loss, grads

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Language | None = None,
        labels: Sequence[str] | None = None,
    ) -> None:
        """Collect labels (given or from the examples' entities) and initialise the model."""
        validate_get_examples(get_examples, "ALNER.initialize")
        found = labels if labels is not None else sorted(
            {ent.label_ for eg in get_examples() for ent in eg.reference.ents}
        )
        for label in found:
            self.add_label(label)
        if not self.labels:
            raise UnknownLabelError(
                "al_ner has no entity labels: the examples hold no entities and none were given.",
                fix="Pass labels in [initialize.components.al_ner] or train on annotated data.",
            )
        self.model.get_ref("output_layer").set_dim("nO", len(self.tag_names))
        sample = [eg.predicted for eg in list(get_examples())[:10]] or [Doc(self.vocab, ["x"])]
        self.model.initialize(X=sample)
        self._weights_changed()

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "ALNER":
        self._weights_changed()
        return super().from_bytes(bytes_data, exclude=exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> "ALNER":
        self._weights_changed()
        return super().from_disk(path, exclude=exclude)
