"""``spacy-al.TransformerTagger.v1``: any Hugging Face encoder with a softmax tag head."""

from __future__ import annotations

from spacy import registry
from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d

from .hf_encoder import HFTokenEncoder
from .tagger import build_tagger_model


@registry.architectures("spacy-al.TransformerTagger.v1")
def build_transformer_tagger(
    name: str = "embedded",
    pooling: str = "first",
    casing_width: int = 16,
    window: int = 0,
    dropout: float = 0.1,
    hidden_width: int = 0,
    head_lr_scale: float = 10.0,
    quantize: bool = False,
    mixed_precision: bool = False,
    frozen_layers: int = 0,
    nO: int | None = None,
) -> Model[list[Doc], list[Floats2d]]:
    """Build a transformer token tagger.

    name (str): A Hugging Face model name (needs the hub), a local folder, or
        ``"embedded"`` for the bundled all-MiniLM-L6-v2 (works offline).
    pooling (str): How sub-word pieces become a token vector: ``"first"`` or ``"mean"``.
    casing_width (int): Width of the casing-class embedding appended to each token
        (0 disables it); it gives uncased encoders a capitalisation cue.
    window (int): Maximum pieces per encoder row (0: the model's maximum). Longer
        docs are split into windows at token boundaries.
    dropout (float): Dropout before the head; also the layer MC dropout samples on.
    hidden_width (int): Width of an optional hidden Maxout layer in the head.
    head_lr_scale (float): Learning-rate multiplier of the new parts (tag head,
        casing embedding) relative to the pretrained encoder.
    quantize (bool): Predict with an int8 (dynamically quantized) copy of the
        encoder: about 1.7x faster on CPU, for a small loss of accuracy (see
        docs/benchmarks.md). Training and MC-dropout samples use the fp32 weights.
    mixed_precision (bool): Train the encoder under bfloat16 autocast (the weights and
        optimizer stay fp32; predictions are unchanged): about 1.7x faster training
        steps on a CPU with AVX512-BF16 and on recent GPUs (docs/benchmarks_al.md).
    frozen_layers (int): Keep the embeddings and this many lower layers of a BERT-style
        encoder at their pretrained weights (no gradient, no dropout) and compute their
        output once per sentence: a pool re-scored after every update and answers
        trained over many passes run the upper layers only (0: fine-tune every layer).
    nO (int | None): Number of tags, set by the component when it is initialised.
    """
    encoder = HFTokenEncoder(
        name, pooling=pooling, casing_width=casing_width, window=window, quantize=quantize,
        mixed_precision=mixed_precision, frozen_layers=frozen_layers,
    )
    return build_tagger_model(
        encoder, dropout=dropout, hidden_width=hidden_width, n_tags=nO,
        head_lr_scale=head_lr_scale,
    )
