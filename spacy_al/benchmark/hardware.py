"""Where and on what code a benchmark row ran: CPU model and threads, or the GPU; the commit."""

from __future__ import annotations

import functools
import os
import platform
import subprocess
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (or the platform's processor string)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


@functools.cache
def describe_hardware() -> str:
    """``"GPU <name>"`` when torch sees one, else ``"CPU <model>, N threads of M cores"``."""
    import torch

    if torch.cuda.is_available():
        return f"GPU {torch.cuda.get_device_name(0)}"
    return (f"CPU {cpu_model()}, {torch.get_num_threads()} torch threads of "
            f"{os.cpu_count()} cores")


@functools.cache
def code_version() -> str:
    """The git commit of the checkout spacy_al runs from (``+dirty`` with uncommitted
    changes to tracked files), or ``spacy-al <version>`` when it is not a checkout."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=True)
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                 "--untracked-files=no", "--", "spacy_al"],
                                capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"spacy-al {version('spacy-al')}"
        except PackageNotFoundError:
            return "unknown"
    return commit.stdout.strip() + ("+dirty" if status.stdout.strip() else "")
