"""What the model worker needs to build its model: a picklable :class:`ModelSpec`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..acquisition import DEFAULT_SELECTOR, DEFAULT_STRATEGY
from ..errors import ConfigError
from ..training.trainer import TrainingRule

MODES = ("correct", "teach")
NEW_MODELS = {"default": "transformer", "embedded": "transformer", "transformer": "transformer",
              "tok2vec": "tok2vec"}
"""MODEL values that build a fresh pipeline instead of loading one from disk."""
TRAININGS = ("live", "benchmark")
BENCHMARK_RULE = TrainingRule(epochs=3, min_steps=150, min_steps_fresh_only=True, batch_size=32,
                              learn_rate=1e-4, retrain="continue", holdout=0.1, patience=1)
"""The offline transformer benchmark's rule (``spacy_al/configs/benchmark/transformer.cfg``): 3
passes, a 150-update warm-up of the fresh model, early stopping on a tenth held out."""
RINGGER_2008_SECONDS = (3.795, 5.387, 12.57)
"""Seconds per token, per correction and per sentence of an annotation: the cost model of
the Ringger et al. 2008 user study (Haertel et al. 2008: 3.795 l + 5.387 c + 12.57 seconds
for l tokens and c corrections); the live benchmark's cost model too."""
ANNOTATION_SECONDS = (RINGGER_2008_SECONDS[0], RINGGER_2008_SECONDS[2])
"""Seconds per token and per sentence, without the corrections term (``--cost-aware``)."""


@dataclass
class ModelSpec:
    """What the worker needs to build its model: picklable, sent to the worker process."""

    model: str = "default"
    labels: list[str] | None = None
    strategy: str = DEFAULT_STRATEGY
    mode: str = "correct"
    output: str | None = None
    lang: str = "en"
    seed: int = 0
    batch_size: int = 8
    n_epochs: int = 1
    min_steps: int = 20
    """Updates per training round at least: more passes while the answers are few."""
    learn_rate: float | None = None
    dropout: float = 0.1
    eval_fraction: float = 0.2
    score_batch_size: int = 32
    int8_scoring: bool = True
    """Rank with an int8 copy of a transformer encoder on CPU (about 2x the sentences per
    second: twice the pool re-scored within ``rescore_seconds``); the saved pipeline
    predicts in fp32."""
    threads: int | None = None
    """Torch threads of the worker process (default: all cores; the worker is niced, so the
    server's requests still get a core first). On 2 cores a 20,000-sentence pool is
    re-scored whole in 51 s with both, 70 s with one (``docs/benchmarks/scale_20k.json``)."""
    nice: int = 10
    """Scheduling niceness added to the worker process, so requests get the CPU first."""
    strategy_options: dict[str, Any] = field(default_factory=dict)
    selector: str = DEFAULT_SELECTOR
    selector_options: dict[str, Any] = field(default_factory=dict)
    window: int = 20
    """Sentences the selector picks first in each ranking (the rest follow by score)."""
    stopper: str = "spacy-al.StabilizingPredictions.v1"
    stopper_options: dict[str, Any] = field(default_factory=dict)
    min_confidence: float = 0.5
    """``ner.al-correct``: pre-annotate only spans of at least this confidence (the mean
    probability of their tags); 0: every span the model decodes. Measured on wnut17
    (``docs/benchmarks/live/model_choices_wnut17*.json``): after 40 and 100 answers every
    decoded span costs more corrections than it saves (257 against 213 without spans),
    0.5 fewer than either (208)."""
    frozen_layers: int = 0
    """A new transformer model (``default``): keep its embeddings and this many lower layers
    pretrained and compute their output once per sentence, so a re-scoring of the pool and
    an update run the upper layers only (a loaded pipeline keeps its config's value)."""
    cost_aware: bool = True
    """Rank by informativeness per expected second of annotation (``annotation_seconds``)
    instead of by the strategy's score alone (``--score-only``); a random order stays
    uniform. Measured through the real server (``docs/benchmarks/live/summary.md``, AL
    order, F1 at 200 answers, 3 seeds, against the score alone): CoNLL-2003 0.698 against
    0.658 (where the score alone spends half the answers on lines of at most 3 tokens), MIT
    Restaurant 0.617 against 0.571, OntoNotes 0.628 against 0.576, WikiGold 0.632 against
    0.598; WNUT-17 0.357 against 0.374, within its seeds' spread."""
    annotation_seconds: tuple[float, float] = ANNOTATION_SECONDS
    """Seconds per token and per sentence of the cost model ``cost_aware`` ranks by."""
    stop_set_size: int = 200
    """Pool sentences (a seeded sample) the model tags after each update (0: none)."""
    rescore_seconds: float = 60.0
    """After an update the worker re-scores the whole unanswered pool, a newer update
    waiting for it up to this many seconds; past that bound the rest of a re-scoring is
    dropped for the newer update (a pool too large to re-score in time)."""
    rerank_candidates: int = 200
    """After an update, the best M unanswered sentences by their last scores are re-scored
    first and swapped in (0 with ``rerank_sample`` 0: the whole pool at once)."""
    rerank_sample: int = 200
    """... with a seeded random sample of R of the other unanswered sentences."""
    training: str = "live"
    """How each update trains: ``live`` (the fields above) or ``benchmark`` (the offline
    transformer benchmark's rule, to measure what the lighter live rule costs)."""
    patterns: str | None = None
    """A pattern file (``--patterns``), loaded in the worker by ``matcher_factory``."""
    matcher_factory: Callable[[str, str], Any] | None = None
    """``factory(path, lang)``: a matcher with ``match(tokens) -> [(TokenSpan, id)]``
    (the recipe runtime's ``PatternMatcher``; a module-level class, so it pickles)."""

    def training_rule(self, architecture: str) -> TrainingRule:
        """The trainer's rule for answers: continued fine-tuning, ``min_steps`` at least
        (``training = "benchmark"``: :data:`BENCHMARK_RULE`, the learning rate by
        architecture)."""
        if self.training not in TRAININGS:
            raise ConfigError(f"Unknown training rule {self.training!r}.",
                              fix=f"Use one of {', '.join(TRAININGS)}.")
        if self.training == "benchmark":
            return replace(BENCHMARK_RULE, learn_rate=1e-3 if architecture == "tok2vec"
                           else BENCHMARK_RULE.learn_rate)
        rate = self.learn_rate
        if rate is None:
            rate = 1e-3 if architecture == "tok2vec" else 1e-4
        return TrainingRule(epochs=self.n_epochs, min_steps=self.min_steps,
                            batch_size=self.batch_size, learn_rate=rate, dropout=self.dropout,
                            retrain="continue")
