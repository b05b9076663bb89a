"""The linters configured in pyproject.toml pass on the whole code base."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=900)


def test_ruff_finds_nothing() -> None:
    result = run_tool("ruff", "check", "spacy_al", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing_in_the_package_or_the_benchmarks() -> None:
    result = run_tool("mypy", "spacy_al", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
