"""Annotation recipes of spacy-al, following Prodigy's recipe contract.

- ``ner.al-correct`` (:mod:`recipes.ner_al`): model-ranked sentences, pre-annotated, corrected.
- ``ner.al-teach`` (:mod:`recipes.ner_al`): one predicted span per task, accept or reject.
- ``ner.manual`` (:mod:`recipes.ner_manual`): no model, sequential or random order.

Importing a module registers its recipes in ``spacy_al.annotate.recipes_registry``.
"""
