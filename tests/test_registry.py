"""One registry mechanism: aliases in the entry point groups, one ``build``, one error type;
a third party's strategy runs in the benchmark like a built-in one."""

from __future__ import annotations

import ast
import importlib.metadata
from pathlib import Path

import catalogue
import pytest
from typer.testing import CliRunner

import spacy_al
from spacy_al.acquisition import NamedSelector
from spacy_al.benchmark.plot import color_of
from spacy_al.cli import app
from spacy_al.errors import SpacyALError, UnknownNameError
from spacy_al.registry import aliases, build, help_names, names, resolve, short_name
from tests.conftest import REPO

PLUGIN_DIR = Path(__file__).resolve().parent / "fixtures" / "strategy_plugin"
SHORT = {"mnlp": "spacy-al.MNLP.v1", "token_entropy": "spacy-al.TokenEntropy.v1",
         "bald": "spacy-al.BALD.v1", "least_confidence": "spacy-al.LeastConfidence.v1",
         "margin": "spacy-al.Margin.v1", "random": "spacy-al.Random.v1"}


@pytest.fixture
def plugin_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    monkeypatch.setattr(catalogue, "AVAILABLE_ENTRY_POINTS", importlib.metadata.entry_points())


def test_short_names_are_aliases_in_the_entry_point_group() -> None:
    assert aliases("strategy") == SHORT
    assert set(SHORT.values()) <= set(names("strategy")) and not set(SHORT) & set(names("strategy"))
    assert resolve("strategy", "bald") == "spacy-al.BALD.v1" == resolve("strategy",
                                                                          "spacy-al.BALD.v1")
    assert short_name("strategy", "spacy-al.BALD.v1") == "bald"
    assert help_names("strategy").startswith("bald, least_confidence, margin, mnlp")


@pytest.mark.parametrize("kind, name", [("strategy", "nope"), ("selector", "spacy-al.Nope.v1"),
                                        ("stopper", "nope"), ("sampler", "x")])
def test_one_error_type_for_every_unknown_name(kind: str, name: str) -> None:
    with pytest.raises(UnknownNameError) as error:
        build(kind, name)
    assert error.value.fix and "[E004]" in str(error.value)


def test_build_gives_each_kind() -> None:
    assert build("strategy", "mnlp").name == "spacy-al.MNLP.v1"
    selector = build("selector", "spacy-al.DiverseTopK.v1", candidates=2)
    assert isinstance(selector, NamedSelector) and selector.options["candidates"] == 2
    assert build("stopper", "spacy-al.OverallUncertainty.v1", threshold=0.1).threshold == 0.1


def test_a_third_party_alias_and_colour(plugin_on_path: None) -> None:
    assert aliases("strategy")["plugin"] == "test.Plugin.v1"
    assert "plugin" in help_names("strategy")
    colours = {color_of(n) for n in ["mnlp", "bald", "token_entropy", "plugin", "random"]}
    assert len(colours) == 5 and color_of("random") == "black"
    assert color_of("mnlp-diverse") == color_of("mnlp") == color_of("spacy-al.MNLP.v1")


def test_a_third_party_strategy_runs_a_benchmark_round(plugin_on_path: None,
                                                       tmp_path: Path) -> None:
    corpus = REPO / "corpora" / "wikigold"
    result = CliRunner().invoke(app, [
        "benchmark", str(corpus / "train.conll"), str(corpus / "dev.conll"),
        "-o", str(tmp_path), "-s", "plugin", "--no-baseline", "--no-full", "--seeds", "0",
        "--width", "16", "--epochs", "1", "--pool-sample", "60", "--test-limit", "10",
        "--seed-size", "0.1", "--query-size", "0.1", "--max-rounds", "1", "--budget", "0.2",
        "--no-progress"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    rows = (tmp_path / "results.jsonl").read_text().splitlines()
    assert len(rows) == 2 and all('"strategy": "plugin"' in row for row in rows)


def error_codes() -> list[str]:
    """Every ``code = "E..."`` of an error class in the package's source."""
    found = []
    for path in Path(spacy_al.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (isinstance(item, ast.Assign) and len(item.targets) == 1
                            and getattr(item.targets[0], "id", "") == "code"
                            and isinstance(item.value, ast.Constant)):
                        found.append(str(item.value.value))
    return found


def test_every_error_code_is_defined_once() -> None:
    codes = error_codes()
    assert len(codes) > 5 and SpacyALError.code in codes
    assert sorted(c for c in set(codes) if codes.count(c) > 1) == []
