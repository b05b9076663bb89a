"""Where a benchmark row ran: CPU model and threads, or the GPU."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (or the platform's processor string)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def describe_hardware() -> str:
    """``"GPU <name>"`` when torch sees one, else ``"CPU <model>, N threads of M cores"``."""
    import torch

    if torch.cuda.is_available():
        return f"GPU {torch.cuda.get_device_name(0)}"
    return (f"CPU {cpu_model()}, {torch.get_num_threads()} torch threads of "
            f"{os.cpu_count()} cores")
