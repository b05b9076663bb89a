"""The state file of a ``spacy train`` active-learning run: selected ids per round.

``<output_dir>/al_state.json`` is rewritten atomically after every round::

    {"version": 1,
     "settings": {...what must match to resume...},
     "rounds": [{"round": 0, "epoch": 0, "selected": ["train.conll:12", ...],
                 "labelled_sentences": 281, "labelled_tokens": 4012, "dev": null, ...}, ...]}

Replaying the ``selected`` lists rebuilds the labelled set exactly, so a run can be
audited and resumed with a fresh model.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError

STATE_FILE = "al_state.json"
VERSION = 1


@dataclass
class RoundRecord:
    """One round: the sentences it added and where the labelled set stood after it."""

    round: int
    epoch: int
    selected: list[str]
    labelled_sentences: int
    labelled_tokens: int
    pool_tokens: int
    strategy: str
    dev: dict[str, Any] | None = None
    """Dev scores of the model that made this selection (None for the seed round)."""
    score_seconds: float = 0.0
    scores: list[float] = field(default_factory=list)
    """Scores of the selected (or queried) sentences, in selection order."""
    queries: list[str] = field(default_factory=list)
    """Live mode: unanswered sentences the loop asks to annotate next."""
    stop_kappa: float | None = None
    """Cohen's kappa of this round's model's stop-set tags with the previous round's."""
    stop_uncertainty: float | None = None
    """Mean uncertainty of this round's model on the stop set."""
    stopped: bool = False
    """Whether the stopping criterion had fired by this round."""


@dataclass
class LoopState:
    settings: dict[str, Any]
    rounds: list[RoundRecord] = field(default_factory=list)
    final_dev: dict[str, Any] | None = None
    """Dev scores of the model trained on the final labelled set, once measured."""
    stop_tags: list[str] | None = None
    """The last round's model's stop-set tags (flat): the next kappa's baseline on resume."""

    @property
    def selected(self) -> list[str]:
        return [sid for record in self.rounds for sid in record.selected]

    def to_dict(self) -> dict[str, Any]:
        return {"version": VERSION, "settings": self.settings,
                "rounds": [asdict(r) for r in self.rounds], "final_dev": self.final_dev,
                "stop_tags": self.stop_tags}

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the previous state or the new one, never half."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf8") as handle:
            json.dump(self.to_dict(), handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> LoopState:
        data = json.loads(path.read_text(encoding="utf8"))
        if data.get("version") != VERSION:
            raise ConfigError(f"{path}: unknown state version {data.get('version')!r}.",
                              fix="start a fresh output_dir.")
        return cls(settings=data["settings"], rounds=[RoundRecord(**r) for r in data["rounds"]],
                   final_dev=data.get("final_dev"), stop_tags=data.get("stop_tags"))


def load_or_create(path: Path, settings: dict[str, Any], resume: bool) -> LoopState:
    """The saved state if ``resume`` and it exists (its settings must match), else a new one."""
    if not resume or not path.is_file():
        return LoopState(settings=dict(settings))
    state = LoopState.load(path)
    changed = sorted(k for k in set(settings) | set(state.settings)
                     if settings.get(k) != state.settings.get(k))
    if changed:
        raise ConfigError(
            f"{path} was written with other settings ({', '.join(changed)} differ), "
            "so this run cannot resume it.",
            fix="use another output_dir, delete the state file, or set resume = false.",
        )
    return state
