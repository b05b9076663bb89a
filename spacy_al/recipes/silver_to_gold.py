"""``ner.silver-to-gold``: binary answers (``ner.al-teach``) made gold candidates to correct."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from spacy_al.recipe_runtime.decorator import recipe, split_string
from spacy_al.recipe_runtime.pipeline_annotator import PipelineAnnotator
from spacy_al.server.controller import DEFAULT_CONFIG
from spacy_al.server.stream import PoolStream
from spacy_al.store.dataset_report import check_inputs_and_output
from spacy_al.store.export import read_datasets
from spacy_al.tasks import PoolItem, is_complete, set_hashes

VIEW_ID = "ner_manual"
Key = tuple[int, int, str]


def _key(span: Mapping[str, Any]) -> Key | None:
    start, end, label = span.get("token_start"), span.get("token_end"), span.get("label")
    ok = isinstance(start, int) and isinstance(end, int) and isinstance(label, str)
    return (start, end, label) if ok else None  # type: ignore[return-value]


def _without_overlaps(spans: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The spans in the order given, each one that overlaps an earlier one dropped."""
    kept: list[dict[str, Any]] = []
    taken: set[int] = set()
    for span in spans:
        key = _key(span)
        if key is None or taken & set(range(key[0], key[1] + 1)):
            continue
        kept.append(dict(span))
        taken |= set(range(key[0], key[1] + 1))
    return sorted(kept, key=lambda s: s["token_start"])


class _Sentence:
    """What the silver answers say of one sentence."""

    def __init__(self, eg: Mapping[str, Any]) -> None:
        self.eg = eg
        self.accepted: list[dict[str, Any]] = []
        self.rejected: set[Key] = set()
        self.complete: list[dict[str, Any]] | None = None

    def add(self, eg: Mapping[str, Any]) -> None:
        spans = [dict(s) for s in eg.get("spans") or [] if isinstance(s, Mapping)]
        if is_complete(eg):
            if eg.get("answer") == "accept":
                self.complete = spans  # a whole-sentence answer: gold already
        elif eg.get("answer") == "accept":
            self.accepted += spans
        else:
            self.rejected |= {k for k in map(_key, spans) if k is not None}


def silver_tasks(examples: Iterable[Mapping[str, Any]],
                 annotator: PipelineAnnotator | None = None) -> list[dict[str, Any]]:
    """One ``ner_manual`` task per sentence with accepted or rejected answers, in
    first-answer order: its accepted spans, then the model's entities that no answer
    rejected and no accepted span overlaps (``meta.silver`` counts each kind). A sentence
    with an accepted complete answer keeps that answer's spans."""
    sentences: dict[int, _Sentence] = {}
    for eg in examples:
        if eg.get("answer") in ("accept", "reject") and isinstance(eg.get("tokens"), list):
            sentences.setdefault(int(eg["_input_hash"]), _Sentence(eg)).add(eg)
    tasks = []
    for input_hash, sentence in sentences.items():
        tokens = [dict(t) for t in sentence.eg["tokens"]]
        accepted = [s for s in sentence.accepted if _key(s) not in sentence.rejected]
        predicted = [] if annotator is None else [
            s for s in annotator.spans(tokens) if _key(s) not in sentence.rejected]
        if sentence.complete is not None:
            accepted, predicted = sentence.complete, []
        spans = _without_overlaps([*accepted, *predicted])
        from_model = sum(1 for s in spans if s in predicted and s not in accepted)
        task = {"text": sentence.eg["text"], "tokens": tokens, "spans": spans,
                "meta": {"silver": {"accepted": len(spans) - from_model, "model": from_model,
                                    "rejected": len(sentence.rejected)}},
                "_input_hash": input_hash, "_view_id": VIEW_ID}
        tasks.append(set_hashes(task, task_keys=()))
    return tasks


def task_labels(tasks: Sequence[Mapping[str, Any]]) -> list[str]:
    return sorted({str(s["label"]) for task in tasks for s in task["spans"]})


@recipe(
    "ner.silver-to-gold",
    dataset=("Dataset to save the gold-standard annotations to", "positional", None, str),
    silver_sets=("Comma-separated datasets with binary annotations (ner.teach / "
                 "ner.al-teach)", "positional", None, split_string),
    spacy_model=("Optional spaCy pipeline whose entities fill in what the answers leave open "
                 "(a folder, with al_ner or ner)", "positional", None, str),
    label=("Comma-separated labels, or a .txt file (default: those of the answers and the "
           "model)", "option", "l", split_string),
    batch_size=("Tasks per request", "option", "b", int),
)
def silver_to_gold(
    dataset: str,
    silver_sets: list[str],
    spacy_model: str | None = None,
    label: list[str] | None = None,
    batch_size: int = DEFAULT_CONFIG["batch_size"],
) -> dict[str, Any]:
    """Create gold-standard data from binary annotations by merging and correcting them.

    As Prodigy's ner.silver-to-gold: the accepted and rejected spans of each sentence of
    SILVER_SETS are merged into the best analysis they allow: accepted spans are kept,
    rejected ones are never suggested, and with SPACY_MODEL the model's other entities fill
    in the rest (a span overlapping an accepted one is dropped). Each sentence is then shown
    once to be corrected and accepted as a complete annotation in DATASET; sentences already
    in DATASET are not asked again.
    """
    check_inputs_and_output(silver_sets, dataset, "silver",
                            "spacy-al annotate ner.silver-to-gold news_gold news_teach")
    annotator = None if spacy_model is None else PipelineAnnotator(spacy_model, label)
    stream = PoolStream([], exclude_by="input")

    def on_load(controller: Any) -> None:
        tasks = silver_tasks(read_datasets(controller.db, silver_sets), annotator)
        stream.add_items(PoolItem(t["_input_hash"], t["text"], t["tokens"], {}) for t in tasks)
        if not controller.config.get("labels"):
            model_labels = annotator.labels if annotator is not None else []
            controller.config["labels"] = sorted({*task_labels(tasks), *model_labels})
        stream.set_ranking(tasks)

    return {"dataset": dataset, "view_id": VIEW_ID, "stream": stream, "on_load": on_load,
            "config": {"labels": label or [], "batch_size": batch_size, "exclude_by": "input",
                       "silver_sets": silver_sets, "model": spacy_model}}
