"""The corpora of the live-loop benchmark: a pool file the server annotates, its gold, a
test set.

Each corpus is read with ``spacy_al.corpora.read_docs`` (the project's readers), the pool
optionally a seeded sample (``sample_docs``, seed 0: the same for every order and seed),
duplicates dropped (the server keys sentences by text). Written once to a cache folder:
``pool.jsonl`` (text and tokens, no spans: what the annotator is shown comes from the
model), ``gold.jsonl`` (the same with the gold spans) and ``test.spacy`` (a DocBin).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc, DocBin

from spacy_al.corpora import read_docs
from spacy_al.loop.pool_state import sample_docs
from spacy_al.tasks.conversion import doc_tokens, span_to_dict

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPACY_AL_CORPORA", REPO.parent / "shared" / "corpora"))
"""The shared corpora: ../shared/corpora beside the checkout, or $SPACY_AL_CORPORA."""
SAMPLE_SEED = 0


@dataclass(frozen=True)
class CorpusSpec:
    name: str
    train: Path
    test: Path
    pool_sample: int = 0  # 0: the whole train split
    test_sample: int = 0  # 0: the whole test split
    options: dict[str, Any] = field(default_factory=dict)  # read_docs options

    def describe(self) -> str:
        pool = f"{self.pool_sample:,}-sentence sample of " if self.pool_sample else ""
        test = f"{self.test_sample:,}-sentence sample of " if self.test_sample else ""
        return f"pool: {pool}{self.train.name}; test: {test}{self.test.name}"


MIT = {"token_col": 1, "tag_col": 0}
CORPORA = {spec.name: spec for spec in (
    CorpusSpec("wikigold", REPO / "corpora" / "wikigold" / "train.conll",
               REPO / "corpora" / "wikigold" / "dev.conll"),
    CorpusSpec("wnut17", SHARED / "wnut17" / "train.txt", SHARED / "wnut17" / "test.txt"),
    CorpusSpec("mit_restaurant", SHARED / "mit_restaurant" / "train.bio",
               SHARED / "mit_restaurant" / "test.bio", options=MIT),
    CorpusSpec("conll2003", SHARED / "conll2003" / "train.txt",
               SHARED / "conll2003" / "test.txt", pool_sample=3000),
    CorpusSpec("ontonotes5", SHARED / "ontonotes5" / "train.txt",
               SHARED / "ontonotes5" / "test_conll2012.txt", pool_sample=3000,
               test_sample=2000),
)}


@dataclass(frozen=True)
class PreparedCorpus:
    spec: CorpusSpec
    pool: Path
    gold: Path
    test: Path
    labels: list[str]

    def gold_spans(self) -> dict[tuple[str, ...], list[dict[str, Any]]]:
        """Each pool sentence's gold spans, keyed by its words."""
        spans: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        with self.gold.open(encoding="utf8") as lines:
            for line in lines:
                task = json.loads(line)
                spans[tuple(t["text"] for t in task["tokens"])] = task["spans"]
        return spans

    def test_docs(self) -> list[Doc]:
        vocab = spacy.blank("en").vocab
        return list(DocBin().from_disk(self.test).get_docs(vocab))


def task_of(doc: Doc, with_spans: bool) -> dict[str, Any]:
    task: dict[str, Any] = {"text": doc.text, "tokens": doc_tokens(doc)}
    if with_spans:
        task["spans"] = [span_to_dict(ent) for ent in doc.ents]
    return task


def corpus_spec(name: str, pool_sample: int | None = None, test_sample: int | None = None
                ) -> CorpusSpec:
    """The corpus ``name``, its samples overridden where given (then named
    ``NAME-pN-tM``, so its results and cache stay apart)."""
    if name not in CORPORA:
        raise SystemExit(f"unknown corpus {name!r}; choose from {', '.join(CORPORA)}")
    spec = CORPORA[name]
    if pool_sample is None and test_sample is None:
        return spec
    pool = spec.pool_sample if pool_sample is None else pool_sample
    test = spec.test_sample if test_sample is None else test_sample
    return replace(spec, name=f"{name}-p{pool}-t{test}", pool_sample=pool, test_sample=test)


def prepare(spec: CorpusSpec, cache: Path) -> PreparedCorpus:
    """The corpus's pool, gold and test files in ``cache/NAME`` (written unless there)."""
    name = spec.name
    folder = cache / name
    pool, gold, test = folder / "pool.jsonl", folder / "gold.jsonl", folder / "test.spacy"
    labels_file = folder / "labels.txt"
    if not labels_file.is_file():
        for path in (spec.train, spec.test):
            if not path.is_file():
                raise SystemExit(f"{path} is missing: the corpus {name!r} needs ../shared")
        write_corpus(spec, folder)
    labels = labels_file.read_text(encoding="utf8").split()
    return PreparedCorpus(spec, pool, gold, test, labels)


def first_of_each_text(docs: list[Doc]) -> list[Doc]:
    """The docs in order, a later doc with the text of an earlier one dropped (the server
    keys sentences by their text)."""
    seen: set[str] = set()
    unique = []
    for doc in docs:
        if doc.text not in seen:
            seen.add(doc.text)
            unique.append(doc)
    return unique


def write_corpus(spec: CorpusSpec, folder: Path) -> None:
    vocab = spacy.blank("en").vocab
    docs = [d for d in read_docs(spec.train, vocab, **spec.options) if len(d)]
    docs = sample_docs(docs, spec.pool_sample, seed=SAMPLE_SEED)
    docs = first_of_each_text(docs)
    test = [d for d in read_docs(spec.test, vocab, **spec.options) if len(d)]
    test = sample_docs(test, spec.test_sample, seed=SAMPLE_SEED)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "pool.jsonl").open("w", encoding="utf8") as pool, \
            (folder / "gold.jsonl").open("w", encoding="utf8") as gold:
        for doc in docs:
            pool.write(json.dumps(task_of(doc, False)) + "\n")
            gold.write(json.dumps(task_of(doc, True)) + "\n")
    DocBin(docs=test, store_user_data=False).to_disk(folder / "test.spacy")
    labels = sorted({ent.label_ for doc in docs for ent in doc.ents})
    (folder / "labels.txt").write_text("\n".join(labels) + "\n", encoding="utf8")
