"""Building gold Docs from pre-tokenised sentences, and joining sentences into documents."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..tasks.spans import TokenSpan
from .tags import Span

SOURCE_KEY = "source"
"""``doc.user_data`` key: ``"<file>:<line>"`` where the sentence (or row) starts."""
DOCUMENT_KEY = "document"
"""``doc.user_data`` key: the document a sentence belongs to, where the format marks one."""


def make_doc(
    vocab: Vocab,
    words: Sequence[str],
    spans: Sequence[Span],
    source: str,
    document: str | None = None,
) -> Doc:
    """A Doc of pre-tokenised ``words`` (single spaces between them) with gold ``doc.ents``.

    Every token outside ``spans`` is set to ``O`` (the annotation is complete).
    """
    spaces = [True] * len(words)
    if spaces:
        spaces[-1] = False
    doc = Doc(vocab, words=list(words), spaces=spaces)
    set_ents(doc, spans)
    doc.user_data[SOURCE_KEY] = source
    if document is not None:
        doc.user_data[DOCUMENT_KEY] = document
    return doc


def set_ents(doc: Doc, spans: Sequence[Span]) -> None:
    """Set ``doc.ents`` from token spans; other tokens become ``O``."""
    doc.ents = [(label, start, end) for start, end, label in spans]  # type: ignore[misc]


def merge_sentences(docs: Sequence[Doc]) -> Doc:
    """Join sentence Docs into one Doc with sentence boundaries and the same entities.

    Sentences are separated by a space. ``user_data`` keeps the first sentence's
    source and the shared document id.
    """
    words: list[str] = []
    spaces: list[bool] = []
    sent_starts: list[bool | int | None] = []
    ents: list[Span] = []
    for doc in docs:
        offset = len(words)
        words.extend(t.text for t in doc)
        spaces.extend(bool(t.whitespace_) for t in doc)
        if spaces:
            spaces[-1] = True
        sent_starts.extend(i == 0 for i in range(len(doc)))
        ents.extend(TokenSpan(e.start + offset, e.end + offset, e.label_) for e in doc.ents)
    if spaces:
        spaces[-1] = False
    merged = Doc(docs[0].vocab, words=words, spaces=spaces, sent_starts=sent_starts)
    set_ents(merged, ents)
    for key in (SOURCE_KEY, DOCUMENT_KEY):
        if key in docs[0].user_data:
            merged.user_data[key] = docs[0].user_data[key]
    return merged


def group_documents(docs: Iterable[Doc]) -> Iterator[Doc]:
    """Merge runs of consecutive sentences that share a document id (see :data:`DOCUMENT_KEY`).

    Docs without a document id pass through unchanged.
    """
    run: list[Doc] = []
    for doc in docs:
        key = doc.user_data.get(DOCUMENT_KEY)
        if run and (key is None or key != run[0].user_data.get(DOCUMENT_KEY)):
            yield merge_sentences(run)
            run = []
        if key is None:
            yield doc
        else:
            run.append(doc)
    if run:
        yield merge_sentences(run)
