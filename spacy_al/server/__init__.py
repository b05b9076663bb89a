"""The annotation server: the ASGI app, the controller, the question stream, connections.

Needs the store (:mod:`spacy_al.store`, which also checks answers) and the task format,
never a recipe or the model: recipes hand it their components, the retraining worker its
rankings.
"""
