"""``al_ner``: a trainable NER tagger that exposes per-token tag distributions.

Unlike spaCy's transition-based ``ner``, a softmax over BIO (or BILUO) tags per
token gives exact marginals, so acquisition scores (MNLP, entropy, BALD) are
computed from real distributions, and dropout can be switched on at predict
time for MC-dropout samples.
"""

# No `from __future__ import annotations` here: spaCy validates the signature of
# `initialize` with pydantic, which needs real (not string) annotations.
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example, validate_examples, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import Config, Model, Optimizer, set_dropout_rate
from thinc.types import Floats2d

from ..errors import UnknownLabelError
from ..models.tagger import dropout_at_predict, finish_update_scaled
from . import encodings
from .tags import biluo_to_scheme, check_scheme, make_tag_names, tags_to_spans, viterbi_decode

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
nO = null
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_AL_NER_MODEL)["model"]
MC_DROPOUT_MODES = ("head", "full")


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
        self.keep_encodings = False
        """Keep each predicted doc's token vectors for a following ``al_scorer``
        (:mod:`.encodings`); the scorer switches it on."""

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
    def predict(self, docs: Iterable[Doc]) -> list[Floats2d]:
        """Tag distributions per token, shaped ``(n_tokens, n_tags)`` per doc."""
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [self.model.ops.alloc2f(len(doc), len(self.tag_names)) for doc in docs]
        if not self.keep_encodings:
            return self.model.predict(docs)
        vectors = self.model.get_ref("encoder").predict(docs)
        encodings.keep(id(self.model), docs, vectors)
        return self.model.get_ref("head").predict(vectors)

    def release_encodings(self, docs: Iterable[Doc]) -> None:
        """Forget the token vectors kept for ``docs`` (see ``keep_encodings``)."""
        encodings.release(id(self.model), list(docs))

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
        if mc_dropout not in MC_DROPOUT_MODES:
            raise ValueError(f"mc_dropout must be one of {MC_DROPOUT_MODES}, not {mc_dropout!r}")
        if n_samples < 1:
            raise ValueError(f"n_samples must be at least 1, not {n_samples}")
        kept = encodings.lookup(id(self.model), docs) if any(len(d) for d in docs) else None
        if dropout <= 0 or not any(len(doc) for doc in docs):
            probs = self.model.get_ref("head").predict(kept) if kept else self.predict(docs)
            samples = [probs] * n_samples
        elif mc_dropout == "head":
            samples = self._sample_head(docs, n_samples, dropout, kept)
        else:
            samples = self._sample_full(docs, n_samples, dropout)
        to_numpy = self.model.ops.to_numpy
        return [
            numpy.stack([to_numpy(sample[i]) for sample in samples]).astype("float32")
            for i in range(len(docs))
        ]

    def _sample_head(
        self, docs: list[Doc], n: int, rate: float, kept: list[Floats2d] | None = None
    ) -> list[list[Floats2d]]:
        vectors = kept if kept is not None else self.model.get_ref("encoder").predict(docs)
        head = self.model.get_ref("head")
        with dropout_at_predict(head, rate):
            return [head(vectors, is_train=True)[0] for _ in range(n)]

    def _sample_full(self, docs: list[Doc], n: int, rate: float) -> list[list[Floats2d]]:
        with dropout_at_predict(self.model, rate):
            return [self.model(docs, is_train=True)[0] for _ in range(n)]

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
        encodings.forget_owner(id(self.model))
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
        """Cross-entropy of the gold tags; tokens with unknown gold get no gradient."""
        index = {tag: i for i, tag in enumerate(self.tag_names)}
        loss = 0.0
        grads = []
        for eg, probs in zip(examples, scores, strict=True):
            gold = [index.get(biluo_to_scheme(t, self.scheme) or "", -1)
                    for t in eg.get_aligned_ner()]
            target = numpy.asarray(gold, dtype="int64")
            known = target >= 0
            probs_np = self.model.ops.to_numpy(probs)
            d = probs_np.copy()
            rows = numpy.nonzero(known)[0]
            d[rows, target[rows]] -= 1.0
            d[~known] = 0.0
            loss += float(-numpy.log(numpy.clip(probs_np[rows, target[rows]], 1e-12, 1)).sum())
            grads.append(self.model.ops.asarray2f(d))
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


    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "ALNER":
        encodings.forget_owner(id(self.model))
        return super().from_bytes(bytes_data, exclude=exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> "ALNER":
        encodings.forget_owner(id(self.model))
        return super().from_disk(path, exclude=exclude)
