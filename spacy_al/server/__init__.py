"""The annotation server: the ASGI app, the controller, the question stream, validation.

Needs the store (:mod:`spacy_al.store`) and the task format, never a recipe or the
model: recipes hand it their components, the retraining worker its rankings.
"""
