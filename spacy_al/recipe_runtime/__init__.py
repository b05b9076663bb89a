"""The recipe runtime: Prodigy's recipe contract, sources, and the pieces recipes share.

- :func:`recipe` / :func:`settings_recipe` / :func:`get_recipe`: recipes are found in
  :data:`spacy_al.registry.recipes` (entry point group ``spacy_al_recipes``; the
  built-in ones in :mod:`spacy_al.recipes` register there too).
- :func:`~spacy_al.recipe_runtime.sources.load_source`: a source file into a pool.
- :func:`~spacy_al.recipe_runtime.components.active_components`: the model-in-the-loop
  components of ``ner.al-correct`` and ``ner.al-teach``.
- :func:`~spacy_al.recipe_runtime.launch.run_annotate`: what ``spacy-al annotate`` calls.
"""

from __future__ import annotations

from .decorator import get_recipe, import_file, list_recipes, recipe, settings_recipe, split_string
from .recipe_args import RecipeError, parse_recipe_args, recipe_help

__all__ = [
    "RecipeError",
    "get_recipe",
    "import_file",
    "list_recipes",
    "parse_recipe_args",
    "recipe",
    "recipe_help",
    "settings_recipe",
    "split_string",
]
