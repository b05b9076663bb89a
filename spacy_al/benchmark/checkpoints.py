"""The latest round's trainers of each benchmark run, kept so a resumed run goes on at once.

With ``retrain = "continue"`` a run's model and optimizer carry over from round to round,
so a run resumed in a new process must stand where it stopped. Without a checkpoint it
trains every earlier round again (hours for the transformer on a CPU); with one it loads
the last round's weights and Adam state (:mod:`spacy_al.training.checkpoint`) and goes
on. One folder per (strategy, seed) under ``<output>/.checkpoints/`` holds only the
latest round; it is deleted when the run is complete. Not results: keep it out of git.
The full-data run (one long round) is checkpointed after each pass instead
(:meth:`RunCheckpoints.save_pass`), so that it too can be stopped and resumed.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from ..training.checkpoint import checkpoint_round, load_progress, load_trainer, save_trainer
from ..training.progress import FitProgress
from ..training.trainer import Trainer

CHECKPOINTS_DIR = ".checkpoints"
ROLES = ("main", "peer")


class RunCheckpoints:
    """Checkpoints of one (strategy, seed) run's trainers (the model, and a peer model)."""

    def __init__(self, output: Path, strategy: str, seed: int, enabled: bool = True) -> None:
        self.folder = output / CHECKPOINTS_DIR / f"{strategy}-seed{seed}"
        self.enabled = enabled

    def save(self, trainers: Sequence[Trainer | None], round_: int) -> None:
        """Keep the trainers as they stand after ``round_`` (replacing older rounds)."""
        if not self.enabled:
            return
        for role, trainer in zip(ROLES, trainers, strict=False):
            if trainer is not None:
                save_trainer(trainer, self.folder / role, round_)

    def restore(self, trainers: Sequence[Trainer | None], upto: int) -> int:
        """Load the latest checkpoint saved after a round ``<= upto`` into ``trainers``;
        return the number of rounds it covers (0: none usable, nothing loaded)."""
        if not self.enabled:
            return 0
        present = [(self.folder / role, t) for role, t in zip(ROLES, trainers, strict=False)
                   if t is not None]
        rounds = {checkpoint_round(folder) for folder, _ in present}
        if len(rounds) != 1 or None in rounds:
            return 0
        saved = rounds.pop()
        if saved is None or saved > upto:
            return 0
        for folder, trainer in present:
            load_trainer(trainer, folder)
        return saved + 1

    def save_pass(self, trainer: Trainer, progress: FitProgress) -> None:
        """Keep the trainer as it stands between two passes of its (only) round 0."""
        if self.enabled:
            save_trainer(trainer, self.folder / ROLES[0], 0, progress)

    def restore_pass(self, trainer: Trainer) -> FitProgress | None:
        """Load a checkpoint :meth:`save_pass` wrote into ``trainer``; return its progress
        (None: there is none, nothing loaded)."""
        folder = self.folder / ROLES[0]
        if not self.enabled or checkpoint_round(folder) != 0:
            return None
        progress = load_progress(folder)
        if progress is not None:
            load_trainer(trainer, folder)
        return progress

    def remove(self) -> None:
        """The run is complete: its checkpoints are no longer needed."""
        shutil.rmtree(self.folder, ignore_errors=True)
        parent = self.folder.parent
        if parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
