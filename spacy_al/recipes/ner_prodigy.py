"""Prodigy's names of the NER recipes: ``ner.correct`` and ``ner.teach``.

``ner.teach`` is ``ner.al-teach``. ``ner.correct`` is ``ner.al-correct`` (active learning)
with a pipeline that has ``al_ner``, ``default`` or ``tok2vec``; with any other spaCy
pipeline that has an ``ner`` it is Prodigy's plain ``ner.correct``: the pipeline's
entities pre-annotate the sentences in file order, its labels are the default.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from spacy_al.recipe_runtime.decorator import recipe
from spacy_al.recipe_runtime.pipeline_annotator import (
    is_plain_ner_pipeline,
    pipeline_correct_components,
)
from spacy_al.recipe_runtime.sources import with_source_args
from spacy_al.recipes.ner_al import ARGS, al_correct, al_teach

pipeline_correct = with_source_args(pipeline_correct_components)
PIPELINE_PARAMS = set(inspect.signature(pipeline_correct).parameters)


@functools.wraps(al_correct)
def _ner_correct(**kwargs: Any) -> dict[str, Any]:
    if is_plain_ner_pipeline(str(kwargs.get("spacy_model", ""))):
        defaults = {name: p.default for name, p in inspect.signature(al_correct).parameters
                    .items() if name in PIPELINE_PARAMS}
        given = {**defaults, **{k: v for k, v in kwargs.items() if k in PIPELINE_PARAMS}}
        return pipeline_correct(**given)
    return al_correct(**kwargs)


_ner_correct.__doc__ = """\
Create gold-standard data by correcting a model's suggestions (Prodigy's ner.correct).

With a pipeline that has al_ner, 'default' or 'tok2vec' this is ner.al-correct:
the model ranks the sentences, pre-annotates them and learns from the answers.
With any other spaCy pipeline that has an ner component, its entities pre-annotate
each sentence of SOURCE in file order and its labels are the default --label; fix
the spans and accept (no model in the loop, as in Prodigy).
"""


@functools.wraps(al_teach)
def _ner_teach(**kwargs: Any) -> dict[str, Any]:
    return al_teach(**kwargs)


_ner_teach.__doc__ = """\
Collect the best possible training data for NER with the model in the loop
(Prodigy's ner.teach, as ner.al-teach).

Based on your answers, the model decides which spans to ask about next: accept or
reject one predicted entity at a time, the least certain first.
"""

ner_correct = recipe("ner.correct", **ARGS)(_ner_correct)
ner_teach = recipe("ner.teach", **ARGS)(_ner_teach)
