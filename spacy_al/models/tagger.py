"""The tagger model shared by both architectures: encoder >> per-token softmax head.

``model.get_ref("encoder")`` maps Docs to token vectors; ``model.get_ref("head")``
maps token vectors to tag distributions (dropout, optional hidden layer,
softmax). Keeping them apart lets MC dropout run the encoder once and sample
dropout masks on the head only (Shelmanov et al. 2021).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from spacy.tokens import Doc
from thinc.api import Dropout, Maxout, Model, Softmax_v2, chain, with_array
from thinc.types import Floats2d


def build_tagger_model(
    encoder: Model[list[Doc], list[Floats2d]],
    *,
    dropout: float = 0.1,
    hidden_width: int = 0,
    n_tags: int | None = None,
) -> Model[list[Doc], list[Floats2d]]:
    output_layer = Softmax_v2(nO=n_tags, normalize_outputs=True)
    layers: list[Model] = [Dropout(dropout)]
    if hidden_width:
        layers += [Maxout(nO=hidden_width, nP=2, normalize=True), Dropout(dropout)]
    head = with_array(chain(*layers, output_layer))
    model = chain(encoder, head)
    model.name = "al_tagger"
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
