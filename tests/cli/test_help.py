"""Every command's --help is plain text: no "<bool>" beside a flag, no rich box."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from spacy_al.cli import app

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "annotate"])
def test_help_shows_flags_without_a_bool_metavar(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "--help" in result.output and "Show this message and exit." in result.output
    assert "<bool>" not in result.output and "╭" not in result.output
