"""Export annotations: JSONL (as stored), spaCy DocBin train/dev, CoNLL.

Answers are merged per sentence (``_input_hash``): the latest accepted complete
answer (``ner_manual``: al-correct, manual) wins; otherwise the accepted spans of
binary answers (``ner``: al-teach) are combined, the rest of the sentence left
*missing* (unknown, not ``O``). Rejected and ignored answers are not training data.

With ``feed_overlap`` off a sentence is meant to be answered once; an answer that
came after another session's (a late answer, or one to a task never served to that
session) is stored marked ``_answered_before_by``. :func:`resolve_second_answers`
keeps the first session's answers of such a sentence and drops the marked ones.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import ConfigError
from ..tasks import answer_doc, is_complete
from .database import Database

if TYPE_CHECKING:  # spaCy loads only for a DocBin or CoNLL export, not for the server
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

EVAL_SPLIT = 0.2
"""The share of sentences held out for evaluation when no evaluation dataset is named
(`data-to-spacy`, `train`, `train-curve`, `spacy-config`)."""

SECOND = "_answered_before_by"
"""The mark of an answer given after another session's (feed_overlap off)."""


def resolve_second_answers(
    examples: Iterable[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], int]:
    """Drop marked second answers of sentences that have a first one; return the count."""
    examples = list(examples)
    firsts = {int(eg["_input_hash"]) for eg in examples if not eg.get(SECOND)}
    kept = [eg for eg in examples if not eg.get(SECOND) or int(eg["_input_hash"]) not in firsts]
    return kept, len(examples) - len(kept)


def merge_answers(examples: Iterable[Mapping[str, Any]]) -> list[tuple[dict[str, Any], bool]]:
    """One ``(task, complete)`` per sentence with training data, in first-answer order."""
    complete: dict[int, dict[str, Any]] = {}
    binary: dict[int, dict[str, Any]] = {}
    order: list[int] = []
    for eg in examples:
        key = int(eg["_input_hash"])
        if key not in complete and key not in binary:
            order.append(key)
        if eg.get("answer") != "accept":
            continue
        if is_complete(eg):
            complete[key] = dict(eg)
        else:
            merged = binary.setdefault(key, {**eg, "spans": []})
            merged["spans"] = merged["spans"] + list(eg.get("spans") or [])
    merged_list = []
    for key in order:
        if key in complete:
            merged_list.append((complete[key], True))
        elif key in binary:
            merged_list.append((binary[key], False))
    return merged_list


def examples_to_docs(examples: Iterable[Mapping[str, Any]], vocab: Vocab) -> list[Doc]:
    """Docs with the merged gold entities of each annotated sentence."""
    docs = []
    for task, complete in merge_answers(examples):
        doc = answer_doc(vocab, task, complete=complete)
        doc.user_data["_input_hash"] = task["_input_hash"]
        docs.append(doc)
    return docs


def split_docs(docs: list[Doc], eval_split: float, seed: int) -> tuple[list[Doc], list[Doc]]:
    """Shuffle (seeded) and split off ``eval_split`` of the docs for evaluation."""
    if not 0.0 <= eval_split < 1.0:
        raise ConfigError(f"eval_split must be in [0, 1), got {eval_split}.")
    docs = list(docs)
    random.Random(seed).shuffle(docs)
    n_dev = round(len(docs) * eval_split)
    if eval_split > 0 and n_dev == 0 and len(docs) >= 2:
        n_dev = 1
    return docs[n_dev:], docs[:n_dev]


def read_datasets(db: Database, names: Iterable[str]) -> list[dict[str, Any]]:
    examples = []
    for name in names:
        if name not in db:
            raise ConfigError(f"Dataset {name!r} is not in {db.path}.",
                              fix=f"Use one of {', '.join(db.datasets) or '(none yet)'}.")
        examples.extend(db.get_dataset_examples(name))
    return examples


def data_to_spacy(
    db: Database,
    datasets: list[str],
    out_dir: str | Path,
    *,
    eval_split: float = EVAL_SPLIT,
    seed: int = 0,
    lang: str = "en",
    conll: bool = False,
) -> dict[str, Any]:
    """Write ``train.spacy`` and ``dev.spacy`` (and CoNLL files) to ``out_dir``."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank(lang).vocab
    examples, n_second = resolve_second_answers(read_datasets(db, datasets))
    docs = examples_to_docs(examples, vocab)
    train, dev = split_docs(docs, eval_split, seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, Any] = {"train": len(train), "dev": len(dev),
                              "second_answers_dropped": n_second}
    for name, part in (("train", train), ("dev", dev)):
        DocBin(docs=part, store_user_data=True).to_disk(out / f"{name}.spacy")
        if conll:
            with (out / f"{name}.conll").open("w", encoding="utf8") as handle:
                counts[f"{name}_conll_skipped"] = write_conll(part, handle)
    return counts


def write_conll(docs: Iterable[Doc], handle: TextIO) -> int:
    """Write complete docs as ``token<TAB>IOB2-tag`` lines; return how many partial were skipped."""
    skipped = 0
    for doc in docs:
        if any(token.ent_iob == 0 for token in doc):
            skipped += 1
            continue
        for token in doc:
            tag = "O" if token.ent_iob_ == "O" else f"{token.ent_iob_}-{token.ent_type_}"
            handle.write(f"{token.text}\t{tag}\n")
        handle.write("\n")
    return skipped


def db_out(
    db: Database,
    dataset: str,
    handle: TextIO,
    *,
    answer: str | None = None,
    format: str = "jsonl",
    lang: str = "en",
) -> int:
    """Write a dataset to ``handle`` as JSONL (every answer) or CoNLL; return the count."""
    examples = read_datasets(db, [dataset])
    if answer is not None:
        examples = [eg for eg in examples if eg.get("answer") == answer]
    if format == "jsonl":
        lines = [json_line(eg) for eg in examples]  # all of them first: no half-written file
        for line in lines:
            handle.write(line + "\n")
        return len(examples)
    if format == "conll":
        import spacy

        docs = examples_to_docs(examples, spacy.blank(lang).vocab)
        return len(docs) - write_conll(docs, handle)
    raise ConfigError(f"Unknown export format {format!r}.", fix="Use jsonl or conll.")


def json_line(eg: Mapping[str, Any]) -> str:
    """Strict, compact JSON of a stored answer, every value exact (floats as ``repr``, so
    ``db-out`` → ``db-in`` → ``db-out`` gives the same bytes); NaN or Infinity and lone
    surrogates (stored by older versions) as null and ``?``."""
    try:
        line = json.dumps(eg, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        line.encode("utf-8")
        return line
    except (ValueError, TypeError):  # UnicodeEncodeError is a ValueError
        return json.dumps(_finite(eg), ensure_ascii=False, allow_nan=False, default=str,
                          separators=(",", ":"))


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, Mapping):
        return {_finite(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
