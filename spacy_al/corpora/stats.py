"""Count sentences, tokens and entities of a corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc


class CorpusCounter:
    """Running counts, for when the docs are consumed elsewhere (e.g. written to disk)."""

    def __init__(self) -> None:
        self.docs = 0
        self.sentences = 0
        self.tokens = 0
        self.duplicates = 0
        """Sentences whose text came before (counted, kept)."""
        self.per_type: Counter[str] = Counter()
        self._seen: set[int] = set()

    def add(self, doc: Doc) -> Doc:
        """Count one doc and return it unchanged (handy inside a generator)."""
        self.docs += 1
        self.sentences += count_sentences(doc)
        self.tokens += len(doc)
        self.per_type.update(ent.label_ for ent in doc.ents)
        sentences = doc.sents if len(doc) and doc.has_annotation("SENT_START") else [doc]
        for sentence in sentences:
            key = hash(sentence.text.strip())
            self.duplicates += key in self._seen
            self._seen.add(key)
        return doc

    def as_dict(self) -> dict[str, Any]:
        return {
            "docs": self.docs,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "entities": sum(self.per_type.values()),
            "duplicates": self.duplicates,
            "per_type": dict(sorted(self.per_type.items())),
        }


def count_sentences(doc: Doc) -> int:
    """Sentences of a doc: its sentence boundaries when set, else one."""
    if len(doc) and doc.has_annotation("SENT_START"):
        return sum(1 for _ in doc.sents)
    return 1


def corpus_stats(docs: Iterable[Doc]) -> dict[str, Any]:
    """Counts for ``docs``: ``docs``, ``sentences``, ``tokens``, ``entities``, ``duplicates``
    (sentences whose text came before) and ``per_type``.

    A doc counts as one sentence unless it carries sentence boundaries (e.g. a
    document-level doc written by ``spacy-al convert``), then each sentence counts.
    ``per_type`` maps entity labels to mention counts, sorted by label.
    """
    counter = CorpusCounter()
    for doc in docs:
        counter.add(doc)
    return counter.as_dict()
