"""Recipe registry: decorator, built-in names, -F files, Prodigy-style arguments, help."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacy_al.recipe_runtime import (
    RecipeError,
    get_recipe,
    import_file,
    list_recipes,
    parse_recipe_args,
    recipe,
    recipe_help,
    split_string,
)


def test_builtin_recipes_load_by_name() -> None:
    assert {"ner.al-correct", "ner.al-teach", "ner.manual"} <= set(list_recipes())
    func = get_recipe("ner.manual")
    assert func.recipe_name == "ner.manual"
    assert "by hand" in (func.__doc__ or "")


def test_unknown_recipe_names_the_known_ones() -> None:
    with pytest.raises(RecipeError, match="ner.al-correct"):
        get_recipe("ner.nope")


def test_recipe_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "my_recipe.py"
    path.write_text(
        "from spacy_al.recipe_runtime import recipe\n\n"
        "@recipe('test.file-recipe', dataset=('Dataset', 'positional', None, str))\n"
        "def my_recipe(dataset: str) -> dict:\n"
        "    '''Help of my recipe.'''\n"
        "    return {'dataset': dataset, 'stream': [{'text': 'hi'}], 'view_id': 'text'}\n"
    )
    import_file(path)
    func = get_recipe("test.file-recipe")
    assert func("ds")["dataset"] == "ds"
    assert "Help of my recipe." in recipe_help(func)
    with pytest.raises(RecipeError, match="does not exist"):
        import_file(tmp_path / "missing.py")


@recipe(
    "test.args",
    dataset=("Dataset", "positional", None, str),
    source=("Source", "positional", None, str),
    label=("Labels", "option", "l", split_string),
    n=("A number", "option", None, int),
    verbose=("Verbose", "flag", "v", bool),
    n_x=("Another number", "option", None, int),
)
def _args_recipe(dataset: str, source: str = "wikigold", label: list[str] | None = None,
                 n: int = 1, verbose: bool = False, n_x: int = 0) -> dict:
    """Test recipe."""
    return {}


def test_parse_positionals_options_flags() -> None:
    kwargs = parse_recipe_args(_args_recipe, ["ds", "src.jsonl", "--label", "PER,ORG", "-v",
                                              "--n=3"])
    assert kwargs == {"dataset": "ds", "source": "src.jsonl", "label": ["PER", "ORG"],
                      "n": 3, "verbose": True}
    assert parse_recipe_args(_args_recipe, ["ds"]) == {"dataset": "ds"}
    assert parse_recipe_args(_args_recipe, ["ds", "-l", "A"])["label"] == ["A"]


def test_prodigy_spellings_of_options() -> None:
    """``--long_name`` as ``--long-name``, ``--n=3``, options between positionals."""
    assert parse_recipe_args(_args_recipe, ["ds", "--n_x", "4", "src"]) == {
        "dataset": "ds", "source": "src", "n_x": 4}


@pytest.mark.parametrize("argv,message", [
    ([], "Missing argument 'DATASET'"),
    (["ds", "src", "extra"], "unexpected extra argument \\(extra\\)"),
    (["ds", "--nope", "1"], "No such option '--nope'"),
    (["ds", "--n", "x"], "'x' is not a valid integer"),
    (["ds", "--label"], "'--label' requires an argument"),
])
def test_bad_arguments(argv: list[str], message: str) -> None:
    """What is wrong, in which recipe, and the usage to fix it; no traceback."""
    with pytest.raises(RecipeError, match=message) as err:
        parse_recipe_args(_args_recipe, argv)
    assert "recipe test.args" in str(err.value)
    assert "Usage: spacy-al annotate test.args [OPTIONS] DATASET [SOURCE]" in str(err.value)


def test_label_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.txt"
    path.write_text("PER\nORG\n\n")
    assert split_string(str(path)) == ["PER", "ORG"]


def test_bad_decorator_spec() -> None:
    with pytest.raises(RecipeError, match="kind"):
        recipe("test.bad", dataset=("Dataset", "weird", None, str))


def test_cli_errors_are_one_message(tmp_path: Path) -> None:
    """``spacy-al annotate`` with a bad recipe argument: exit 1, what and how to fix it."""
    from typer.testing import CliRunner

    from spacy_al.cli import app

    result = CliRunner().invoke(app, ["annotate", "ner.manual", "ds", "--nope", "1", "--db",
                                      str(tmp_path / "a.db")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "No such option '--nope'" in result.output
    assert "spacy-al annotate ner.manual --help" in " ".join(result.output.split())
    assert not (tmp_path / "a.db").exists()  # nothing written on a refusal
