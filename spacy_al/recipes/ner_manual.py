"""``ner.manual``: annotate entities by hand, no model in the loop (the random baseline)."""

from __future__ import annotations

from typing import Any

from spacy_al.recipe_runtime.components import resolve_labels
from spacy_al.recipe_runtime.decorator import settings_recipe
from spacy_al.recipe_runtime.manual_pool import manual_stream
from spacy_al.recipe_runtime.patterns import PatternMatcher
from spacy_al.recipe_runtime.session_settings import ManualSettings


@settings_recipe("ner.manual", ManualSettings)
def ner_manual(settings: ManualSettings) -> dict[str, Any]:
    """Mark every entity of every sentence by hand; no model is involved.

    Prodigy's form ner.manual DATASET SPACY_MODEL SOURCE works too (SPACY_MODEL:
    blank:LANG or a pipeline folder, for its tokenizer's language). The sentences of
    SOURCE come once each, in file order (--order sequential) or
    shuffled with --seed (--order random: the random-sampling baseline that the
    active recipes must beat). Spans carried by raw JSONL tasks are shown as
    pre-annotations; the gold entities of a corpus file are not. --loader auto tells
    CoNLL from text by the content (a CoNLL-2003 train.txt is CoNLL). --patterns
    pre-annotates the matches of a pattern file and asks those sentences first.
    The source is read once into an Arrow pool (as for ner.al-correct) and served a
    sentence at a time, so a file of millions of sentences is not held in memory.
    """
    s = settings
    lang = s.tokenizer_lang
    loader, read_with = s.read_with()
    labels = resolve_labels(s.label, s.source, loader=loader, **read_with)
    matcher = None if s.patterns is None else PatternMatcher(s.patterns, lang)
    stream, on_exit = manual_stream(
        s.source, order=s.order, seed=s.seed, matcher=matcher, feed_overlap=s.feed_overlap,
        lang=lang, loader=loader, pool_cache=s.pool_cache, **read_with)
    components: dict[str, Any] = {
        "dataset": s.dataset,
        "view_id": "ner_manual",
        "stream": stream,
        "exclude": s.exclude or [],
        "config": {"labels": labels, "batch_size": s.batch_size, "order": s.order,
                   "feed_overlap": s.feed_overlap, "exclude_by": "input",
                   "annotations_per_task": s.annotations_per_task},
    }
    if on_exit is not None:
        components["on_exit"] = on_exit
    return components
