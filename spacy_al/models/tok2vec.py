"""``spacy-al.Tok2VecTagger.v1``: spaCy's CNN tok2vec with the same softmax tag head."""

from __future__ import annotations

from spacy import registry
from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d

from .tagger import build_tagger_model


@registry.architectures("spacy-al.Tok2VecTagger.v1")
def build_tok2vec_tagger(
    tok2vec: Model[list[Doc], list[Floats2d]],
    dropout: float = 0.1,
    hidden_width: int = 0,
    nO: int | None = None,
) -> Model[list[Doc], list[Floats2d]]:
    """Build a fast CPU token tagger on a spaCy tok2vec (e.g. ``spacy.Tok2Vec.v2``).

    tok2vec (Model[List[Doc], List[Floats2d]]): Token-to-vector encoder; its
        ``SHAPE`` features carry the casing cues.
    dropout (float): Dropout before the head; also the layer MC dropout samples on.
    hidden_width (int): Width of an optional hidden Maxout layer in the head.
    nO (int | None): Number of tags, set by the component when it is initialised.
    """
    return build_tagger_model(tok2vec, dropout=dropout, hidden_width=hidden_width, n_tags=nO)
