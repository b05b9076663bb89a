"""Registered acquisition strategies: builders returning partials over pure functions.

Each name in :data:`spacy_al.registry.al_strategies` is a builder;
``build(**kwargs)`` returns ``score(probs) -> numpy.ndarray`` where ``probs`` is a
list (one per sentence) of arrays shaped ``(n_samples, n_tokens, n_tags)`` and the
result holds one float per sentence, higher = more informative.

The returned :class:`Strategy` is a :func:`functools.partial` that also says what it
needs from the model: ``n_samples``, ``dropout`` and ``mc_dropout`` (passed to
``al_ner.predict_proba``), ``needs_samples`` and ``needs_probs``. Strategies from
other packages may return any plain callable; :func:`sampling_of` reads the same
attributes with defaults (1 sample, no dropout).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..registry import al_strategies, build
from . import scores

ScoreFn = Callable[[Sequence[np.ndarray]], np.ndarray]
"""``score(probs) -> numpy.ndarray``: one float per sentence."""

MC_DROPOUT_MODES = ("head", "full")


class Strategy(functools.partial):
    """A score function ``score(probs) -> np.ndarray`` with its sampling needs."""

    name: str
    n_samples: int
    dropout: float
    mc_dropout: str
    needs_probs: bool

    @property
    def needs_samples(self) -> bool:
        """Whether the strategy needs more than one (MC-dropout) sample."""
        return self.n_samples > 1


@dataclass(frozen=True)
class Sampling:
    """What ``al_ner.predict_proba`` must be asked for one strategy."""

    n_samples: int = 1
    dropout: float = 0.0
    mc_dropout: str = "head"


def score_sentences(
    probs: Sequence[np.ndarray], *, batch_fn: Callable[..., np.ndarray], **options: Any
) -> np.ndarray:
    """Pad ``probs`` into one batch and apply a :mod:`scores` sentence function.

    probs (Sequence[np.ndarray]): One ``(n_samples, n_tokens, n_tags)`` array per sentence.
    batch_fn (Callable): A sentence function of :mod:`spacy_al.acquisition.scores`.
    RETURNS (np.ndarray): One float64 score per sentence.
    """
    if len(probs) == 0:
        return np.zeros(0)
    batch, mask = scores.pad_batch(probs)
    return np.asarray(batch_fn(batch, mask, **options), dtype=np.float64)


def make_strategy(
    name: str,
    batch_fn: Callable[..., np.ndarray],
    *,
    n_samples: int = 1,
    dropout: float = 0.0,
    mc_dropout: str = "head",
    needs_probs: bool = True,
    **options: Any,
) -> Strategy:
    """Bind ``batch_fn`` and its options into a :class:`Strategy`."""
    strategy = Strategy(score_sentences, batch_fn=batch_fn, **options)
    strategy.name = name
    strategy.n_samples = n_samples
    strategy.dropout = dropout
    strategy.mc_dropout = mc_dropout
    strategy.needs_probs = needs_probs
    return strategy


def sampling_of(
    score_fn: Callable[..., Any],
    *,
    n_samples: int | None = None,
    dropout: float | None = None,
    mc_dropout: str | None = None,
) -> Sampling:
    """The sampling a (possibly third-party) score function asks for.

    The overrides (``None``: keep the strategy's own value) apply only to a
    strategy that needs samples: a single-sample strategy always gets one
    deterministic pass.
    """
    own = Sampling(
        n_samples=int(getattr(score_fn, "n_samples", 1)),
        dropout=float(getattr(score_fn, "dropout", 0.0)),
        mc_dropout=str(getattr(score_fn, "mc_dropout", "head")),
    )
    if own.n_samples <= 1:
        return own if own.dropout > 0 else Sampling()
    sampling = Sampling(
        n_samples=own.n_samples if n_samples is None else n_samples,
        dropout=own.dropout if dropout is None else dropout,
        mc_dropout=own.mc_dropout if mc_dropout is None else mc_dropout,
    )
    check_mc_dropout(sampling.mc_dropout)
    return sampling


@al_strategies.register("spacy-al.MNLP.v1")
def build_mnlp() -> Strategy:
    """MNLP (Shen et al. 2018): ``-(1/n) Σ_i log max_y p_i(y)``."""
    return make_strategy("spacy-al.MNLP.v1", scores.mnlp)


@al_strategies.register("spacy-al.TokenEntropy.v1")
def build_token_entropy(normalize: bool = True) -> Strategy:
    """Token entropy (Settles & Craven 2008): mean, or total if not ``normalize``."""
    return make_strategy(
        "spacy-al.TokenEntropy.v1", scores.token_entropy_score, normalize=normalize
    )


@al_strategies.register("spacy-al.BALD.v1")
def build_bald(
    variant: str = "mutual_information",
    n_samples: int = 10,
    dropout: float = 0.1,
    mc_dropout: str = "head",
) -> Strategy:
    """BALD over ``n_samples`` MC-dropout samples (Houlsby 2011, Gal 2017).

    variant (str): ``"mutual_information"`` (default) or ``"vote"`` (Shen et al. 2018).
    n_samples (int): Number of MC-dropout samples T, at least 2.
    dropout (float): Dropout rate of the samples, in ``(0, 1)``.
    mc_dropout (str): ``"head"`` (encoder once, masks on the head; Shelmanov et
        al. 2021) or ``"full"`` (T passes through the whole model).
    """
    _check_bald(variant, n_samples, dropout, mc_dropout)
    return make_strategy(
        "spacy-al.BALD.v1",
        scores.bald,
        n_samples=n_samples,
        dropout=dropout,
        mc_dropout=mc_dropout,
        variant=variant,
    )


def _check_bald(variant: str, n_samples: int, dropout: float, mc_dropout: str) -> None:
    if variant not in ("mutual_information", "vote"):
        raise ConfigError(
            f"Unknown BALD variant {variant!r}.", fix="use 'mutual_information' or 'vote'."
        )
    if n_samples < 2:
        raise ConfigError(
            f"BALD needs at least 2 MC-dropout samples, got n_samples={n_samples}.",
            fix="set n_samples to 10 or so.",
        )
    if not 0.0 < dropout < 1.0:
        raise ConfigError(
            f"BALD needs a dropout rate in (0, 1), got {dropout}: with no dropout "
            "all samples agree and every score is 0.",
            fix="set dropout to 0.1 or so.",
        )
    check_mc_dropout(mc_dropout)


def check_mc_dropout(mc_dropout: str) -> None:
    """Raise :class:`ConfigError` unless ``mc_dropout`` is ``"head"`` or ``"full"``."""
    if mc_dropout not in MC_DROPOUT_MODES:
        raise ConfigError(f"Unknown mc_dropout mode {mc_dropout!r}.", fix="use 'head' or 'full'.")


@al_strategies.register("spacy-al.LeastConfidence.v1")
def build_least_confidence() -> Strategy:
    """Least confidence: ``1 - Π_i max_y p_i(y)``."""
    return make_strategy("spacy-al.LeastConfidence.v1", scores.least_confidence)


@al_strategies.register("spacy-al.Margin.v1")
def build_margin() -> Strategy:
    """Margin: ``1 - (1/n) Σ_i (p_i(first) - p_i(second))``."""
    return make_strategy("spacy-al.Margin.v1", scores.margin)


@al_strategies.register("spacy-al.Random.v1")
def build_random(seed: int | None = 0) -> Strategy:
    """Random baseline: uniform in ``[0, 1)`` from ``numpy.random.default_rng(seed)``.

    The generator lives in the returned function, so successive calls continue
    one stream: the same seed over the same pool gives the same scores, whatever
    the batch size. It never needs the model's probabilities. Loops give it their
    seed through :func:`seeded`.
    """
    rng = np.random.default_rng(seed)
    return make_strategy("spacy-al.Random.v1", scores.random_scores, needs_probs=False, rng=rng)


DEFAULT_STRATEGY = "mnlp"
"""The strategy of every loop and recipe unless a setting names another."""


def build_strategy(name: str, options: Mapping[str, Any] | None = None,
                   seed: int | None = None) -> ScoreFn:
    """The one way a loop builds its strategy: the registered ``name`` (or alias) with
    ``options``, drawing (where it draws at all) from ``seed`` (see :func:`seeded`)."""
    score_fn: ScoreFn = build("strategy", name, **dict(options or {}))
    return score_fn if seed is None else seeded(score_fn, seed)


def seeded(score_fn: ScoreFn, seed: int) -> ScoreFn:
    """``score_fn`` drawing from a fresh ``numpy.random.default_rng(seed)`` where it draws
    (a strategy with an ``rng`` keyword, as ``spacy-al.Random.v1``); else ``score_fn``
    itself. The one seeding route of the loops, ``spacy-al score`` and the live worker."""
    if not isinstance(score_fn, functools.partial) or "rng" not in score_fn.keywords:
        return score_fn
    keywords = {**score_fn.keywords, "rng": np.random.default_rng(seed)}
    copy = type(score_fn)(score_fn.func, *score_fn.args, **keywords)
    copy.__dict__.update(score_fn.__dict__)
    return copy
