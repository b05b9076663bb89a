"""Save and restore a :class:`~.trainer.Trainer` between processes: weights and optimizer.

A continued-training run (``retrain = "continue"``) carries its model *and* its Adam
state from round to round; without a checkpoint a resumed run has to train every earlier
round again to stand where it stood. :func:`save_trainer` writes, into one folder,

- ``model.bin``: the pipeline's bytes (``nlp.to_bytes()``, the PyTorch encoder included);
- ``optimizer.npz``: Adam's first and second moments and parameter averages;
- ``state.json``: the round, the per-parameter update counts, and the parameter keys;
- for a checkpoint taken between two passes of a round (:func:`save_trainer` with
  ``progress``), ``progress.json``, ``progress.npz`` and ``best.bin``: the round's
  :class:`~.progress.FitProgress` (:func:`load_progress` reads it back).

Thinc keys the optimizer's state by ``(node id, parameter name)``, and node ids are
handed out per process, so the keys are stored by position instead: component, node
number in ``model.walk()``, shim number, parameter name. :func:`load_trainer` builds a
fresh pipeline with the trainer's factory, loads the bytes and maps the positions back
onto the new ids. The folder is replaced atomically (written beside it, then renamed),
so a run killed while saving keeps the previous checkpoint.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from thinc.api import get_current_ops

from .early_stopping import StopState
from .progress import FitProgress, random_states_from_arrays, random_states_to_arrays
from .trainer import Trainer, make_optimizer

MODEL_FILE = "model.bin"
OPTIMIZER_FILE = "optimizer.npz"
STATE_FILE = "state.json"
PROGRESS_FILE = "progress.json"
RANDOM_FILE = "progress.npz"
BEST_FILE = "best.bin"
MOMENTS = ("mom1", "mom2", "averages")
COUNTERS = ("nr_update", "last_seen")


def parameter_keys(nlp: Language) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Each trainable parameter's optimizer key ``(id, name)`` and its stable position."""
    for pipe_name, component in nlp.components:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for i, node in enumerate(model.walk()):
            for name in node.param_names:
                yield (node.id, name), f"{pipe_name}|{i}|{name}"
            for j, shim in enumerate(getattr(node, "shims", ())):
                torch_model = getattr(shim, "_model", None)
                for name, _ in getattr(torch_model, "named_parameters", lambda: ())():
                    yield (shim.id, name), f"{pipe_name}|{i}|shim{j}|{name}"


def save_trainer(trainer: Trainer, folder: Path, round_: int,
                 progress: FitProgress | None = None) -> None:
    """Write ``trainer``'s pipeline and optimizer after round ``round_`` into ``folder``;
    with ``progress``, in the middle of round ``round_`` (after ``progress.passes``)."""
    if trainer.nlp is None or trainer.optimizer is None:
        raise ValueError("Nothing to save: the trainer has not trained yet.")
    positions = dict(parameter_keys(trainer.nlp))
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / MODEL_FILE).write_bytes(trainer.nlp.to_bytes())
    arrays: dict[str, Any] = {}
    ops = get_current_ops()
    for attr in MOMENTS:
        for key, value in (getattr(trainer.optimizer, attr, None) or {}).items():
            if key in positions:
                arrays[f"{attr}|{positions[key]}"] = ops.to_numpy(value)
    with open(tmp / OPTIMIZER_FILE, "wb") as file:
        np.savez(file, **arrays)
    counters = {attr: {positions[k]: int(v) for k, v in getattr(trainer.optimizer, attr).items()
                       if k in positions} for attr in COUNTERS}
    state = {"round": round_, "seed": trainer.seed, "labels": trainer.labels, **counters}
    (tmp / STATE_FILE).write_text(json.dumps(state), encoding="utf8")
    if progress is not None:
        _write_progress(tmp, progress)
    _fsync_folder(tmp)
    old = folder.with_name(folder.name + ".old")
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


def _write_progress(folder: Path, progress: FitProgress) -> None:
    arrays, scalars = random_states_to_arrays(progress.random_states)
    with open(folder / RANDOM_FILE, "wb") as file:
        np.savez(file, **arrays)
    stop = progress.stop
    if stop.best is not None:
        (folder / BEST_FILE).write_bytes(stop.best)
    fields = {"passes": progress.passes, "seconds": progress.seconds, "fresh": progress.fresh,
              "best_f1": stop.best_f1, "since_best": stop.since_best,
              "history": stop.history, "random": scalars}
    (folder / PROGRESS_FILE).write_text(json.dumps(fields), encoding="utf8")


def load_progress(folder: Path) -> FitProgress | None:
    """The mid-round progress saved in ``folder`` (None: saved after a whole round)."""
    path = folder / PROGRESS_FILE
    if not path.is_file():
        return None
    fields = json.loads(path.read_text(encoding="utf8"))
    with np.load(folder / RANDOM_FILE) as arrays:
        states = random_states_from_arrays(dict(arrays), fields.pop("random"))
    best = folder / BEST_FILE
    stop = StopState(fields.pop("best_f1"), fields.pop("since_best"), fields.pop("history"),
                     best.read_bytes() if best.is_file() else None)
    return FitProgress(**fields, stop=stop, random_states=states)


def checkpoint_round(folder: Path) -> int | None:
    """The round a checkpoint in ``folder`` was saved after (None: no complete one)."""
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf8"))
    except (OSError, ValueError):
        return None
    complete = (folder / MODEL_FILE).is_file() and (folder / OPTIMIZER_FILE).is_file()
    return int(state["round"]) if complete else None


def load_trainer(trainer: Trainer, folder: Path) -> int:
    """Put the checkpoint in ``folder`` into ``trainer``; return the round it was saved
    after. The trainer's seed and labels must be those it was saved with."""
    state = json.loads((folder / STATE_FILE).read_text(encoding="utf8"))
    if state["seed"] != trainer.seed or state["labels"] != trainer.labels:
        raise ValueError(f"The checkpoint in {folder} belongs to another run (seed "
                         f"{state['seed']}, labels {state['labels']}); delete the folder.")
    nlp = trainer.factory(trainer.labels, trainer.seed)
    nlp.from_bytes((folder / MODEL_FILE).read_bytes())
    keys = {position: key for key, position in parameter_keys(nlp)}
    optimizer = make_optimizer(trainer.rule.learn_rate)
    ops = get_current_ops()
    with np.load(folder / OPTIMIZER_FILE) as arrays:
        for name in arrays.files:
            attr, position = name.split("|", 1)
            target = getattr(optimizer, attr)
            if target is not None:
                target[keys[position]] = ops.asarray(arrays[name])
    for attr in COUNTERS:
        counter = getattr(optimizer, attr)
        for position, value in state[attr].items():
            counter[keys[position]] = value
    trainer.nlp, trainer.optimizer = nlp, optimizer
    return int(state["round"])


def _fsync_folder(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as file:
            os.fsync(file.fileno())
