"""The pool of an active-learning run: sentences by stable id (what is labelled so far is the
round engine's, :mod:`.engine`).

A pool holds only what an annotator would see (tokens, no entities); gold
annotations live in the oracle (:mod:`spacy_al.loop.oracle`). Every sentence has
a stable id: its ``doc.user_data["source"]`` (``"file:line"``, set by the readers)
where those are unique, else ``"#<index>"``, so selections can be written down,
audited and replayed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..corpora import SOURCE_KEY
from ..errors import ConfigError


def stable_ids(docs: Sequence[Doc]) -> list[str]:
    """The ``source`` of each doc where all are present and unique, else ``#<index>``."""
    sources = [doc.user_data.get(SOURCE_KEY) for doc in docs]
    if all(isinstance(s, str) and s for s in sources) and len(set(sources)) == len(sources):
        return [str(s) for s in sources]
    return [f"#{i}" for i in range(len(docs))]


def sample_docs(docs: list[Doc], n: int, seed: int = 0) -> list[Doc]:
    """``n`` docs drawn without replacement (seeded), in corpus order; all if ``n`` is 0."""
    if n <= 0 or n >= len(docs):
        return docs
    keep = np.sort(np.random.default_rng(seed).choice(len(docs), size=n, replace=False))
    return [docs[i] for i in keep]


@dataclass
class Pool:
    """Sentences to label: tokens only, with ids and token counts."""

    words: list[list[str]]
    spaces: list[list[bool]]
    ids: list[str]
    input_hashes: list[int] = field(default_factory=list)
    """Live mode: the ``_input_hash`` of each sentence, to match database answers."""

    @classmethod
    def from_docs(cls, docs: Sequence[Doc], hash_fn: Callable[[Doc], int] | None = None) -> Pool:
        return cls(
            words=[[t.text for t in doc] for doc in docs],
            spaces=[[bool(t.whitespace_) for t in doc] for doc in docs],
            ids=stable_ids(docs),
            input_hashes=[hash_fn(doc) for doc in docs] if hash_fn is not None else [],
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n_tokens(self) -> np.ndarray:
        return np.fromiter((len(w) for w in self.words), dtype=np.int64, count=len(self.words))

    @property
    def total_tokens(self) -> int:
        return int(self.n_tokens.sum())

    def doc(self, index: int, vocab: Vocab) -> Doc:
        """Sentence ``index`` as a Doc without annotation."""
        return Doc(vocab, words=self.words[index], spaces=self.spaces[index])

    def docs(self, indices: Iterable[int], vocab: Vocab) -> Iterator[Doc]:
        """Sentences ``indices`` as Docs without annotation, lazily."""
        return (self.doc(int(i), vocab) for i in indices)

    def indices_of(self, ids: Iterable[str]) -> list[int]:
        """Pool indices of ``ids`` (as written in a state file)."""
        index = {sid: i for i, sid in enumerate(self.ids)}
        missing = [sid for sid in ids if sid not in index]
        if missing:
            raise ConfigError(
                f"{len(missing)} selected ids are not in the pool (e.g. {missing[:3]}).",
                fix="resume with the same pool file and settings, or start a fresh output_dir.",
            )
        return [index[sid] for sid in ids]
