"""The one trainer of ``al_ner``: the benchmark's rounds and the live worker both use it.

A :class:`TrainingRule` says how a labelled set is turned into a model: Adam with the
settings of ``configs/ner_*.cfg`` (L2 weight decay, gradient clipping), ``epochs``
passes over the examples in shuffled minibatches, at least ``min_steps`` updates
(small labelled sets get more passes), and ``dropout``. :class:`Trainer` applies it
round by round, from scratch with a seeded initialisation (``retrain = "scratch"``)
or continuing the previous round's model and optimizer (``"continue"``).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch
from thinc.api import Adam, Optimizer, fix_random_seed
from tqdm import tqdm

from ..corpora.registered import doc_to_example
from ..errors import ConfigError

RETRAIN = ("scratch", "continue")


@dataclass(frozen=True)
class TrainingRule:
    """How one labelled set is trained: the same rule for every strategy of a run."""

    epochs: int = 10
    """Passes over the labelled set."""
    min_steps: int = 0
    """At least this many updates (small labelled sets get more passes)."""
    batch_size: int = 32
    learn_rate: float = 0.001
    dropout: float = 0.1
    retrain: str = "scratch"
    """``"scratch"``: a fresh seeded model each round; ``"continue"``: keep training."""

    def __post_init__(self) -> None:
        if self.retrain not in RETRAIN:
            raise ConfigError(f"Unknown retrain mode {self.retrain!r}.",
                              fix=f"use one of {', '.join(RETRAIN)}.")
        if self.batch_size < 1 or self.epochs < 0 or self.min_steps < 0:
            raise ConfigError(
                f"Invalid training rule: batch_size {self.batch_size}, epochs {self.epochs}, "
                f"min_steps {self.min_steps}.",
                fix="use batch_size >= 1, epochs >= 0 and min_steps >= 0.")

    def n_epochs(self, n_examples: int) -> int:
        """``epochs``, or more where that gives fewer than ``min_steps`` updates; 0 for
        no examples."""
        if n_examples <= 0:
            return 0
        steps_per_epoch = max(1, math.ceil(n_examples / self.batch_size))
        return max(self.epochs, math.ceil(self.min_steps / steps_per_epoch))


def make_optimizer(learn_rate: float) -> Optimizer:
    """Adam with the settings of ``configs/ner_*.cfg`` (L2 weight decay, clipping)."""
    return Adam(learn_rate, L2=0.01, L2_is_weight_decay=True, grad_clip=1.0)


def fit(
    nlp: Language,
    examples: Sequence[Example],
    rule: TrainingRule,
    seed: int,
    *,
    optimizer: Optimizer | None = None,
    losses: dict[str, float] | None = None,
    desc: str = "train",
    progress: bool = False,
) -> float:
    """Train ``nlp`` on ``examples`` as ``rule`` says; return the seconds it took.

    seed (int): Seeds the shuffling and the dropout masks of this call.
    optimizer (Optimizer | None): Continue with this optimizer (None: a new one).
    losses (dict | None): Accumulates the losses per component, as ``nlp.update`` does.
    """
    start = time.perf_counter()
    train = [eg for eg in examples if len(eg.reference)]
    optimizer = optimizer or make_optimizer(rule.learn_rate)
    rng = random.Random(seed)
    fix_random_seed(seed)
    for _ in tqdm(range(rule.n_epochs(len(train))), desc=desc, unit="epoch", leave=False,
                  disable=not progress):
        rng.shuffle(train)
        for batch in minibatch(train, rule.batch_size):
            nlp.update(batch, sgd=optimizer, drop=rule.dropout, losses=losses)
    return time.perf_counter() - start


NlpFactory = Callable[[Sequence[str], int], Language]
"""``factory(labels, seed)``: a freshly initialised pipeline (same seed, same weights)."""


class Trainer:
    """Trains the round's model: from scratch each round, or continuing the last one."""

    def __init__(self, labels: Sequence[str], rule: TrainingRule, seed: int,
                 factory: NlpFactory, *, progress: bool = False) -> None:
        self.labels = list(labels)
        self.rule = rule
        self.seed = seed
        self.factory = factory
        self.progress = progress
        self.nlp: Language | None = None
        self.optimizer: Optimizer | None = None

    def train(self, docs: Sequence[Doc], round_: int, desc: str = "train"
              ) -> tuple[Language, float]:
        """The model for round ``round_`` trained on gold ``docs``, and its seconds."""
        if self.rule.retrain == "scratch" or self.nlp is None:
            self.nlp = self.factory(self.labels, self.seed)
            self.optimizer = make_optimizer(self.rule.learn_rate)
        examples = [doc_to_example(self.nlp, doc) for doc in docs if len(doc)]
        seconds = fit(self.nlp, examples, self.rule, seed=self.seed * 1000 + round_,
                      optimizer=self.optimizer, desc=desc, progress=self.progress)
        return self.nlp, seconds
