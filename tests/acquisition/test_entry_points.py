"""A strategy registered by another package through the entry point group is found."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import catalogue
import numpy as np
import pytest

from spacy_al.registry import al_strategies, build, names

from .contract import assert_contract

PLUGIN_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "strategy_plugin"


@pytest.fixture
def plugin_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the test package (with its dist-info) on sys.path, as if installed.

    catalogue reads the entry points once, when it is imported; re-read them now.
    """
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    monkeypatch.setattr(catalogue, "AVAILABLE_ENTRY_POINTS", importlib.metadata.entry_points())


def test_plugin_is_found_through_the_entry_point(plugin_on_path: None) -> None:
    builder = al_strategies.get("test.Plugin.v1")
    assert builder.__module__ == "strategy_plugin_test"
    assert "test.Plugin.v1" in names("strategy")
    score = build("strategy", "test.Plugin.v1")
    result = score([np.zeros((1, 3, 2)), np.zeros((1, 0, 2))])
    assert result.tolist() == [3.0, 0.0]


def test_plugin_keeps_the_contract(plugin_on_path: None) -> None:
    assert_contract(al_strategies.get("test.Plugin.v1"))


def test_plugin_is_not_found_without_the_package() -> None:
    assert "test.Plugin.v1" not in names("strategy")


def test_plugin_is_found_in_a_fresh_interpreter() -> None:
    code = (
        "import numpy as np\n"
        "from spacy_al.registry import build\n"
        "print(build('strategy', 'test.Plugin.v1')([np.zeros((1, 4, 2))]).tolist())\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGIN_DIR), *sys.path])}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[4.0]"
