"""Oracles: who answers the loop's queries.

- :class:`GoldOracle` (simulation): the pool's own gold annotations, revealed only
  for the sentences the loop selected. ``revealed`` records every index it gave out.
- :class:`DatabaseOracle` (live): the accepted answers of a dataset in the
  annotation database (read only), matched to pool sentences by their Prodigy
  ``_input_hash``. Answers are merged per sentence as ``spacy-al db-out`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..errors import ConfigError

INPUT_HASH_KEY = "_input_hash"


class GoldOracle:
    """Simulation: reveals the gold Doc of a pool sentence once it is selected."""

    def __init__(self, gold: Sequence[Doc]) -> None:
        self._gold = list(gold)
        self.revealed: set[int] = set()

    def reveal(self, indices: Iterable[int]) -> list[Doc]:
        """Gold Docs of ``indices`` (pool positions), in that order."""
        indices = [int(i) for i in indices]
        self.revealed.update(indices)
        return [self._gold[i] for i in indices]

    def labels(self) -> list[str]:
        """The label set of the task (the schema, not the annotations)."""
        return sorted({ent.label_ for doc in self._gold for ent in doc.ents})


def input_hash(doc: Doc) -> int:
    """The ``_input_hash`` of a pool sentence: its own (JSONL pools) or that of its text,
    as the annotation server computes it."""
    from ..tasks import input_hash_of

    value = doc.user_data.get(INPUT_HASH_KEY)
    return int(value) if value is not None else input_hash_of({"text": doc.text})


class DatabaseOracle:
    """Live: accepted answers of ``dataset`` in the annotation database at ``path``."""

    def __init__(self, path: str | Path, dataset: str, vocab: Vocab) -> None:
        self.path = Path(path).expanduser()
        self.dataset = dataset
        self.vocab = vocab
        if not self.path.is_file():
            raise ConfigError(f"No annotation database at {self.path}.",
                              fix="point db at the file the annotation server writes.")
        self.answers: list[Doc] = []
        self.refresh()

    def refresh(self) -> list[Doc]:
        """Re-read the dataset; return one Doc per answered sentence."""
        from ..store.database import Database
        from ..store.export import examples_to_docs

        db = Database(self.path)
        try:
            if self.dataset not in db:
                raise ConfigError(f"Dataset {self.dataset!r} is not in {self.path}.",
                                  fix=f"use one of {', '.join(db.datasets) or '(none yet)'}.")
            self.answers = examples_to_docs(db.get_dataset_examples(self.dataset), self.vocab)
        finally:
            db.close()
        return self.answers

    def answered_hashes(self) -> set[int]:
        return {int(doc.user_data[INPUT_HASH_KEY]) for doc in self.answers}

    def labels(self) -> list[str]:
        return sorted({ent.label_ for doc in self.answers for ent in doc.ents})
