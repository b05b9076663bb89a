"""Session settings declared once: the recipes' command lines are their fields, and each
default of a setting is written in one place of the source tree."""

from __future__ import annotations

import ast
import dataclasses
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import spacy_al
from spacy_al.corpora.options import SourceOptions
from spacy_al.errors import ConfigError
from spacy_al.recipe_runtime import get_recipe, list_recipes, parse_recipe_args, recipe_help
from spacy_al.recipe_runtime.recipe_args import settings_values
from spacy_al.recipe_runtime.session_settings import (
    CorrectSettings,
    LiveSettings,
    ManualSettings,
    TeachSettings,
)

RECIPES = {"ner.al-correct": CorrectSettings, "ner.al-teach": TeachSettings,
           "ner.manual": ManualSettings}
PACKAGE = Path(spacy_al.__file__).parent
GENERIC = {0, 1, "", "en", "auto"}
"""Defaults too common to tell one setting from another (``"auto"`` is also the default
``format``, ``scheme`` and ``fmt`` of the readers)."""


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_command_line_is_the_settings_fields(name: str) -> None:
    func, cls = get_recipe(name), RECIPES[name]
    fields = [f for f in dataclasses.fields(cls) if "group" not in f.metadata]
    expected = [name for f in dataclasses.fields(cls)
                for name in f.metadata.get("group", [f.name])]
    assert [a.name for a in func.recipe_args] == expected
    assert {a.group for a in func.recipe_args} == {None, "source_options"}
    help_text = " ".join(recipe_help(func).split()).replace("- ", "-")  # wrapped at a dash
    for field in fields:
        shown = field.name.upper() if field.metadata["positional"] else \
            f"--{field.name.replace('_', '-')}"
        assert shown in help_text
        if field.default not in (None, False):
            assert f"[default: {field.default}]" in help_text
    assert parse_recipe_args(func, []) == {}  # the defaults are the settings'


def test_options_reach_the_settings_typed() -> None:
    func = get_recipe("ner.al-correct")
    kwargs = parse_recipe_args(func, [
        "ds", "tok2vec", "src.tsv", "-l", "PER,ORG", "-n", "7", "--feed-overlap",
        "--rerank_sample", "3", "-s", "bald", "-e", "a,b", "-lo", "conll", "--tags-column",
        "2", "--sep", "tab"])
    settings = CorrectSettings(**settings_values(CorrectSettings, func.recipe_args, kwargs))
    assert settings == dataclasses.replace(
        CorrectSettings(), dataset="ds", spacy_model="tok2vec", source="src.tsv",
        label=["PER", "ORG"], update_every=7, feed_overlap=True, rerank_sample=3,
        strategy="bald", exclude=["a", "b"],
        source_options=SourceOptions(loader="conll", tag_col=2, sep="\t"))
    assert settings.read_with() == ("conll", {"tag_col": 2, "sep": "\t"})
    assert (CorrectSettings.mode, TeachSettings.mode) == ("correct", "teach")
    assert isinstance(settings, LiveSettings)
    assert CorrectSettings().read_with() == ("auto", {})


def test_prodigy_manual_signature() -> None:
    func = get_recipe("ner.manual")
    assert parse_recipe_args(func, ["ds", "data.jsonl"]) == {"dataset": "ds",
                                                             "source": "data.jsonl"}
    three = parse_recipe_args(func, ["ds", "blank:de", "data.jsonl", "-l", "PER"])
    assert three == {"dataset": "ds", "spacy_model": "blank:de", "source": "data.jsonl",
                     "label": ["PER"]}
    assert ManualSettings(**three).tokenizer_lang == "de"
    with pytest.raises(TypeError, match="4 positional arguments given, 3 taken"):
        func("ds", "blank:de", "data.jsonl", "more")
    assert ManualSettings(lang="nl").tokenizer_lang == "nl"


def test_manual_model_that_is_no_tokenizer(tmp_path: Path) -> None:
    pipeline = tmp_path / "pipeline"
    pipeline.mkdir()
    (pipeline / "meta.json").write_text('{"lang": "fr", "name": "x"}')
    assert ManualSettings(spacy_model=str(pipeline)).tokenizer_lang == "fr"
    with pytest.raises(ConfigError, match="neither blank:LANG nor a spaCy pipeline"):
        _ = ManualSettings(spacy_model="en_core_web_sm").tokenizer_lang


def _constant(node: ast.AST | None) -> Any:
    """A literal default (``arg(20, ...)``, ``field(default=20)`` and
    ``typer.Option(20, ...)`` count as ``20``), else None."""
    if isinstance(node, ast.Call):
        node = node.args[0] if node.args else next(
            (kw.value for kw in node.keywords if kw.arg == "default"), None)
    if isinstance(node, ast.Constant) and not isinstance(node.value, bool | None):
        return node.value
    return None


def written_defaults(tree: ast.AST) -> list[tuple[str, Any, int]]:
    """``(name, literal, line)`` of every literal written as a parameter default, a class or
    module field, a constant, or an entry of a module-level dict of defaults."""
    found: list[tuple[str, Any, ast.AST | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults,
                             strict=True)) + list(zip(args.kwonlyargs, args.kw_defaults,
                                                      strict=True))
            found += [(a.arg, default, default) for a, default in pairs]
        elif isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if isinstance(target, ast.Name):
                found.append((target.id, node.value, node.value))
            if isinstance(node.value, ast.Dict):  # e.g. the server's DEFAULT_CONFIG
                found += [(k.value, v, v) for k, v in zip(node.value.keys, node.value.values,
                                                           strict=True)
                          if isinstance(k, ast.Constant)]
    return [(name, _constant(value), getattr(at, "lineno", 0))
            for name, value, at in found if _constant(value) is not None]


def test_each_default_is_written_once() -> None:
    """A distinctive default of a setting of any settings recipe (not 0, 1, "", "en" or
    "auto") is written as a literal once in spacy_al/ (its constant or its field), and any
    parameter or field of the same name takes it from there rather than writing it again.
    A named constant of another meaning that happens to hold the same number (the server's
    60 s body timeout, the 60 s re-scoring bound) is not a copy of it."""
    by_value: dict[Any, list[str]] = defaultdict(list)
    by_name: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for name, value, line in written_defaults(ast.parse(path.read_text("utf8"))):
            where = f"{path.relative_to(PACKAGE.parent)}:{line} {name}"
            by_value[value].append(where)
            by_name[name, value].append(where)
    classes = {get_recipe(name).settings for name in list_recipes()
               if hasattr(get_recipe(name), "settings")}
    assert set(RECIPES.values()) <= classes
    settings = {(f.name, f.default) for cls in classes for f in dataclasses.fields(cls)
                if isinstance(f.default, int | float | str) and not isinstance(f.default, bool)
                and f.default not in GENERIC}
    assert settings, "no settings to check"
    for name, default in sorted(settings, key=str):
        places = by_name[name, default]
        if isinstance(default, str | float):  # the same value under another setting's name
            places = sorted({*places, *(p for p in by_value[default]
                                        if not p.rsplit(" ", 1)[1].isupper())})
        assert len(places) <= 1, f"--{name}'s default {default!r} is written in {places}"
    assert by_value["mnlp"] and by_value["spacy-al.TopK.v1"]  # the scan sees the constants
