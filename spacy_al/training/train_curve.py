"""``spacy-al train-curve``: Prodigy's check whether more annotations would help.

The same ``spacy train`` as ``spacy-al train`` (:func:`.pipeline_training.train_docs`)
runs on 25, 50, 75 and 100 % of the training sentences (nested seeded samples), always
evaluated on the same sentences; the entity F1 of each step and whether the last step
still improved it tell whether annotating more of the same kind is likely to pay off.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .pipeline_training import TrainingData, subsets, train_docs, training_data

FRACTIONS = (0.25, 0.5, 0.75, 1.0)


@dataclass
class CurveStep:
    """One training run of the curve."""

    fraction: float
    sentences: int
    f1: float


@dataclass
class TrainCurve:
    steps: list[CurveStep]
    dev_sentences: int

    @property
    def improved_last(self) -> bool:
        """Whether the last step (all the data) scored better than the one before."""
        return len(self.steps) >= 2 and self.steps[-1].f1 > self.steps[-2].f1

    def verdict(self) -> str:
        """Prodigy's rule of thumb, in words."""
        if self.improved_last:
            return ("Accuracy improved in the last sample. As a rule of thumb, if accuracy "
                    "increases in the last segment, collecting more annotations of the same "
                    "type is likely to improve the model further.")
        return ("Accuracy did not improve in the last sample. As a rule of thumb, more "
                "annotations of the same type are unlikely to improve the model much; "
                "check the labels, the data or the model instead.")

    def lines(self) -> list[str]:
        """The table Prodigy prints: %, sentences, score with ▲ / ▼ against the step before."""
        lines = [f"{'%':>5} {'Sentences':>10} {'Score (ents_f)':>16}"]
        previous = 0.0
        for step in self.steps:
            arrow = "▲" if step.f1 > previous else ("▼" if step.f1 < previous else " ")
            lines.append(f"{step.fraction:>5.0%} {step.sentences:>10} {step.f1:>14.3f} {arrow}")
            previous = step.f1
        return lines


def train_curve(
    ner: Sequence[str],
    *,
    fractions: Sequence[float] = FRACTIONS,
    on_step: Callable[[CurveStep], None] | None = None,
    base_model: str | Path | None = None,
    gpu_id: int = -1,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    **data_options: Any,
) -> TrainCurve:
    """Train on each of ``fractions`` of the sentences of ``ner`` and score on the same
    evaluation sentences (``data_options``: those of :func:`.training_data`)."""
    if not fractions or any(not 0 < f <= 1 for f in fractions):
        raise ConfigError(f"Fractions must be in (0, 1], got {list(fractions)}.",
                          fix="Pass --n-samples 4 (25, 50, 75, 100 %).")
    data = training_data(ner, gpu_id=gpu_id, seed=seed, **data_options)
    steps = []
    for fraction, sample in zip(fractions, subsets(data.train_docs, fractions, seed),
                                strict=True):
        with tempfile.TemporaryDirectory(prefix="spacy-al-curve-") as tmp, \
                contextlib.redirect_stdout(io.StringIO()):  # spaCy's per-step log: only the F1
            result = train_docs(Path(tmp), TrainingData(sample, data.dev_docs,
                                                        data.config_path),
                                base_model=base_model, gpu_id=gpu_id, overrides=overrides)
        step = CurveStep(fraction, len(sample), float(result.get("ents_f") or 0.0))
        steps.append(step)
        if on_step is not None:
            on_step(step)
    return TrainCurve(steps, len(data.dev_docs))


def fractions_of(n_samples: int) -> list[float]:
    """``n`` evenly spaced fractions ending at 1.0 (4: 25, 50, 75, 100 %)."""
    if n_samples < 1:
        raise ConfigError(f"--n-samples must be at least 1, got {n_samples}.",
                          fix="Pass --n-samples 4.")
    return [(i + 1) / n_samples for i in range(n_samples)]
