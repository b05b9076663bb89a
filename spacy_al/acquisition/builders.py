"""Build a registered selector or stopper by name, with the error a user can act on."""

from __future__ import annotations

from typing import Any

import catalogue

from ..errors import ConfigError


def build_registered(registry: catalogue.Registry, name: str, what: str, **options: Any) -> Any:
    """``registry.get(name)(**options)``; an unknown name raises :class:`ConfigError`
    listing the known names and the entry point group that adds more."""
    try:
        builder = registry.get(name)
    except catalogue.RegistryError:
        known = ", ".join(sorted(registry.get_all()))
        group = "_".join(registry.namespace)
        raise ConfigError(f"No {what} named {name!r}.",
                          fix=f"use one of {known} (or register your own in the "
                          f"'{group}' entry point group).") from None
    return builder(**options)
