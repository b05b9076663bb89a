"""``ner.manual``: annotate entities by hand, no model in the loop (the random baseline)."""

from __future__ import annotations

from typing import Any

from spacy_al.corpora.options import SourceOptions
from spacy_al.recipe_runtime.components import resolve_labels
from spacy_al.recipe_runtime.decorator import recipe, split_string
from spacy_al.recipe_runtime.manual_pool import manual_stream
from spacy_al.recipe_runtime.patterns import PatternMatcher
from spacy_al.recipe_runtime.sources import source_recipe_args, with_source_args


@recipe(
    "ner.manual",
    dataset=("Dataset to save the annotations to", "positional", None, str),
    source=("JSONL, text (one per line), CoNLL, OntoNotes or .spacy file, a Hugging Face "
            "dataset (folder, Parquet, Arrow, hub name with --loader hf), or a bundled "
            "sample: wikigold, wnut17", "positional", None, str),
    **source_recipe_args(),
    label=("Comma-separated labels, or a .txt file with one per line (default: the "
           "sample's, or the hf dataset's ClassLabel names)", "option", "l", split_string),
    order=("Question order: sequential (file order) or random", "option", "o", str),
    seed=("Seed of the random order", "option", None, int),
    lang=("Language of the tokenizer for raw text", "option", None, str),
    exclude=("Comma-separated datasets whose sentences are not asked again", "option", "e",
             split_string),
    feed_overlap=("Every session annotates every sentence", "flag", None, bool),
    annotations_per_task=("Sessions that annotate each sentence (feed_overlap off)", "option",
                          None, int),
    batch_size=("Tasks per request", "option", "b", int),
    patterns=("Match patterns (JSONL, spaCy EntityRuler / Prodigy format) that pre-annotate "
              "sentences without spans; sentences with matches come first", "option", "pt",
              str),
    pool_cache=("Folder of the pool's Arrow cache (default: DATABASE.pools/SOURCE-KEY, "
                "reused while the source is unchanged)", "option", None, str),
)
@with_source_args
def ner_manual(
    dataset: str = "wikigold_manual",
    source: str = "wikigold",
    label: list[str] | None = None,
    order: str = "sequential",
    seed: int = 0,
    lang: str = "en",
    exclude: list[str] | None = None,
    feed_overlap: bool = False,
    annotations_per_task: int = 1,
    batch_size: int = 10,
    patterns: str | None = None,
    pool_cache: str | None = None,
    source_options: SourceOptions | None = None,
) -> dict[str, Any]:
    """Mark every entity of every sentence by hand; no model is involved.

    The sentences of SOURCE come once each, in file order (--order sequential) or
    shuffled with --seed (--order random: the random-sampling baseline that the
    active recipes must beat). Spans carried by raw JSONL tasks are shown as
    pre-annotations; the gold entities of a corpus file are not. --loader auto tells
    CoNLL from text by the content (a CoNLL-2003 train.txt is CoNLL). --patterns
    pre-annotates the matches of a pattern file and asks those sentences first.
    The source is read once into an Arrow pool (as for ner.al-correct) and served a
    sentence at a time, so a file of millions of sentences is not held in memory.
    """
    read_with = (source_options or SourceOptions()).given()
    labels = resolve_labels(label, source, **read_with)
    matcher = None if patterns is None else PatternMatcher(patterns, lang)
    stream, on_exit = manual_stream(
        source, order=order, seed=seed, matcher=matcher, feed_overlap=feed_overlap,
        lang=lang, pool_cache=pool_cache, **read_with)
    components: dict[str, Any] = {
        "dataset": dataset,
        "view_id": "ner_manual",
        "stream": stream,
        "exclude": exclude or [],
        "config": {"labels": labels, "batch_size": batch_size, "order": order,
                   "feed_overlap": feed_overlap, "exclude_by": "input",
                   "annotations_per_task": annotations_per_task},
    }
    if on_exit is not None:
        components["on_exit"] = on_exit
    return components
