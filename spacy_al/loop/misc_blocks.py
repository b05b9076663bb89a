"""Selectors and stopping criteria as spaCy ``@misc`` blocks, for ``spacy train`` configs.

spaCy resolves ``@misc`` blocks natively, so a ``[corpora.train]`` active-learning
reader takes its selector and stopping criterion from blocks of their own::

    [corpora.train.selector]
    @misc = "spacy-al.DiverseTopK.v1"
    candidates = 3

    [corpora.train.stopper]
    @misc = "spacy-al.StabilizingPredictions.v1"
    threshold = 0.99
    window = 3

The names are those of :data:`spacy_al.registry.al_selectors` / ``al_stoppers``; each
block builds the registered object (declared in the ``spacy_misc`` entry point group,
so they resolve without ``--code``). ``spacy-al.Selector.v1`` builds any registered
selector, a third party's too, by name.
"""

# No `from __future__ import annotations`: spaCy validates these signatures at runtime.

from typing import Any

import spacy

from ..acquisition.selectors import NamedSelector
from ..acquisition.stoppers import Stopper, get_stopper
from .engine import get_selector


def named_selector(name: str, **options: Any) -> NamedSelector:
    """A registered selector that remembers its name and options (the loop's fingerprint)."""
    return NamedSelector(name, dict(options), get_selector(name, **options))


@spacy.registry.misc("spacy-al.TopK.v1")
def misc_top_k() -> NamedSelector:
    """Best first until the budget is spent (the default)."""
    return named_selector("spacy-al.TopK.v1")


@spacy.registry.misc("spacy-al.DiverseTopK.v1")
def misc_diverse_top_k(candidates: float = 3.0, min_distance: float | None = None,
                       fill: float = 0.95) -> NamedSelector:
    """By score from the best ``candidates`` x k entries, kept apart in embedding space."""
    options: dict[str, Any] = {"candidates": candidates, "fill": fill}
    if min_distance is not None:
        options["min_distance"] = min_distance
    return named_selector("spacy-al.DiverseTopK.v1", **options)


@spacy.registry.misc("spacy-al.Selector.v1")
def misc_selector(name: str, options: dict[str, Any] | None = None) -> NamedSelector:
    """Any selector registered in ``spacy_al_selectors``, by name, with its options."""
    return named_selector(name, **dict(options or {}))


@spacy.registry.misc("spacy-al.StabilizingPredictions.v1")
def misc_stabilizing_predictions(threshold: float = 0.99, window: int = 3) -> Stopper:
    """Stop once the last ``window`` kappas of successive models' tags are >= threshold."""
    return get_stopper("spacy-al.StabilizingPredictions.v1", threshold=threshold, window=window)


@spacy.registry.misc("spacy-al.OverallUncertainty.v1")
def misc_overall_uncertainty(threshold: float = 0.01) -> Stopper:
    """Stop once the stop set's mean uncertainty is below ``threshold``."""
    return get_stopper("spacy-al.OverallUncertainty.v1", threshold=threshold)
