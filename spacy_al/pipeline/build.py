"""Build a ready pipeline with ``al_ner`` in code (recipes, the loop, benchmarks, tests)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import spacy
from spacy.language import Language
from spacy.training import Example

from .al_ner import ALNER

ARCHITECTURES = ("transformer", "tok2vec")


def cnn_tok2vec_config(width: int, depth: int, rows: Sequence[int]) -> dict:
    """spaCy's CNN tok2vec (``spacy.Tok2Vec.v2``): hash embeddings of NORM, PREFIX,
    SUFFIX and SHAPE with ``rows`` rows each, then a maxout window encoder."""
    return {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": width,
            "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
            "rows": list(rows),
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": width,
            "depth": depth,
            "window_size": 1,
            "maxout_pieces": 3,
        },
    }


def tok2vec_model_config(width: int = 96, depth: int = 4, rows: int = 2000) -> dict:
    """``spacy-al.Tok2VecTagger.v1`` on spaCy's CNN tok2vec (hash embeddings + CNN)."""
    return {
        "@architectures": "spacy-al.Tok2VecTagger.v1",
        "dropout": 0.1,
        "tok2vec": cnn_tok2vec_config(width, depth, [rows, rows // 2, rows // 2, rows // 4]),
    }


def transformer_model_config(model_name: str = "embedded", quantize: bool = False,
                             mixed_precision: bool = False, frozen_layers: int = 0) -> dict:
    """``spacy-al.TransformerTagger.v1`` on ``model_name`` (default: the embedded MiniLM);
    ``quantize``: predict with an int8 copy of the encoder; ``mixed_precision``: train
    under bfloat16 autocast; ``frozen_layers``: lower layers kept pretrained, their
    output computed once per sentence."""
    return {"@architectures": "spacy-al.TransformerTagger.v1", "name": model_name,
            "quantize": quantize, "mixed_precision": mixed_precision,
            "frozen_layers": frozen_layers}


def create_al_nlp(
    labels: Sequence[str],
    architecture: str = "transformer",
    model_name: str | None = None,
    *,
    lang: str = "en",
    scheme: str = "BIO",
    examples: Iterable[Example] | None = None,
    tok2vec_width: int = 96,
    quantize: bool = False,
    mixed_precision: bool = False,
    frozen_layers: int = 0,
) -> Language:
    """A blank ``lang`` pipeline with an initialised ``al_ner`` for ``labels``.

    architecture: ``"transformer"`` (``model_name``: hub name, local path, or the
    embedded default) or ``"tok2vec"`` (spaCy's CNN, fast on CPU). ``quantize``
    (transformer only): predict with an int8 copy of the encoder; ``mixed_precision``
    (transformer only): train under bfloat16 autocast; ``frozen_layers`` (transformer
    only): that many lower layers kept pretrained, their output computed once per sentence.
    """
    if architecture == "transformer":
        model = transformer_model_config(model_name or "embedded", quantize, mixed_precision,
                                         frozen_layers)
    elif architecture == "tok2vec":
        model = tok2vec_model_config(width=tok2vec_width)
    else:
        raise ValueError(f"architecture must be one of {ARCHITECTURES}, not {architecture!r}")
    nlp = spacy.blank(lang)
    ner = cast(ALNER, nlp.add_pipe("al_ner", config={"model": model, "scheme": scheme}))
    for label in labels:
        ner.add_label(label)
    sample = list(examples or [])
    if not sample:
        sample = [Example(nlp.make_doc("x"), nlp.make_doc("x"))]
    nlp.initialize(lambda: sample)
    return nlp
