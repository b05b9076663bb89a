"""Early stopping on a held-out slice of the labelled set: the rule a user can run.

A user of active learning has no test set, only what they labelled. The slice is
chosen by a stable hash of each sentence's text, so a sentence stays held out (or
in training) from one round to the next and the slice grows with the labelled set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from spacy.language import Language
from spacy.training import Example

from ..tasks import hash32

MIN_HELD_OUT = 5
"""No early stopping on fewer held-out sentences than this: the F1 would be noise."""


def split_holdout(examples: Sequence[Example], share: float
                  ) -> tuple[list[Example], list[Example]]:
    """``(train, held_out)``: about ``share`` of the examples held out, by text hash."""
    if share <= 0:
        return list(examples), []
    train: list[Example] = []
    held: list[Example] = []
    for eg in examples:
        bucket = hash32(["holdout", eg.reference.text]) % 1000
        (held if bucket < share * 1000 else train).append(eg)
    if len(held) < MIN_HELD_OUT or not train:
        return list(examples), []
    return train, held


@dataclass
class StopState:
    """Where early stopping stands: what a resumed training call needs to go on stopping
    as the interrupted one would."""

    best_f1: float = -1.0
    since_best: int = 0
    history: list[float] = field(default_factory=list)
    """The held-out F1 after each pass."""
    best: bytes | None = None
    """The best pass's weights of the early-stopped component."""


class EarlyStopping:
    """Scores the held-out slice after each pass; keeps the best pass's weights."""

    def __init__(self, nlp: Language, held_out: Sequence[Example], patience: int,
                 component: str = "al_ner") -> None:
        self.nlp = nlp
        self.held_out = list(held_out)
        self.patience = patience
        self.component = component
        self.stand = StopState()
        self.passes = 0

    def should_stop(self) -> bool:
        """Score the current weights; True once ``patience`` passes brought nothing better."""
        self.passes += 1
        f1 = float(self.nlp.evaluate(self.held_out).get("ents_f") or 0.0)
        stand = self.stand
        stand.history.append(round(f1, 4))
        if f1 > stand.best_f1:
            stand.best_f1, stand.since_best = f1, 0
            stand.best = self._pipe().to_bytes(exclude=["vocab"])
        else:
            stand.since_best += 1
        return stand.since_best >= self.patience

    def state(self) -> StopState:
        """A copy of where it stands (for a resumed call's :meth:`set_state`)."""
        return replace(self.stand, history=list(self.stand.history))

    def set_state(self, state: StopState, passes: int) -> None:
        """Stand as after ``passes`` passes of an earlier process."""
        self.stand = replace(state, history=list(state.history))
        self.passes = passes

    def restore_best(self) -> None:
        """Put the best pass's weights back (nothing to do if the last pass was best)."""
        if self.stand.best is not None and self.stand.since_best > 0:
            self._pipe().from_bytes(self.stand.best, exclude=["vocab"])

    def _pipe(self) -> Any:
        return self.nlp.get_pipe(self.component)
