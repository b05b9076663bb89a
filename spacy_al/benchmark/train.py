"""Training inside the benchmark: the same model and settings for every strategy.

Each round trains ``al_ner`` on the labelled set for a fixed number of epochs
(at least ``min_steps`` updates), from scratch with a seeded initialisation
(``retrain = "scratch"``, the default) or continuing the previous round's model
(``"continue"``). No dev set is used: no early stopping, no model selection.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch
from thinc.api import Adam, Optimizer, fix_random_seed
from tqdm import tqdm

from ..corpora.registered import doc_to_example
from ..pipeline.build import create_al_nlp
from .settings import BenchmarkSettings


def make_optimizer(settings: BenchmarkSettings) -> Optimizer:
    """Adam with the settings of ``configs/ner_*.cfg`` (L2 weight decay, clipping)."""
    return Adam(settings.learn_rate, L2=0.01, L2_is_weight_decay=True, grad_clip=1.0)


def new_al_nlp(labels: Sequence[str], settings: BenchmarkSettings, seed: int) -> Language:
    """A freshly initialised ``al_ner`` pipeline; the same ``seed`` gives the same weights."""
    fix_random_seed(seed)
    return create_al_nlp(
        labels, settings.architecture, settings.model_name, tok2vec_width=settings.tok2vec_width
    )


def n_epochs(n_examples: int, settings: BenchmarkSettings) -> int:
    """``settings.epochs``, or more where that gives fewer than ``min_steps`` updates."""
    steps_per_epoch = max(1, math.ceil(n_examples / settings.batch_size))
    return max(settings.epochs, math.ceil(settings.min_steps / steps_per_epoch))


def fit(
    nlp: Language,
    docs: Sequence[Doc],
    settings: BenchmarkSettings,
    seed: int,
    *,
    optimizer: Optimizer | None = None,
    desc: str = "train",
    progress: bool = True,
) -> float:
    """Train ``nlp`` on gold ``docs``; return the seconds it took."""
    start = time.perf_counter()
    examples: list[Example] = [doc_to_example(nlp, doc) for doc in docs if len(doc)]
    optimizer = optimizer or make_optimizer(settings)
    rng = random.Random(seed)
    fix_random_seed(seed)
    epochs = n_epochs(len(examples), settings)
    for _ in tqdm(range(epochs), desc=desc, unit="epoch", leave=False, disable=not progress):
        rng.shuffle(examples)
        for batch in minibatch(examples, settings.batch_size):
            nlp.update(batch, sgd=optimizer, drop=settings.dropout)
    return time.perf_counter() - start


NlpFactory = Callable[[Sequence[str], BenchmarkSettings, int], Language]
"""``factory(labels, settings, seed)``: a freshly initialised pipeline."""


class Trainer:
    """Trains the round's model: from scratch each round, or continuing the last one."""

    def __init__(self, labels: Sequence[str], settings: BenchmarkSettings, seed: int, *,
                 factory: NlpFactory = new_al_nlp, progress: bool = True) -> None:
        self.labels = list(labels)
        self.settings = settings
        self.seed = seed
        self.factory = factory
        self.progress = progress
        self.nlp: Language | None = None
        self.optimizer: Optimizer | None = None

    def train(self, docs: Sequence[Doc], round_: int, desc: str = "train"
              ) -> tuple[Language, float]:
        """The model for round ``round_`` trained on ``docs``, and its training seconds."""
        if self.settings.retrain == "scratch" or self.nlp is None:
            self.nlp = self.factory(self.labels, self.settings, self.seed)
            self.optimizer = make_optimizer(self.settings)
        seconds = fit(self.nlp, docs, self.settings, seed=self.seed * 1000 + round_,
                      optimizer=self.optimizer, desc=desc, progress=self.progress)
        return self.nlp, seconds
