"""Frozen lower layers of a transformer encoder, their outputs computed once per sentence.

With ``frozen_layers = k`` the embeddings and the first ``k`` layers of a BERT-style
encoder (one with ``embeddings`` and ``encoder.layer``: BERT, RoBERTa, XLM-R, ELECTRA,
the embedded MiniLM) keep their pretrained weights and never use dropout, so their output
for a row of pieces never changes: :class:`LowerStates` keeps it (float16, by the row's
piece ids) and only the upper layers run again. A pool re-scored after every update and
answers trained over many passes then cost the upper layers only: on the embedded
6-layer MiniLM with ``k = 4``, about 3x the sentences per second of the whole int8 encoder
(``benchmarks/rescoring_speed.py``). The kept states are the fp32 lower layers' whatever
runs the upper ones (the int8 copy included), so a sentence's state does not depend on
which path saw it first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from ..errors import ConfigError

LOWER_STATES_MB = 512
"""Memory the kept lower-layer states may take: about 25,000 sentences of 20 pieces on a
384-wide encoder. Rows past it are computed again each time (nothing is evicted)."""


def check_frozen_layers(transformer: Any, frozen: int, name: str) -> None:
    """A :class:`ConfigError` unless ``transformer`` is BERT-style with more than ``frozen``
    layers."""
    layers = getattr(getattr(transformer, "encoder", None), "layer", None)
    if layers is None or not hasattr(transformer, "embeddings"):
        raise ConfigError(
            f"frozen_layers = {frozen} needs a BERT-style encoder (embeddings and "
            f"encoder.layer); {name!r} is a {type(transformer).__name__}.",
            fix="Set frozen_layers = 0 in the [components.al_ner.model] block of the config.")
    if not 0 < frozen < len(layers):
        raise ConfigError(
            f"frozen_layers = {frozen}, but {name!r} has {len(layers)} layers.",
            fix=f"Set frozen_layers between 0 and {len(layers) - 1} in the "
            "[components.al_ner.model] block of the config.")


def frozen_modules(transformer: Any, frozen: int) -> list[torch.nn.Module]:
    """The embeddings and the first ``frozen`` layers."""
    return [transformer.embeddings, *list(transformer.encoder.layer)[:frozen]]


def freeze(transformer: Any, frozen: int) -> None:
    """No gradient for the embeddings and the first ``frozen`` layers."""
    for module in frozen_modules(transformer, frozen):
        for parameter in module.parameters():
            parameter.requires_grad_(False)


def lower_pass(transformer: Any, frozen: int, input_ids: torch.Tensor,
               mask: torch.Tensor) -> torch.Tensor:
    """The frozen part's output for padded rows: the embeddings, then the first ``frozen``
    layers, in fp32 without gradient (whatever autocast or grad mode is on)."""
    with torch.no_grad(), torch.autocast(input_ids.device.type, enabled=False):
        hidden = transformer.embeddings(input_ids=input_ids)
        return run_layers(list(transformer.encoder.layer)[:frozen], hidden, mask)


def upper_pass(transformer: Any, frozen: int, hidden: torch.Tensor,
               mask: torch.Tensor) -> torch.Tensor:
    """The layers after the first ``frozen`` on their output ``hidden``."""
    return run_layers(list(transformer.encoder.layer)[frozen:], hidden, mask)


def additive_mask(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """A ``(rows, pieces)`` 0/1 mask as the ``(rows, 1, 1, pieces)`` additive attention mask
    every BERT-style layer takes (eager and SDPA attention alike)."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def run_layers(layers: Sequence[Any], hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """``hidden`` through ``layers`` under the 0/1 ``mask``."""
    extended = additive_mask(mask, hidden.dtype)
    for layer in layers:
        out = layer(hidden, extended)
        hidden = out[0] if isinstance(out, tuple) else out  # transformers < 5 returns tuples
    return hidden


class LowerStates:
    """The frozen lower layers' output per encoder row, by the row's piece ids (float16,
    bounded by ``max_bytes``); never serialised, emptied when weights are loaded."""

    def __init__(self, max_bytes: int = LOWER_STATES_MB * 2**20) -> None:
        self.max_bytes = max_bytes
        self.nbytes = 0
        self.states: dict[tuple[int, ...], torch.Tensor] = {}

    def __len__(self) -> int:
        return len(self.states)

    def clear(self) -> None:
        self.states.clear()
        self.nbytes = 0

    def of(self, rows: Sequence[Sequence[int]], input_ids: torch.Tensor, mask: torch.Tensor,
           compute: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> torch.Tensor:
        """The lower states of padded ``input_ids`` (``rows``: their pieces without special
        tokens), the rows not kept yet computed together by ``compute``."""
        keys = [tuple(row) for row in rows]
        states = [self.states.get(key) for key in keys]
        missing = [r for r, state in enumerate(states) if state is None]
        if missing:
            width = int(mask[missing].sum(1).max())
            computed = compute(input_ids[missing, :width], mask[missing, :width])
            for r, state in zip(missing, computed, strict=True):
                states[r] = kept_state = state[: len(keys[r]) + 2].to(torch.float16)
                self._keep(keys[r], kept_state)
        kept = [state for state in states if state is not None]
        hidden = torch.zeros((*input_ids.shape, kept[0].shape[-1]), dtype=torch.float32,
                             device=input_ids.device)
        for r, state in enumerate(kept):
            hidden[r, : state.shape[0]] = state.to(hidden.device, torch.float32)
        return hidden

    def _keep(self, key: tuple[int, ...], state: torch.Tensor) -> None:
        size = state.numel() * state.element_size()
        if key not in self.states and self.nbytes + size <= self.max_bytes:
            self.states[key] = state.cpu()
            self.nbytes += size

