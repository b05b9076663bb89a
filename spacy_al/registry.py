"""catalogue registries of spacy-al: every name a config, a recipe or the CLI can use.

Each registry reads an entry point group, and spacy-al's own built-ins are
declared there too (``pyproject.toml``), so every name resolves in a fresh
interpreter without importing anything first. A third-party package adds its own
the same way, without touching spacy-al::

    [project.entry-points.spacy_al_strategies]
    "my-pkg.MyStrategy.v1" = "my_pkg.strategies:build_my_strategy"
    "my_strategy" = "my_pkg.strategies:build_my_strategy"   # optional short name

- ``al_strategies`` (group ``spacy_al_strategies``): ``build(**kw) -> score(probs)``;
- ``al_selectors`` (``spacy_al_selectors``): ``build(**kw) -> select(scores, n_tokens,
  budget, embeddings)``;
- ``al_stoppers`` (``spacy_al_stoppers``): ``build(**kw) -> stopper`` with ``update(tags)``;
- ``recipes`` (``spacy_al_recipes``): recipe functions (Prodigy's contract).

A short name (``mnlp``, ``bald``, ...) is an alias: one more name in the same group for the
same builder. :func:`build` is the one way to build any of them by name; an unknown name
raises :class:`~spacy_al.errors.UnknownNameError` listing the names that exist.
spaCy configs name them directly (``@al_selectors = "spacy-al.DiverseTopK.v1"``):
``spacy_al.pipeline`` puts the three registries on ``spacy.registry``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import catalogue

from .errors import UnknownNameError

al_strategies = catalogue.create("spacy", "al_strategies", entry_points=True)
"""Acquisition strategy builders: ``build(**kwargs) -> score(probs) -> numpy.ndarray``."""

al_selectors = catalogue.create("spacy", "al_selectors", entry_points=True)
"""Batch selector builders: ``build(**kwargs) -> select(scores, n_tokens, budget, embeddings)``."""

al_stoppers = catalogue.create("spacy", "al_stoppers", entry_points=True)
"""Stopping-criterion builders: ``build(**kwargs) -> stopper`` (``update(tags) -> bool``)."""

recipes = catalogue.create("spacy_al", "recipes", entry_points=True)
"""Recipe functions by name: ``ner.al-correct``, ``ner.al-teach``, ``ner.manual``, ..."""

Kind = Literal["strategy", "selector", "stopper"]
REGISTRIES: dict[str, catalogue.Registry] = {
    "strategy": al_strategies, "selector": al_selectors, "stopper": al_stoppers,
}
"""Each kind of buildable thing and its registry (config blocks: ``@al_<kind>s``)."""

VERSIONED = re.compile(r"^[\w-]+(\.[\w-]+)*\.v\d+$")
"""A registered name proper (``spacy-al.MNLP.v1``); any other name of a builder is an alias."""


def registry_of(kind: str) -> catalogue.Registry:
    """The registry of ``kind`` (``strategy``, ``selector`` or ``stopper``)."""
    if kind not in REGISTRIES:
        raise UnknownNameError(f"No kind of registered object called {kind!r}.",
                               fix=f"use one of {', '.join(REGISTRIES)}.")
    return REGISTRIES[kind]


def aliases(kind: str) -> dict[str, str]:
    """Short names -> registered names: the unversioned names of a builder that also has a
    versioned one, in the same entry point group (a third party's included)."""
    everything = registry_of(kind).get_all()
    proper = {id(builder): name for name, builder in sorted(everything.items())
              if VERSIONED.match(name)}
    return {name: proper[id(builder)] for name, builder in sorted(everything.items())
            if not VERSIONED.match(name) and id(builder) in proper}


def names(kind: str) -> list[str]:
    """Every registered name of ``kind``, without the aliases (sorted)."""
    short = aliases(kind)
    return sorted(name for name in registry_of(kind).get_all() if name not in short)


def is_registered(kind: str, name: str) -> bool:
    """Whether ``name`` (an alias or a registered name) names something of ``kind``."""
    return aliases(kind).get(name, name) in registry_of(kind)


def resolve(kind: str, name: str) -> str:
    """The registered name of ``name`` (an alias or a registered name), checked to exist."""
    registered = aliases(kind).get(name, name)
    if registered not in registry_of(kind):
        known = ", ".join(f"{alias} ({full})" for alias, full in aliases(kind).items())
        others = [n for n in names(kind) if n not in aliases(kind).values()]
        listing = "; ".join(part for part in (known, ", ".join(others)) if part)
        raise UnknownNameError(
            f"No {kind} named {name!r}.",
            fix=f"use one of: {listing} (or register your own in the "
            f"'{'_'.join(registry_of(kind).namespace)}' entry point group).")
    return registered


def short_name(kind: str, name: str) -> str:
    """The alias of a registered name where it has one (for tables and plots), else itself."""
    for alias, full in aliases(kind).items():
        if full == name:
            return alias
    return name


def build(kind: Kind | str, name: str, **options: Any) -> Any:
    """Build the registered ``name`` of ``kind`` with ``options``: the one way to turn a
    name from a CLI flag, a recipe argument or a settings file into an object.

    kind (str): ``strategy``, ``selector`` or ``stopper``.
    name (str): a registered name (``spacy-al.BALD.v1``) or its alias (``bald``).
    RAISES (UnknownNameError): no such name; the message lists the known ones.
    """
    return registry_of(kind).get(resolve(kind, name))(**options)


def help_names(kind: str) -> str:
    """The names a user can type for ``kind``, for help texts: aliases first."""
    short = aliases(kind)
    others = [n for n in names(kind) if n not in short.values()]
    return ", ".join([*short, *others])


__all__ = ["REGISTRIES", "al_selectors", "al_stoppers", "al_strategies", "aliases", "build",
           "help_names", "is_registered", "names", "recipes", "registry_of", "resolve",
           "short_name"]
