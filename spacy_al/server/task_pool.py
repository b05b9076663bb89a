"""A server stream from a recipe's plain stream of task dicts (Prodigy's generator contract)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import CorpusFormatError
from ..tasks import PoolItem, doc_tokens, set_hashes


def pool_from_tasks(
    tasks: Iterable[dict[str, Any]], *, view_id: str, lang: str = "en"
) -> tuple[list[PoolItem], list[dict[str, Any]]]:
    """Pool items and hashed tasks from a recipe's plain (finite) stream of task dicts.

    Tasks without ``tokens`` are tokenized with ``spacy.blank(lang)``.
    """
    import spacy

    nlp = spacy.blank(lang)
    items: dict[int, PoolItem] = {}
    ranked: list[dict[str, Any]] = []
    for number, raw in enumerate(tasks):
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            raise CorpusFormatError("<recipe stream>", number + 1,
                                    "a task must be a dict with a 'text' string.")
        task = dict(raw)
        if not task.get("tokens"):
            task["tokens"] = doc_tokens(nlp.make_doc(task["text"]))
        task.setdefault("_view_id", view_id)
        set_hashes(task)
        items.setdefault(task["_input_hash"], PoolItem(
            task["_input_hash"], task["text"], task["tokens"], dict(task.get("meta") or {})))
        ranked.append(task)
    return list(items.values()), ranked
