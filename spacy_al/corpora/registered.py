"""spaCy readers ``spacy-al.Source.v1`` (any format, the options every command takes),
``spacy-al.Conll.v1``, ``spacy-al.OntoNotes.v1`` and ``spacy-al.Jsonl.v1``.

Use them like ``spacy.Corpus.v1`` in a training config::

    [corpora.train]
    @readers = "spacy-al.Source.v1"
    path = "corpora/mit_restaurant/train.bio"
    # loader, token_col, tag_col, sep, scheme, repair, split, text_column as the CLI's
    # --loader, --token-col, ... (spacy_al.corpora.options); left out: detected

Each returns a callable ``(nlp) -> Iterator[Example]``: the reference doc carries the
gold ``doc.ents``; the predicted doc has the same tokens (the data is pre-tokenised).
``limit`` keeps the first N docs of the file (0 = all); ``shuffle`` shuffles them on
every call, with a private ``random.Random(seed)`` when ``seed`` is set and Python's
global ``random`` (seeded by ``spacy train``) otherwise.
"""

# No `from __future__ import annotations` here: spaCy's config system reads these
# signatures at runtime to validate config values.

import random
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab

from .conll import read_conll
from .dispatch import read_source, resolve
from .jsonl import read_jsonl
from .ontonotes import read_ontonotes
from .options import SourceOptions

_DEFAULT = SourceOptions()

Loader = Callable[[Vocab], Iterable[Doc]]


class DocReader:
    """A spaCy corpus reader over a Doc loader: ``reader(nlp)`` yields Examples."""

    def __init__(self, load: Loader, limit: int = 0, shuffle: bool = False,
                 seed: int | None = None) -> None:
        self.load = load
        self.limit = limit
        self.shuffle = shuffle
        self._rng = random.Random(seed) if seed is not None else None

    def __call__(self, nlp: Language) -> Iterator[Example]:
        docs: Iterable[Doc] = self.load(nlp.vocab)
        if self.limit >= 1:
            docs = islice(docs, self.limit)
        if self.shuffle:
            docs = list(docs)
            (self._rng or random).shuffle(docs)
        for doc in docs:
            yield doc_to_example(nlp, doc)


def doc_to_example(nlp: Language, reference: Doc) -> Example:
    """An Example whose predicted doc has exactly the reference's tokens and spaces."""
    words = [token.text for token in reference]
    spaces = [bool(token.whitespace_) for token in reference]
    return Example(Doc(nlp.vocab, words=words, spaces=spaces), reference)


@spacy.registry.readers("spacy-al.Source.v1")
def create_source_reader(
    path: str,
    limit: int = 0,
    shuffle: bool = False,
    seed: int | None = None,
    loader: str = _DEFAULT.loader,
    token_col: int | str | None = _DEFAULT.token_col,
    tag_col: int | str | None = _DEFAULT.tag_col,
    sep: str | None = _DEFAULT.sep,
    scheme: str = _DEFAULT.scheme,
    repair: bool = _DEFAULT.repair,
    split: str | None = _DEFAULT.split,
    text_column: str | None = _DEFAULT.text_column,
) -> Callable[[Language], Iterable[Example]]:
    """Any source :func:`spacy_al.corpora.read_source` reads, with the CLI's source options
    (checked at once: a bad option fails when the config is loaded)."""
    options = SourceOptions.from_flags(
        loader=loader, token_col=token_col, tag_col=tag_col, sep=sep, scheme=scheme,
        repair=repair, split=split, text_column=text_column)
    resolve(path, options)  # an unknown loader, a missing file, a wrong option: now
    load = partial(_load_source, path, options)
    return DocReader(load, limit=limit, shuffle=shuffle, seed=seed)


def _load_source(path: str, options: SourceOptions, vocab: Vocab) -> Iterator[Doc]:
    return read_source(path, vocab, options)


@spacy.registry.readers("spacy-al.Conll.v1")
def create_conll_reader(
    path: Path,
    limit: int = 0,
    shuffle: bool = False,
    seed: int | None = None,
    token_col: int = 0,
    tag_col: int = -1,
    sep: str | None = None,
    scheme: str = "auto",
    comment_prefix: str | None = "#",
    strict: bool = True,
) -> Callable[[Language], Iterable[Example]]:
    """Column CoNLL reader (see :func:`spacy_al.corpora.conll.read_conll` for the options)."""
    load = partial(_load_conll, Path(path), token_col=token_col, tag_col=tag_col, sep=sep,
                   scheme=scheme, comment_prefix=comment_prefix, strict=strict)
    return DocReader(load, limit=limit, shuffle=shuffle, seed=seed)


@spacy.registry.readers("spacy-al.OntoNotes.v1")
def create_ontonotes_reader(
    path: Path,
    limit: int = 0,
    shuffle: bool = False,
    seed: int | None = None,
    skip_docs_without_entities: bool = False,
) -> Callable[[Language], Iterable[Example]]:
    """OntoNotes CoNLL-2012 reader: a ``*_conll`` file or a folder searched recursively."""
    load = partial(_load_ontonotes, Path(path), skip=skip_docs_without_entities)
    return DocReader(load, limit=limit, shuffle=shuffle, seed=seed)


@spacy.registry.readers("spacy-al.Jsonl.v1")
def create_jsonl_reader(
    path: Path,
    limit: int = 0,
    shuffle: bool = False,
    seed: int | None = None,
    unanswered: str = "raw",
) -> Callable[[Language], Iterable[Example]]:
    """Prodigy-style JSONL reader (accepted tasks are gold; see ``read_jsonl``)."""
    load = partial(_load_jsonl, Path(path), unanswered=unanswered)
    return DocReader(load, limit=limit, shuffle=shuffle, seed=seed)


def _load_conll(path: Path, vocab: Vocab, **options: object) -> Iterator[Doc]:
    return read_conll(path, vocab, **options)  # type: ignore[arg-type]


def _load_ontonotes(path: Path, vocab: Vocab, skip: bool) -> Iterator[Doc]:
    return read_ontonotes(path, vocab, skip_docs_without_entities=skip)


def _load_jsonl(path: Path, vocab: Vocab, unanswered: str) -> Iterator[Doc]:
    return read_jsonl(path, vocab, unanswered=unanswered)
