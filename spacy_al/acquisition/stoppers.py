"""Registered stopping criteria: when more labels stop paying (numpy only).

A builder in :data:`spacy_al.registry.al_stoppers` returns a :class:`Stopper`, fed once
per round with what the current model says about a fixed *stop set* of unlabelled
sentences (a fixed sample of the pool):

- ``update(tags) -> bool``: the model's tag of every stop-set token, one list of
  strings per sentence (in the same order every round); returns whether to stop;
- ``update_uncertainty(scores) -> bool``: one uncertainty in [0, 1] per stop-set
  sentence (the loops pass the mean over its tokens of ``1 - max_tag p``); returns
  whether to stop;
- ``kappas``: Cohen's kappa between the tags of each two successive models so far;
- ``stopped``: whether the criterion has fired (it stays fired).

A criterion that does not use one of the two inputs still accepts it and returns its
current decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ConfigError
from ..registry import al_stoppers

Tags = Sequence[Sequence[str]]


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa of two labelings of the same items: (p_o - p_e) / (1 - p_e).

    Two identical labelings give 1 (also when they use a single label, where p_e is 1).
    """
    if len(first) != len(second):
        raise ValueError(f"kappa needs labelings of one length, got {len(first)} and "
                         f"{len(second)}.")
    if not len(first):
        return 1.0
    labels, codes = np.unique(np.asarray([*first, *second], dtype=object).astype(str),
                              return_inverse=True)
    a, b = codes[: len(first)], codes[len(first):]
    observed = float(np.mean(a == b))
    pa = np.bincount(a, minlength=len(labels)) / len(a)
    pb = np.bincount(b, minlength=len(labels)) / len(b)
    expected = float(np.dot(pa, pb))
    if expected >= 1.0:
        return 1.0 if observed >= 1.0 else 0.0
    return (observed - expected) / (1.0 - expected)


def flatten(tags: Tags) -> list[str]:
    return [tag for sentence in tags for tag in sentence]


@dataclass
class Stopper:
    """Shared state of the criteria: the kappa trend and whether it has fired."""

    kappas: list[float] = field(default_factory=list)
    uncertainties: list[float] = field(default_factory=list)
    stopped: bool = False
    _last: list[str] | None = None

    def update(self, tags: Tags) -> bool:
        """Record the kappa with the previous model's tags; return :attr:`stopped`."""
        flat = flatten(tags)
        if self._last is not None:
            self.kappas.append(cohen_kappa(self._last, flat))
        self._last = flat
        self.stopped = self.stopped or self.decide_on_tags()
        return self.stopped

    def update_uncertainty(self, scores: Sequence[float] | np.ndarray) -> bool:
        """Record the mean uncertainty of the stop set; return :attr:`stopped`."""
        values = np.asarray(scores, dtype=np.float64)
        self.uncertainties.append(float(values.mean()) if values.size else 0.0)
        self.stopped = self.stopped or self.decide_on_uncertainty()
        return self.stopped

    @property
    def last_tags(self) -> list[str] | None:
        """The last model's stop-set tags, flat (what the next kappa compares with)."""
        return None if self._last is None else list(self._last)

    def restore(self, kappas: Sequence[float], uncertainties: Sequence[float],
                stopped: bool, last_tags: Sequence[str] | None) -> None:
        """Take up a saved run where it stopped (its trend, its verdict, its last tags)."""
        self.kappas = [float(k) for k in kappas]
        self.uncertainties = [float(u) for u in uncertainties]
        self.stopped = bool(stopped)
        self._last = None if last_tags is None else list(last_tags)

    def decide_on_tags(self) -> bool:
        return False

    def decide_on_uncertainty(self) -> bool:
        return False


@dataclass
class StabilizingPredictions(Stopper):
    """Stop once the last ``window`` kappas are all >= ``threshold`` (Bloodgood and
    Vijay-Shanker 2009)."""

    threshold: float = 0.99
    window: int = 3

    def decide_on_tags(self) -> bool:
        recent = self.kappas[-self.window:]
        return len(recent) == self.window and min(recent) >= self.threshold


@dataclass
class OverallUncertainty(Stopper):
    """Stop once the stop set's mean uncertainty is below ``threshold`` (Zhu et al. 2008)."""

    threshold: float = 0.01

    def decide_on_uncertainty(self) -> bool:
        return bool(self.uncertainties) and self.uncertainties[-1] < self.threshold


@al_stoppers.register("spacy-al.StabilizingPredictions.v1")
def build_stabilizing_predictions(threshold: float = StabilizingPredictions.threshold,
                                  window: int = StabilizingPredictions.window) -> Stopper:
    """Cohen's kappa between successive models' tags on the stop set; stop once the last
    ``window`` kappas are all >= ``threshold``."""
    if not 0 < threshold <= 1 or window < 1:
        raise ConfigError(
            f"spacy-al.StabilizingPredictions.v1 got threshold={threshold}, window={window}.",
            fix="use a threshold in (0, 1] (e.g. 0.99) and a window >= 1 (e.g. 3).")
    return StabilizingPredictions(threshold=float(threshold), window=int(window))


@al_stoppers.register("spacy-al.OverallUncertainty.v1")
def build_overall_uncertainty(threshold: float = OverallUncertainty.threshold) -> Stopper:
    """Stop once the mean per-sentence uncertainty of the stop set is below ``threshold``."""
    if not 0 < threshold <= 1:
        raise ConfigError(f"spacy-al.OverallUncertainty.v1 got threshold={threshold}.",
                          fix="use a threshold in (0, 1], e.g. 0.01.")
    return OverallUncertainty(threshold=float(threshold))

