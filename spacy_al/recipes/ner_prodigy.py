"""Prodigy's names of the NER recipes: ``ner.correct`` and ``ner.teach``.

``ner.teach`` is ``ner.al-teach``. ``ner.correct`` is ``ner.al-correct`` (active learning)
with a pipeline that has ``al_ner``, ``default`` or ``tok2vec``; with any other spaCy
pipeline that has an ``ner`` it is Prodigy's plain ``ner.correct``: the pipeline's
entities pre-annotate the sentences in file order, its labels are the default. Both take
the arguments of their ``ner.al-*`` recipe.
"""

from __future__ import annotations

from typing import Any

from spacy_al.recipe_runtime.components import active_components
from spacy_al.recipe_runtime.decorator import settings_recipe
from spacy_al.recipe_runtime.pipeline_annotator import (
    is_plain_ner_pipeline,
    pipeline_correct_components,
)
from spacy_al.recipe_runtime.session_settings import CorrectSettings, TeachSettings


@settings_recipe("ner.correct", CorrectSettings)
def ner_correct(settings: CorrectSettings) -> dict[str, Any]:
    """Create gold-standard data by correcting a model's suggestions (Prodigy's ner.correct).

    With a pipeline that has al_ner, 'default' or 'tok2vec' this is ner.al-correct:
    the model ranks the sentences, pre-annotates them and learns from the answers.
    With any other spaCy pipeline that has an ner component, its entities pre-annotate
    each sentence of SOURCE in file order and its labels are the default --label; fix
    the spans and accept (no model in the loop, as in Prodigy).
    """
    if is_plain_ner_pipeline(settings.spacy_model):
        return pipeline_correct_components(settings)
    return active_components(settings)


@settings_recipe("ner.teach", TeachSettings)
def ner_teach(settings: TeachSettings) -> dict[str, Any]:
    """Collect the best training data for NER with the model in the loop (Prodigy's ner.teach).

    As ner.al-teach: based on your answers, the model decides which spans to ask about
    next; accept or reject one predicted entity at a time, the least certain first.
    """
    return active_components(settings)
