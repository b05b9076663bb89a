"""Corpus readers: column CoNLL (IOB1/IOB2/IO/BILUO), OntoNotes CoNLL-2012, Prodigy JSONL,
plain text and Hugging Face datasets; one content-based detection (:mod:`.detection`).

Every reader yields one ``spacy.tokens.Doc`` per sentence (per task for JSONL) with the
gold entities in ``doc.ents`` and ``doc.user_data["source"] = "<file>:<line>"``, and
raises :class:`spacy_al.errors.CorpusFormatError` (file, line, fix) for anything it
cannot read as asked: nothing is silently dropped. The spaCy readers
``spacy-al.Conll.v1``, ``spacy-al.OntoNotes.v1`` and ``spacy-al.Jsonl.v1`` live in
:mod:`spacy_al.corpora.registered`.
"""

from __future__ import annotations

from ._docs import DOCUMENT_KEY, SOURCE_KEY, group_documents, merge_sentences
from ._io import first_content_line, iter_lines
from .conll import detect_conll_scheme, read_conll
from .detection import detect_format
from .dispatch import (
    FORMATS,
    LOADERS,
    Resolved,
    read_docbin,
    read_docs,
    read_source,
    read_text,
    resolve,
    resolve_loader,
)
from .formats import SourceFormat, loader_names, register_format
from .hf_datasets import read_hf
from .items import SourceTally, duplicates_note, source_items
from .jsonl import read_jsonl
from .ontonotes import read_ontonotes
from .options import OPTION_FLAGS, SourceOptions
from .stats import corpus_stats

__all__ = [
    "DOCUMENT_KEY",
    "FORMATS",
    "LOADERS",
    "OPTION_FLAGS",
    "Resolved",
    "SOURCE_KEY",
    "SourceFormat",
    "SourceOptions",
    "SourceTally",
    "corpus_stats",
    "detect_conll_scheme",
    "detect_format",
    "duplicates_note",
    "first_content_line",
    "group_documents",
    "iter_lines",
    "loader_names",
    "merge_sentences",
    "read_conll",
    "read_docbin",
    "read_docs",
    "read_hf",
    "read_jsonl",
    "read_ontonotes",
    "read_source",
    "read_text",
    "register_format",
    "resolve",
    "resolve_loader",
    "source_items",
]
