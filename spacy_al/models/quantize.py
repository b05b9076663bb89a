"""Int8 dynamic quantization of a transformer for CPU prediction.

Every ``torch.nn.Linear`` of the encoder gets int8 weights and activations
quantized on the fly (``torch.ao.quantization.quantize_dynamic``): about 1.7x the
fp32 speed of the embedded MiniLM on two CPU cores. Training always uses the fp32
weights; the int8 copy is made lazily for prediction and dropped whenever the
weights may have changed (a training step, loading weights).
"""

from __future__ import annotations

import copy
import warnings
import weakref

import torch

_QUANTIZED: weakref.WeakKeyDictionary[torch.nn.Module, torch.nn.Module] = (
    weakref.WeakKeyDictionary()
)


def quantized_copy(module: torch.nn.Module) -> torch.nn.Module:
    """An int8 (dynamic) copy of ``module`` in eval mode, cached until :func:`forget`."""
    cached = _QUANTIZED.get(module)
    if cached is None:
        cached = _quantize(module)
        _QUANTIZED[module] = cached
    return cached


def forget(module: torch.nn.Module) -> None:
    """Drop the int8 copy of ``module`` (its fp32 weights changed)."""
    _QUANTIZED.pop(module, None)


def _quantize(module: torch.nn.Module) -> torch.nn.Module:
    try:
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
    except ImportError as error:  # pragma: no cover - depends on the torch build
        raise RuntimeError(
            f"This torch build ({torch.__version__}) has no dynamic quantization.",
        ) from error
    fp32 = copy.deepcopy(module).eval()
    with warnings.catch_warnings():
        # torch >= 2.9 marks torch.ao.quantization as deprecated in favour of torchao;
        # the eager dynamic path still works and needs no extra package.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return quantize_dynamic(
            fp32, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8
        )
