"""``ner.eval-ab``: compare two models' entities blind, sentence by sentence."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy_al.corpora.options import SourceOptions, from_mapping
from spacy_al.errors import ConfigError
from spacy_al.recipe_runtime.decorator import settings_recipe
from spacy_al.recipe_runtime.pipeline_annotator import PipelineAnnotator
from spacy_al.recipe_runtime.recipe_args import arg, arg_group
from spacy_al.recipe_runtime.session_settings import SOURCE_HELP
from spacy_al.recipe_runtime.sources import iter_source, source_recipe_args
from spacy_al.recipes.review import VIEW_ID, picked_version, span_key
from spacy_al.server.controller import DEFAULT_CONFIG
from spacy_al.server.stream import PoolStream
from spacy_al.tasks import PoolItem, hash32, set_hashes

MODELS = ("A", "B")


@dataclass(frozen=True)
class EvalABSettings:
    """The arguments of ``ner.eval-ab`` (Prodigy's order)."""

    dataset: str = arg("eval_ab", "Dataset to save the decisions to", positional=True)
    model_a: str = arg("", "First spaCy pipeline (folder, with al_ner or ner)",
                       positional=True)
    model_b: str = arg("", "Second spaCy pipeline (folder, with al_ner or ner)",
                       positional=True)
    source: str = arg("", SOURCE_HELP, positional=True)
    label: list[str] | None = arg(None, "Comma-separated labels to compare (default: all "
                                  "either model predicts)", short="l")
    limit: int = arg(1000, "Read at most this many sentences from SOURCE")
    seed: int = arg(0, "Seed of the blind order of the two versions")
    batch_size: int = arg(DEFAULT_CONFIG["batch_size"], "Tasks per request", short="b")
    source_options: SourceOptions = arg_group(SourceOptions(), source_recipe_args(),
                                              from_mapping)


def ab_tasks(items: Iterable[PoolItem], a: PipelineAnnotator, b: PipelineAnnotator,
             seed: int = 0) -> list[dict[str, Any]]:
    """One review task per sentence the two models annotate differently: the two versions
    in a seeded random order, no model named (``meta.eval_ab`` says which is which only
    once answered: the server keeps it)."""
    tasks = []
    for item in items:
        spans = {"A": a.spans(item.tokens), "B": b.spans(item.tokens)}
        if span_key(spans["A"]) == span_key(spans["B"]):
            continue
        order = list(MODELS)
        random.Random(hash32([seed, item.input_hash])).shuffle(order)
        versions: list[dict[str, Any]] = [{"version": i + 1, "answer": "accept", "sessions": [],
                                            "spans": spans[model], "model": model}
                                           for i, model in enumerate(order)]
        task = {"text": item.text, "tokens": [dict(t) for t in item.tokens],
                "spans": [dict(s) for s in spans[order[0]]], "versions": versions,
                "meta": {}, "_input_hash": item.input_hash, "_view_id": VIEW_ID}
        tasks.append(set_hashes(task, task_keys=()))
    return tasks


def blind(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The versions as the annotator sees them: without the model."""
    return [{k: v for k, v in version.items() if k != "model"} for version in versions]


def winner(answer: Mapping[str, Any], versions: list[dict[str, Any]]) -> str:
    """``A`` or ``B`` (the version taken unchanged), ``edited`` or ``rejected``."""
    picked = picked_version(answer.get("spans") or [], versions, str(answer.get("answer")))
    if isinstance(picked, int):
        return str(versions[picked - 1]["model"])
    return picked


def results(examples: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How often each model's version was taken (and edited / rejected) in a dataset."""
    counts = Counter(str((eg.get("meta") or {}).get("eval_ab", {}).get("winner"))
                     for eg in examples if (eg.get("meta") or {}).get("eval_ab"))
    return {key: counts.get(key, 0) for key in (*MODELS, "edited", "rejected")}


@settings_recipe("ner.eval-ab", EvalABSettings)
def eval_ab(settings: EvalABSettings) -> dict[str, Any]:
    """Evaluate two NER models blind by comparing their predictions (Prodigy's ner.eval-ab).

    Builds an evaluation set from the stream: the sentences of SOURCE (up to --limit) on
    which MODEL_A and MODEL_B predict different entities are shown with both versions, in a
    random order and without their names: take the better one (keys 1 and 2), edit it, or
    reject both. The answer is saved as a corrected, complete annotation with meta.eval_ab
    (which model was A and B, and the winner); at exit the tally is printed.
    """
    if not settings.model_a or not settings.model_b or not settings.source:
        raise ConfigError("ner.eval-ab needs two models and a source.",
                          fix="spacy-al annotate ner.eval-ab DATASET MODEL_A MODEL_B SOURCE")
    a = PipelineAnnotator(settings.model_a, settings.label)
    b = PipelineAnnotator(settings.model_b, settings.label)
    names = {"A": settings.model_a, "B": settings.model_b}
    stream = PoolStream([], exclude_by="input")
    versions: dict[int, list[dict[str, Any]]] = {}
    read_with = settings.source_options.given()

    def on_load(controller: Any) -> None:
        items = iter_source(settings.source, lang=a.nlp.lang, limit=settings.limit,
                            **read_with)
        tasks = ab_tasks(items, a, b, settings.seed)
        for task in tasks:
            versions[task["_input_hash"]] = task["versions"]
            task["versions"] = blind(task["versions"])
        stream.add_items(PoolItem(t["_input_hash"], t["text"], t["tokens"], {}) for t in tasks)
        stream.set_ranking(tasks)

    def before_db(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for answer in answers:
            mine = versions.get(int(answer["_input_hash"]), [])
            answer["versions"] = blind(mine)
            answer["meta"] = {**(answer.get("meta") or {}), "eval_ab": {
                **names, "version_of": {v["model"]: v["version"] for v in mine},
                "winner": winner(answer, mine) if mine else "unknown"}}
        return answers

    def on_exit(controller: Any) -> None:
        tally = results(controller.db.get_dataset_examples(settings.dataset))
        print(f"ner.eval-ab {settings.dataset}: A ({names['A']}) {tally['A']}, "
              f"B ({names['B']}) {tally['B']}, edited {tally['edited']}, "
              f"rejected {tally['rejected']}")

    return {"dataset": settings.dataset, "view_id": VIEW_ID, "stream": stream,
            "on_load": on_load, "before_db": before_db, "on_exit": on_exit,
            "config": {"labels": settings.label or sorted({*a.labels, *b.labels}),
                       "batch_size": settings.batch_size, "exclude_by": "input",
                       "model_a": settings.model_a, "model_b": settings.model_b}}
