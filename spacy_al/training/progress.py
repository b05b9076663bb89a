"""Where a training call stands after a whole pass, so that it can go on in a new process.

A full-data run of the transformer trains for hours on a CPU; :class:`FitProgress` is what
:func:`~.trainer.fit` hands its ``after_pass`` callback after each pass and takes back as
``resume``: the passes done, the seconds spent, the early-stopping state (best held-out F1,
the best pass's weights) and the global random generators that draw the dropout masks
(Python's, numpy's, torch's; the shuffling generator is replayed from its seed). With the
model and optimizer saved beside it (:mod:`.checkpoint`), the resumed call trains the
remaining passes on the same batches with the same masks as an uninterrupted one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .early_stopping import StopState


@dataclass
class FitProgress:
    """A training call after ``passes`` whole passes."""

    passes: int
    seconds: float
    """Training seconds spent so far (over every process the call ran in)."""
    fresh: bool = False
    """The call started from a fresh model (its rule's warm-up binds; set by the Trainer)."""
    stop: StopState = field(default_factory=StopState)
    """Early stopping's state (its default when the call has no early stopping)."""
    random_states: dict[str, Any] = field(default_factory=dict)


def global_random_states() -> dict[str, Any]:
    """Python's, numpy's and torch's global generator states (those thinc seeds)."""
    return {"python": random.getstate(), "numpy": np.random.get_state(),
            "torch": torch.get_rng_state()}


def set_global_random_states(states: dict[str, Any]) -> None:
    """Put back what :func:`global_random_states` returned."""
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.set_rng_state(states["torch"])


def random_states_to_arrays(states: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The states as arrays (for ``.npz``) and JSON scalars."""
    version, internal, gauss = states["python"]
    name, keys, pos, has_gauss, cached = states["numpy"]
    arrays = {"python": np.asarray(internal, dtype=np.uint64),
              "numpy": np.asarray(keys, dtype=np.uint32),
              "torch": states["torch"].numpy().copy()}
    return arrays, {"python": [version, gauss], "numpy": [name, int(pos), int(has_gauss),
                                                          float(cached)]}


def random_states_from_arrays(arrays: dict[str, np.ndarray], scalars: dict[str, Any]
                              ) -> dict[str, Any]:
    """The inverse of :func:`random_states_to_arrays`."""
    version, gauss = scalars["python"]
    name, pos, has_gauss, cached = scalars["numpy"]
    python = (int(version), tuple(int(x) for x in arrays["python"]), gauss)
    numpy_state = (name, arrays["numpy"].astype(np.uint32), pos, has_gauss, cached)
    return {"python": python, "numpy": numpy_state,
            "torch": torch.from_numpy(arrays["torch"].astype(np.uint8))}
