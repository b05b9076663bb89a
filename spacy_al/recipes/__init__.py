"""Annotation recipes of spacy-al, following Prodigy's recipe contract.

Installed as ``spacy_al.recipes`` (this folder, through setuptools ``package-dir``)
and declared in the entry point group ``spacy_al_recipes``, as a third party's
recipes would be.

- ``ner.al-correct`` (:mod:`spacy_al.recipes.ner_al`): model-ranked sentences,
  pre-annotated, corrected.
- ``ner.al-teach`` (:mod:`spacy_al.recipes.ner_al`): one predicted span per task, accept or reject.
- ``ner.manual`` (:mod:`spacy_al.recipes.ner_manual`): no model, sequential or random order.

Importing a module registers its recipes in :data:`spacy_al.registry.recipes`.
"""
