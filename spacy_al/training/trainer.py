"""The one trainer of ``al_ner``: the benchmark's rounds and the live worker both use it.

A :class:`TrainingRule` says how a labelled set is turned into a model: Adam with the
settings of ``configs/ner_*.cfg`` (L2 weight decay, gradient clipping), ``epochs``
passes over the examples in shuffled minibatches, at least ``min_steps`` updates
(small labelled sets get more passes), and ``dropout``. With ``holdout > 0`` the rule
stops early, as a user without a test set can: a stable slice of the labelled set
(by text hash) is held out, scored after every pass, and training stops once
``patience`` passes bring no better held-out F1; the best pass's weights are kept
(:mod:`.early_stopping`). :class:`Trainer` applies the rule round by round, from
scratch with a seeded initialisation (``retrain = "scratch"``) or continuing the
previous round's model and optimizer (``"continue"``).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch
from thinc.api import Adam, Optimizer, fix_random_seed
from tqdm import tqdm

from ..corpora.registered import doc_to_example
from ..errors import ConfigError
from .early_stopping import EarlyStopping, StopState, split_holdout
from .progress import FitProgress, global_random_states, set_global_random_states

RETRAIN = ("scratch", "continue")
LR_SCHEDULES = ("constant", "warmup_linear")
WARMUP_SHARE = 0.1
"""``warmup_linear``: the share of a training call's planned updates spent warming up."""


@dataclass(frozen=True)
class TrainingRule:
    """How one labelled set is trained: the same rule for every strategy of a run."""

    epochs: int = 10
    """Passes over the labelled set."""
    min_steps: int = 0
    """At least this many updates (small labelled sets get more passes; early stopping
    never stops before)."""
    min_steps_fresh_only: bool = False
    """``min_steps`` binds a fresh model only (a warm-up); continued rounds get ``epochs``."""
    batch_size: int = 32
    learn_rate: float = 0.001
    dropout: float = 0.1
    retrain: str = "scratch"
    """``"scratch"``: a fresh seeded model each round; ``"continue"``: keep training."""
    holdout: float = 0.0
    """Share of the labelled set held out for early stopping (0: no early stopping)."""
    patience: int = 1
    """Passes without a better held-out F1 before training stops."""
    lr_schedule: str = "constant"
    """``"constant"``: ``learn_rate`` throughout. ``"warmup_linear"`` (spaCy's schedule, per
    training call): up linearly over the first tenth of the call's planned updates
    (``n_epochs`` passes), then down linearly towards 0 at the last planned update."""

    def for_model(self, fresh: bool) -> TrainingRule:
        """The rule of one training call on a fresh or a continued model (``min_steps``
        dropped for a continued one when it binds a fresh one only)."""
        return replace(self, min_steps=0) if self.min_steps_fresh_only and not fresh else self

    def __post_init__(self) -> None:
        if self.lr_schedule not in LR_SCHEDULES:
            raise ConfigError(f"Unknown learning-rate schedule {self.lr_schedule!r}.",
                              fix=f"use one of {', '.join(LR_SCHEDULES)}.")
        if self.retrain not in RETRAIN:
            raise ConfigError(f"Unknown retrain mode {self.retrain!r}.",
                              fix=f"use one of {', '.join(RETRAIN)}.")
        if not 0.0 <= self.holdout < 1.0 or self.patience < 1:
            raise ConfigError(f"Invalid early stopping: holdout {self.holdout}, patience "
                              f"{self.patience}.", fix="use 0 <= holdout < 1 and patience >= 1.")
        if self.batch_size < 1 or self.epochs < 0 or self.min_steps < 0:
            raise ConfigError(
                f"Invalid training rule: batch_size {self.batch_size}, epochs {self.epochs}, "
                f"min_steps {self.min_steps}.",
                fix="use batch_size >= 1, epochs >= 0 and min_steps >= 0.")

    def n_epochs(self, n_examples: int) -> int:
        """``epochs``, or more where that gives fewer than ``min_steps`` updates; 0 for
        no examples."""
        return max(self.epochs, self.min_passes(n_examples)) if n_examples > 0 else 0

    def rate_at(self, step: int, planned: int) -> float:
        """The learning rate of update ``step`` (0-based) of a call planning ``planned``."""
        if self.lr_schedule == "constant" or planned < 1:
            return self.learn_rate
        warm = max(1, round(WARMUP_SHARE * planned))
        if step < warm:
            return self.learn_rate * (step + 1) / warm
        return self.learn_rate * max(planned - step, 1) / max(planned - warm, 1)

    def steps_per_pass(self, n_examples: int) -> int:
        """Updates in one pass over ``n_examples`` (at least 1)."""
        return max(1, math.ceil(n_examples / self.batch_size))

    def min_passes(self, n_examples: int) -> int:
        """Passes needed for ``min_steps`` updates over ``n_examples``."""
        return math.ceil(self.min_steps / self.steps_per_pass(n_examples))


@dataclass(frozen=True)
class FitResult:
    """What one training call did."""

    seconds: float
    passes: int
    """Passes over the training examples actually run (early stopping may cut them)."""
    held_out_f1: float | None = None
    """Best F1 on the held-out slice (None without early stopping)."""


def make_optimizer(learn_rate: float) -> Optimizer:
    """Adam with the settings of ``configs/ner_*.cfg`` (L2 weight decay, clipping)."""
    return Adam(learn_rate, L2=0.01, L2_is_weight_decay=True, grad_clip=1.0)


PassCallback = Callable[[FitProgress], None]
"""Called after each pass of a training call but the last, with where the call stands."""


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
    resume: FitProgress | None = None,
    after_pass: PassCallback | None = None,
) -> FitResult:
    """Train ``nlp`` on ``examples`` as ``rule`` says; return what it did.

    seed (int): Seeds the shuffling and the dropout masks of this call.
    optimizer (Optimizer | None): Continue with this optimizer (None: a new one).
    losses (dict | None): Accumulates the losses per component, as ``nlp.update`` does.
    resume (FitProgress | None): Go on from a call with the same arguments that stopped
        after ``resume.passes`` passes (``nlp`` and ``optimizer`` as they stood then).
    after_pass (PassCallback | None): Told the call's progress after each pass but the last.
    """
    train = [eg for eg in examples if len(eg.reference)]
    train, held = split_holdout(train, rule.holdout)
    call = _Call(nlp, train, rule, optimizer or make_optimizer(rule.learn_rate),
                 random.Random(seed), losses, time.perf_counter(),
                 resume.seconds if resume else 0.0)
    fix_random_seed(seed)
    call.stopper = EarlyStopping(nlp, held, rule.patience) if held else None
    if resume is not None:
        call.resume(resume)
    n_epochs = rule.n_epochs(len(train))
    passes = call.passes(n_epochs, tqdm(range(call.done, n_epochs), desc=desc, unit="epoch",
                                        leave=False, disable=not progress), after_pass)
    if call.stopper is not None:
        call.stopper.restore_best()
    best = None if call.stopper is None else round(call.stopper.stand.best_f1, 4)
    return FitResult(call.seconds(), passes, best)


@dataclass
class _Call:
    """One training call's state between passes."""

    nlp: Language
    train: list[Example]
    rule: TrainingRule
    optimizer: Optimizer
    rng: random.Random
    losses: dict[str, float] | None
    started: float
    earlier: float
    stopper: EarlyStopping | None = None
    done: int = 0

    def seconds(self) -> float:
        return self.earlier + time.perf_counter() - self.started

    def resume(self, progress: FitProgress) -> None:
        """Stand as the interrupted call did after its passes: the shuffled order (replayed
        from the seed), the early-stopping state, the global generators."""
        for _ in range(progress.passes):
            self.rng.shuffle(self.train)
        if self.stopper is not None:
            self.stopper.set_state(progress.stop, progress.passes)
        set_global_random_states(progress.random_states)
        self.done = progress.passes

    def progress(self) -> FitProgress:
        stop = self.stopper.state() if self.stopper is not None else StopState()
        return FitProgress(self.done, self.seconds(), stop=stop,
                           random_states=global_random_states())

    def passes(self, n_epochs: int, epochs: Iterable[int], after_pass: PassCallback | None
               ) -> int:
        """Run the remaining passes (``epochs``: their numbers, maybe under a progress bar;
        the rate as the rule schedules it, restored afterwards); return how many ran in all."""
        rule, train = self.rule, self.train
        planned = n_epochs * rule.steps_per_pass(len(train))
        scheduled = rule.lr_schedule != "constant"
        step = self.done * rule.steps_per_pass(len(train))
        try:
            for _ in epochs:
                self.rng.shuffle(train)
                self.done += 1
                for batch in minibatch(train, rule.batch_size):
                    if scheduled:
                        self.optimizer.learn_rate = rule.rate_at(step, planned)
                    step += 1
                    self.nlp.update(batch, sgd=self.optimizer, drop=rule.dropout,
                                    losses=self.losses)
                if (self.stopper is not None and self.stopper.should_stop()
                        and self.done >= rule.min_passes(len(train))):
                    break
                if after_pass is not None and self.done < n_epochs:
                    after_pass(self.progress())
        finally:
            if scheduled:
                self.optimizer.learn_rate = rule.learn_rate
        return self.done


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

    def train(self, docs: Sequence[Doc], round_: int, desc: str = "train", *,
              resume: FitProgress | None = None, after_pass: PassCallback | None = None
              ) -> tuple[Language, FitResult]:
        """The model for round ``round_`` trained on gold ``docs``, and what training did.

        resume, after_pass: as :func:`fit` takes them; with ``resume`` the trainer holds
        the model and optimizer saved with it (:func:`.checkpoint.load_trainer`)."""
        fresh = (resume.fresh if resume is not None
                 else self.rule.retrain == "scratch" or self.nlp is None)
        if fresh and resume is None:
            self.nlp = self.factory(self.labels, self.seed)
            self.optimizer = make_optimizer(self.rule.learn_rate)
        assert self.nlp is not None
        rule = self.rule.for_model(fresh)
        examples = [doc_to_example(self.nlp, doc) for doc in docs if len(doc)]
        told = None if after_pass is None else (
            lambda progress: after_pass(replace(progress, fresh=fresh)))
        result = fit(self.nlp, examples, rule, seed=self.seed * 1000 + round_,
                     optimizer=self.optimizer, desc=desc, progress=self.progress,
                     resume=resume, after_pass=told)
        return self.nlp, result
