"""The wheel carries what an installed spacy-al needs outside the repository: the configs
(``spacy-al train``'s default), the UI's static files, the recipes."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline (setuptools from the environment), unpacked."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(REPO)], check=True, timeout=600,
                   capture_output=True)
    [wheel] = out.glob("spacy_al-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_wheel_carries_configs_static_files_and_recipes(unpacked_wheel: Path) -> None:
    package = unpacked_wheel / "spacy_al"
    for path in ("configs/ner_tok2vec.cfg", "configs/ner_transformer.cfg",
                 "configs/al_loop.cfg", "configs/benchmark/transformer.cfg",
                 "server/static/index.html", "server/static/js/api.js", "recipes/ner_al.py"):
        assert (package / path).is_file(), path
    assert not (unpacked_wheel / "recipes").exists() and not (unpacked_wheel / "tests").exists()


def test_train_finds_its_default_config_outside_the_repository(unpacked_wheel: Path,
                                                               tmp_path: Path) -> None:
    """Run from the unpacked wheel in a folder far from the checkout: the default config
    resolves inside the installed package."""
    code = ("import spacy_al.training.pipeline_training as t; "
            "print(t.__file__); print(t.default_config())")
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    module, config = result.stdout.strip().splitlines()[-2:]
    assert module.startswith(str(unpacked_wheel)) and config.startswith(str(unpacked_wheel))
    assert Path(config).name == "ner_tok2vec.cfg" and Path(config).is_file()
