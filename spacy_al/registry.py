"""catalogue registries of spacy-al: every name a config, a recipe or the CLI can use.

Each registry reads an entry point group, and spacy-al's own built-ins are
declared there too (``pyproject.toml``), so every name resolves in a fresh
interpreter without importing anything first. A third-party package adds its own
the same way, without touching spacy-al::

    [project.entry-points.spacy_al_strategies]
    "my-pkg.MyStrategy.v1" = "my_pkg.strategies:build_my_strategy"

- ``al_strategies`` (group ``spacy_al_strategies``): ``build(**kw) -> score(probs)``;
- ``al_selectors`` (``spacy_al_selectors``): ``build(**kw) -> select(scores, n_tokens,
  budget, embeddings)``;
- ``al_stoppers`` (``spacy_al_stoppers``): ``build(**kw) -> stopper`` with ``update(tags)``;
- ``recipes`` (``spacy_al_recipes``): recipe functions (Prodigy's contract).
"""

from __future__ import annotations

import catalogue

al_strategies = catalogue.create("spacy_al", "strategies", entry_points=True)
"""Acquisition strategy builders: ``build(**kwargs) -> score(probs) -> numpy.ndarray``."""

al_selectors = catalogue.create("spacy_al", "selectors", entry_points=True)
"""Batch selector builders: ``build(**kwargs) -> select(scores, n_tokens, budget, embeddings)``."""

al_stoppers = catalogue.create("spacy_al", "stoppers", entry_points=True)
"""Stopping-criterion builders: ``build(**kwargs) -> stopper`` (``update(tags) -> bool``)."""

recipes = catalogue.create("spacy_al", "recipes", entry_points=True)
"""Recipe functions by name: ``ner.al-correct``, ``ner.al-teach``, ``ner.manual``, ..."""

__all__ = ["al_selectors", "al_stoppers", "al_strategies", "recipes"]
