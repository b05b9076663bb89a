"""Find strategies by short name (CLI, recipes) or by registered name."""

from __future__ import annotations

from typing import Any

import catalogue

from ..errors import UnknownStrategyError
from ..registry import al_strategies
from . import strategies as _strategies  # noqa: F401  (registers the built-in builders)
from .strategies import ScoreFn

DEFAULT_STRATEGY = "mnlp"
"""The strategy a recipe, the loop and the scorer use when none is named."""
SHORT_NAMES: dict[str, str] = {
    "mnlp": "spacy-al.MNLP.v1",
    "token_entropy": "spacy-al.TokenEntropy.v1",
    "bald": "spacy-al.BALD.v1",
    "least_confidence": "spacy-al.LeastConfidence.v1",
    "margin": "spacy-al.Margin.v1",
    "random": "spacy-al.Random.v1",
}
"""Short names used by the recipes and the benchmark CLIs -> registered names."""


def resolve_name(name: str) -> str:
    """The registered name of ``name`` (a short name or a registered name)."""
    return SHORT_NAMES.get(name, name)


def strategy_names() -> list[str]:
    """Every registered strategy name, entry points of other packages included."""
    return sorted(al_strategies.get_all())


def get_builder(name: str) -> Any:
    """The builder registered under ``name`` (short or registered name).

    RAISES (UnknownStrategyError): When no such strategy is registered; the
        message lists the known names.
    """
    registered = resolve_name(name)
    try:
        return al_strategies.get(registered)
    except catalogue.RegistryError:
        known = ", ".join(sorted(SHORT_NAMES)) + "; " + ", ".join(strategy_names())
        raise UnknownStrategyError(
            f"No acquisition strategy named {name!r}.",
            fix=f"use one of: {known} (or register your own in the "
            "'spacy_al_strategies' entry point group).",
        ) from None


def get_strategy(name: str, **kwargs: Any) -> ScoreFn:
    """Build the strategy ``name`` (short or registered name) with ``kwargs``.

    name (str): e.g. ``"bald"`` or ``"spacy-al.BALD.v1"``.
    kwargs: Builder arguments, e.g. ``n_samples=10`` for BALD or ``seed=0`` for Random.
    RETURNS (ScoreFn): ``score(probs) -> numpy.ndarray``.
    """
    return get_builder(name)(**kwargs)
