"""The architecture holds: one-direction layers (import-linter), module sizes and names,
and every public name resolves in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "spacy_al"
MAX_LINES = 400
"""~300 lines is a guide for a room cut by concept; this only catches a runaway file."""

PUBLIC_NAMES = {
    "spacy.factories": ["al_ner", "al_scorer"],
    "spacy.architectures": ["spacy-al.TransformerTagger.v1", "spacy-al.Tok2VecTagger.v1"],
    "spacy.readers": ["spacy-al.Conll.v1", "spacy-al.OntoNotes.v1", "spacy-al.Jsonl.v1",
                      "spacy-al.ActiveLearningCorpus.v1"],
    "spacy_al.strategies": ["spacy-al.MNLP.v1", "spacy-al.TokenEntropy.v1", "spacy-al.BALD.v1",
                            "spacy-al.LeastConfidence.v1", "spacy-al.Margin.v1",
                            "spacy-al.Random.v1"],
    "spacy_al.selectors": ["spacy-al.TopK.v1"],
    "spacy_al.recipes": ["ner.al-correct", "ner.al-teach", "ner.manual", "review"],
}
RESOLVE = """
import json, sys
import spacy
from spacy.language import Language
from spacy_al import registry
names = json.loads(sys.argv[1])
found = {}
for group, wanted in names.items():
    if group == "spacy.factories":  # spaCy reads the spacy_factories group with a Language
        spacy.blank("en")
        found[group] = [name for name in wanted if Language.has_factory(name)]
        continue
    if group.startswith("spacy."):
        reg = getattr(spacy.registry, group.split(".", 1)[1])
    else:
        reg = getattr(registry, {"spacy_al.strategies": "al_strategies",
                                 "spacy_al.selectors": "al_selectors",
                                 "spacy_al.stoppers": "al_stoppers",
                                 "spacy_al.recipes": "recipes"}[group])
    found[group] = [name for name in wanted if callable(reg.get(name))]
print(json.dumps(found))
"""


def test_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_public_name_resolves_in_a_fresh_interpreter() -> None:
    """Nothing is imported first: entry points find our own names as they find a
    third party's."""
    result = subprocess.run([sys.executable, "-c", RESOLVE, json.dumps(PUBLIC_NAMES)],
                            capture_output=True, text=True, timeout=300, cwd="/")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == PUBLIC_NAMES


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_is_a_runaway_file(path: Path) -> None:
    assert len(path.read_text(encoding="utf8").splitlines()) <= MAX_LINES


def test_no_two_modules_share_a_file_name() -> None:
    names = Counter(p.name for p in modules() if p.name not in ("__init__.py", "__main__.py"))
    assert [name for name, n in names.items() if n > 1] == []


def test_the_recipes_package_is_not_installed_top_level() -> None:
    result = subprocess.run([sys.executable, "-c", "import recipes"], capture_output=True,
                            text=True, cwd="/", timeout=120)
    assert result.returncode != 0, "nothing called `recipes` lands in site-packages"


def test_the_import_graph_covers_the_recipes() -> None:
    """The built-in recipes are a package of spacy_al, so the layer contract sees them."""
    import grimp

    graph = grimp.build_graph("spacy_al")
    assert "spacy_al.recipes.ner_al" in graph.modules
    assert graph.find_modules_directly_imported_by("spacy_al.recipes.ner_al")


SERVER_IMPORTS = """
import sys
import spacy_al.server.app, spacy_al.server.controller, spacy_al.store.database
import spacy_al.store.export, spacy_al.tasks
print(sorted(m for m in ("spacy", "thinc", "torch", "transformers") if m in sys.modules))
"""


def test_the_server_and_the_store_load_no_model_library() -> None:
    """"The server never loads a model": importing it loads neither spaCy nor thinc/torch."""
    result = subprocess.run([sys.executable, "-c", SERVER_IMPORTS], capture_output=True,
                            text=True, timeout=300, cwd="/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
