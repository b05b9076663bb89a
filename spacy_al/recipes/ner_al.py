"""Active-learning NER recipes: ``ner.al-correct`` (the default) and ``ner.al-teach``.

Both keep a model in the loop: after every ``--update-every`` accepted answers a
background worker fine-tunes it on all accepted answers so far, evaluates it on a
held-out slice, saves it to ``--output`` and re-ranks the unanswered pool. Their
arguments are the fields of :class:`~spacy_al.recipe_runtime.session_settings.LiveSettings`.
"""

from __future__ import annotations

from typing import Any

from spacy_al.recipe_runtime.components import active_components
from spacy_al.recipe_runtime.decorator import settings_recipe
from spacy_al.recipe_runtime.session_settings import CorrectSettings, TeachSettings


@settings_recipe("ner.al-correct", CorrectSettings)
def al_correct(settings: CorrectSettings) -> dict[str, Any]:
    """Correct the model's entities on the sentences it is least sure about.

    Sentences of SOURCE come in the order of the acquisition strategy (most
    informative first), pre-annotated with the model's entities; fix the spans
    and accept. Every answer is a complete annotation of its sentence. The model
    is retrained in the background and the remaining sentences re-ranked. A new
    model's first batches are a diverse sample of the pool; with --patterns its
    matches pre-annotate them (matched sentences first) until the first update,
    and later add suggestions where the model predicts nothing.
    """
    return active_components(settings)


@settings_recipe("ner.al-teach", TeachSettings)
def al_teach(settings: TeachSettings) -> dict[str, Any]:
    """Accept or reject one predicted entity at a time, the least certain first.

    Each task shows one span the model predicts (or nearly predicts), ordered by
    the model's uncertainty about it. Accepted spans train the model (the rest of
    the sentence stays unknown); rejected ones are stored but do not train it.
    With --patterns every match is a candidate too (meta.pattern: its id or line).
    """
    return active_components(settings)
