"""Active-learning NER recipes: ``ner.al-correct`` (the default) and ``ner.al-teach``.

Both keep a model in the loop: after every ``--update-every`` accepted answers a
background worker fine-tunes it on all accepted answers so far, evaluates it on a
held-out slice, saves it to ``--output`` and re-ranks the unanswered pool.
"""

from __future__ import annotations

from typing import Any

from spacy_al.corpora.options import SourceOptions
from spacy_al.recipe_runtime.components import active_components
from spacy_al.recipe_runtime.decorator import RecipeFunc, recipe, split_string
from spacy_al.recipe_runtime.sources import source_recipe_args, with_source_args

ARGS: dict[str, Any] = {
    "dataset": ("Dataset to save the annotations to", "positional", None, str),
    "spacy_model": ("spaCy pipeline folder with al_ner, 'default' (a new model on the "
                    "embedded MiniLM encoder) or 'tok2vec' (a new fast CPU model)",
                    "positional", None, str),
    "source": ("JSONL, text (one per line), CoNLL, OntoNotes or .spacy file, a Hugging Face "
               "dataset (folder, Parquet, Arrow, hub name with --loader hf), or a bundled "
               "sample: wikigold, wnut17", "positional", None, str),
    "label": ("Comma-separated labels, or a .txt file with one per line (default: the "
              "model's, the sample's, or the hf dataset's ClassLabel names)", "option", "l",
              split_string),
    "strategy": ("Acquisition strategy: mnlp, token_entropy, bald, least_confidence, "
                 "margin, random, or a registered name", "option", "s", str),
    "selector": ("Batch selector: spacy-al.TopK.v1 (best first) or spacy-al.DiverseTopK.v1 "
                 "(by score, kept apart in the model's embedding space), or a registered "
                 "name", "option", None, str),
    "update_every": ("Retrain after every N accepted answers", "option", "n", int),
    "output": ("Folder the retrained model is saved to (default: training/DATASET)",
               "option", "o", str),
    "n_epochs": ("Passes over the accepted answers per update (more while they are few)",
                 "option", None, int),
    "lang": ("Language of the tokenizer for raw text", "option", None, str),
    "exclude": ("Comma-separated datasets whose questions are not asked again", "option",
                "e", split_string),
    "feed_overlap": ("Every session gets every question", "flag", None, bool),
    "batch_size": ("Tasks per request", "option", "b", int),
    "limit": ("Read at most this many sentences from SOURCE", "option", None, int),
    "worker": ("Where the model runs: process (default) or thread", "option", None, str),
    "seed": ("Random seed", "option", None, int),
    "annotations_per_task": ("Sessions that annotate each sentence (feed_overlap off)",
                             "option", None, int),
    "patterns": ("Match patterns (JSONL, spaCy EntityRuler / Prodigy format): suggestions "
                 "while the model is new (al-correct), extra candidates (al-teach)",
                 "option", "pt", str),
    "rerank_candidates": ("After an update, re-score the best N unanswered sentences (by "
                          "their last scores) first; the rest follows in chunks (0 with "
                          "--rerank-sample 0: all at once)", "option", None, int),
    "rerank_sample": ("... plus a seeded random sample of N of the other sentences",
                      "option", None, int),
    "pool_cache": ("Folder of the pool's Arrow cache (default: DATABASE.pools/SOURCE-KEY, "
                   "reused while the source is unchanged)", "option", None, str),
    "ranking_window": ("Ranked sentences the server keeps, best first (the rest is "
                       "reached by the next re-ranking)", "option", None, int),
    **source_recipe_args(),
}


def _active_recipe(mode: str, default_dataset: str, doc: str) -> RecipeFunc:
    """A model-in-the-loop recipe function (``mode`` ``correct`` or ``teach``): the two
    built-in ones share every argument."""

    def active_recipe(
        dataset: str = default_dataset,
        spacy_model: str = "default",
        source: str = "wikigold",
        label: list[str] | None = None,
        strategy: str = "mnlp",
        selector: str = "spacy-al.TopK.v1",
        update_every: int = 20,
        output: str | None = None,
        n_epochs: int = 1,
        lang: str = "en",
        exclude: list[str] | None = None,
        feed_overlap: bool = False,
        batch_size: int = 10,
        limit: int | None = None,
        worker: str = "process",
        seed: int = 0,
        annotations_per_task: int = 1,
        patterns: str | None = None,
        rerank_candidates: int = 200,
        rerank_sample: int = 200,
        pool_cache: str | None = None,
        ranking_window: int = 5000,
        source_options: SourceOptions | None = None,
    ) -> dict[str, Any]:
        read_with = (source_options or SourceOptions()).given()
        return active_components(
            mode, dataset=dataset, spacy_model=spacy_model, source=source, labels=label,
            strategy=strategy, update_every=update_every, output=output, n_epochs=n_epochs,
            lang=lang, exclude=exclude, feed_overlap=feed_overlap, batch_size=batch_size,
            limit=limit, worker=worker, seed=seed, selector=selector,
            loader=read_with.pop("loader"), source_options=read_with,
            annotations_per_task=annotations_per_task,
            patterns=patterns, rerank_candidates=rerank_candidates,
            rerank_sample=rerank_sample, pool_cache=pool_cache,
            ranking_window=ranking_window)

    active_recipe.__doc__ = doc
    active_recipe.__name__ = active_recipe.__qualname__ = f"al_{mode}"
    return with_source_args(active_recipe)


al_correct = recipe("ner.al-correct", **ARGS)(_active_recipe("correct", "wikigold_al", """\
Correct the model's entities on the sentences it is least sure about.

Sentences of SOURCE come in the order of the acquisition strategy (most
informative first), pre-annotated with the model's entities; fix the spans
and accept. Every answer is a complete annotation of its sentence. The model
is retrained in the background and the remaining sentences re-ranked. A new
model's first batches are a diverse sample of the pool; with --patterns its
matches pre-annotate them (matched sentences first) until the first update,
and later add suggestions where the model predicts nothing.
"""))

al_teach = recipe("ner.al-teach", **ARGS)(_active_recipe("teach", "wikigold_teach", """\
Accept or reject one predicted entity at a time, the least certain first.

Each task shows one span the model predicts (or nearly predicts), ordered by
the model's uncertainty about it. Accepted spans train the model (the rest of
the sentence stays unknown); rejected ones are stored but do not train it.
With --patterns every match is a candidate too (meta.pattern: its id or line).
"""))
