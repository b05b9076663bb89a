"""No error message a user reads repeats its code (``[E003] [E003] ...``): not as raised,
not after crossing a process boundary (the model worker pickles errors back), not as the
CLI prints it."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import spacy_al
from spacy_al.cli import app
from spacy_al.errors import SpacyALError

CODE = re.compile(r"\[E\d{3}\]")


def _all_error_classes() -> list[type[SpacyALError]]:
    for module in pkgutil.walk_packages(spacy_al.__path__, "spacy_al."):
        if ".server.static" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found, todo = [], [SpacyALError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _instance(cls: type[SpacyALError]) -> SpacyALError:
    """An instance built through the class's own ``__init__`` (``line`` an int, the rest
    strings), with a fix."""
    args = []
    for name, param in list(inspect.signature(cls.__init__).parameters.items())[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or name == "fix":
            continue
        if param.default is inspect.Parameter.empty and param.kind != param.KEYWORD_ONLY:
            args.append(3 if name == "line" else f"the {name}")
    takes_fix = "fix" in inspect.signature(cls.__init__).parameters
    return cls(*args, fix="do this") if takes_fix else cls(*args)


@pytest.mark.parametrize("cls", _all_error_classes(), ids=lambda c: c.__name__)
def test_the_code_appears_once_also_after_pickling(cls: type[SpacyALError]) -> None:
    error = _instance(cls)
    again = pickle.loads(pickle.dumps(error))
    for err in (error, again):
        assert CODE.findall(str(err)) == [f"[{cls.code}]"], str(err)
    assert type(again) is cls and str(again) == str(error)
    assert again.fix == error.fix and again.message == error.message


def test_a_missing_model_is_reported_once_through_the_worker(tmp_path: Path) -> None:
    """The model loads in the worker process; its error comes back pickled."""
    result = CliRunner().invoke(app, [
        "annotate", "ner.al-correct", "news", str(tmp_path / "en_core_web_sm"), "wikigold",
        "--db", str(tmp_path / "a.db"), "--port", "0"])
    assert result.exit_code == 1, result.output
    assert "is not a pipeline folder" in result.output
    assert CODE.findall(result.output) == ["[E003]"], result.output
