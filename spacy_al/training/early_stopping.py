"""Early stopping on a held-out slice of the labelled set: the rule a user can run.

A user of active learning has no test set, only what they labelled. The slice is
chosen by a stable hash of each sentence's text, so a sentence stays held out (or
in training) from one round to the next and the slice grows with the labelled set.
"""

from __future__ import annotations

from collections.abc import Sequence
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


class EarlyStopping:
    """Scores the held-out slice after each pass; keeps the best pass's weights."""

    def __init__(self, nlp: Language, held_out: Sequence[Example], patience: int,
                 component: str = "al_ner") -> None:
        self.nlp = nlp
        self.held_out = list(held_out)
        self.patience = patience
        self.component = component
        self.best_f1 = -1.0
        self.best: bytes | None = None
        self.passes = 0
        self.since_best = 0
        self.history: list[float] = []

    def should_stop(self) -> bool:
        """Score the current weights; True once ``patience`` passes brought nothing better."""
        self.passes += 1
        f1 = float(self.nlp.evaluate(self.held_out).get("ents_f") or 0.0)
        self.history.append(round(f1, 4))
        if f1 > self.best_f1:
            self.best_f1, self.since_best = f1, 0
            self.best = self._pipe().to_bytes(exclude=["vocab"])
        else:
            self.since_best += 1
        return self.since_best >= self.patience

    def state(self) -> dict[str, Any]:
        """What a resumed training call needs to go on stopping as this one would."""
        return {"best_f1": self.best_f1, "since_best": self.since_best,
                "history": list(self.history), "best": self.best}

    def set_state(self, best_f1: float, since_best: int, history: Sequence[float],
                  best: bytes | None, passes: int) -> None:
        """Stand as after ``passes`` passes of an earlier process (see :meth:`state`)."""
        self.best_f1, self.since_best, self.best = best_f1, since_best, best
        self.history, self.passes = list(history), passes

    def restore_best(self) -> None:
        """Put the best pass's weights back (nothing to do if the last pass was best)."""
        if self.best is not None and self.since_best > 0:
            self._pipe().from_bytes(self.best, exclude=["vocab"])

    def _pipe(self) -> Any:
        return self.nlp.get_pipe(self.component)
