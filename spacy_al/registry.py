"""catalogue registries of spacy-al.

Third-party packages add their own entries through the entry point groups named
below, without touching spacy-al:

    [project.entry-points.spacy_al_strategies]
    "my-pkg.MyStrategy.v1" = "my_pkg.strategies:build_my_strategy"
"""

from __future__ import annotations

import catalogue

al_strategies = catalogue.create("spacy_al", "strategies", entry_points=True)
"""Acquisition strategy builders: ``build(**kwargs) -> score(probs) -> numpy.ndarray``."""

__all__ = ["al_strategies"]
