"""The tagger model shared by both architectures: encoder >> per-token softmax head.

``model.get_ref("encoder")`` maps Docs to token vectors; ``model.get_ref("head")``
maps token vectors to tag distributions (dropout, optional hidden layer,
softmax). Keeping them apart lets MC dropout run the encoder once and sample
dropout masks on the head only (Shelmanov et al. 2021).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import cast

from spacy.tokens import Doc
from thinc.api import Dropout, Maxout, Model, Optimizer, Softmax_v2, chain, with_array
from thinc.types import Floats2d


def build_tagger_model(
    encoder: Model[list[Doc], list[Floats2d]],
    *,
    dropout: float = 0.1,
    hidden_width: int = 0,
    n_tags: int | None = None,
    head_lr_scale: float = 1.0,
) -> Model[list[Doc], list[Floats2d]]:
    output_layer = Softmax_v2(nO=n_tags, normalize_outputs=True)
    layers: list[Model] = [Dropout(dropout)]
    if hidden_width:
        layers += [Maxout(nO=hidden_width, nP=2, normalize=True), Dropout(dropout)]
    head: Model = with_array(chain(*layers, output_layer))
    model: Model[list[Doc], list[Floats2d]] = chain(encoder, head)
    model.name = "al_tagger"
    model.attrs["head_lr_scale"] = head_lr_scale
    model.set_ref("encoder", encoder)
    model.set_ref("head", head)
    model.set_ref("output_layer", output_layer)
    return model


def _dropout_nodes(model: Model) -> list[Model]:
    return [node for node in model.walk() if "dropout_rate" in node.attrs]


@contextmanager
def dropout_at_predict(model: Model, rate: float) -> Iterator[None]:
    """Set every dropout rate under ``model`` to ``rate`` and mark the encoder as
    sampling (dropout on, no gradients), restoring everything afterwards."""
    nodes = _dropout_nodes(model)
    saved = [(node, node.attrs["dropout_rate"], node.attrs.get("mc_sampling")) for node in nodes]
    try:
        for node in nodes:
            node.attrs["dropout_rate"] = rate
            if "mc_sampling" in node.attrs:
                node.attrs["mc_sampling"] = True
        yield
    finally:
        for node, old_rate, old_sampling in saved:
            node.attrs["dropout_rate"] = old_rate
            if old_sampling is not None:
                node.attrs["mc_sampling"] = old_sampling


class _ScaledOptimizer:
    """Proxy of a thinc optimizer that multiplies the learning rate per parameter."""

    def __init__(self, optimizer: Optimizer, scale_of: Callable[[tuple], float]) -> None:
        self._optimizer = optimizer
        self._scale_of = scale_of

    def __call__(self, key: tuple, weights, gradient, *, lr_scale: float = 1.0):
        return self._optimizer(key, weights, gradient, lr_scale=lr_scale * self._scale_of(key))

    def __getattr__(self, name: str):
        return getattr(self._optimizer, name)


def finish_update_scaled(model: Model, optimizer: Optimizer) -> None:
    """``model.finish_update`` with the head's learning rate times ``head_lr_scale``.

    The tag head and the casing embedding start from scratch while the encoder is
    pretrained; a larger learning rate for the new parts (discriminative
    fine-tuning) lets a short active-learning round train them without
    destabilising the encoder.
    """
    scale = float(model.attrs.get("head_lr_scale", 1.0))
    head_ids = {node.id for node in model.get_ref("head").walk()}

    def scale_of(key: tuple) -> float:
        node_id, name = key[0], str(key[-1])
        return scale if node_id in head_ids or name.startswith("casing.") else 1.0

    if scale != 1.0:
        optimizer = cast(Optimizer, _ScaledOptimizer(optimizer, scale_of))
    model.finish_update(optimizer)


def sample_head(model: Model, vectors: list[Floats2d], n: int, rate: float
                ) -> list[list[Floats2d]]:
    """``n`` MC-dropout samples of the head over encoder ``vectors`` (the encoder ran once)."""
    head = model.get_ref("head")
    with dropout_at_predict(head, rate):
        return [head(vectors, is_train=True)[0] for _ in range(n)]


def sample_full(model: Model, docs: list[Doc], n: int, rate: float) -> list[list[Floats2d]]:
    """``n`` MC-dropout samples through the whole model (``n`` encoder passes)."""
    with dropout_at_predict(model, rate):
        return [model(docs, is_train=True)[0] for _ in range(n)]
