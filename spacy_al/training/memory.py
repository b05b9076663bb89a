"""Give back what a training round held: gradients and freed heap pages.

After an update the PyTorch encoder keeps a gradient buffer per parameter (thinc zeroes
them, it does not free them): 90 MB for the embedded MiniLM, held until the next
update. :func:`release_training_memory` drops them (the next backward pass allocates
them again) and asks glibc to return freed pages to the system, so a long-running
model worker's resident memory falls back between updates and saving the model does not
stack a serialised copy on top of the training buffers.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from typing import Any


def release_training_memory(nlp: Any) -> None:
    """Free the gradients of every PyTorch model in ``nlp``'s components, then trim."""
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            for shim in getattr(node, "shims", ()):
                torch_model = getattr(shim, "_model", None)
                for param in getattr(torch_model, "parameters", lambda: ())():
                    param.grad = None
    gc.collect()
    trim_heap()


def trim_heap() -> None:
    """``malloc_trim(0)`` where the C library has it (glibc); a no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
