"""Live mode: the oracle is the accepted answers of a dataset in the annotation database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import fix_random_seed

from spacy_al.corpora import read_docs
from spacy_al.errors import ConfigError
from spacy_al.loop import LoopState, create_active_learning_corpus
from spacy_al.pipeline.build import create_al_nlp
from spacy_al.store.database import Database
from spacy_al.tasks import base_task, doc_item, set_hashes, span_to_dict
from tests.conftest import REPO

POOL = REPO / "corpora" / "wikigold" / "train.conll"


def answer(doc: Doc) -> dict:
    task = base_task(doc_item(doc), "ner_manual")
    task["spans"] = [span_to_dict(ent) for ent in doc.ents]
    task["answer"] = "accept"
    return set_hashes(task)


@pytest.fixture
def nlp() -> Language:
    fix_random_seed(0)
    return create_al_nlp(["LOC", "MISC", "ORG", "PER"], "tok2vec", tok2vec_width=32)


def test_live_mode_trains_on_answers_and_queries_the_rest(tmp_path: Path, nlp: Language) -> None:
    gold = list(read_docs(POOL, nlp.vocab))[:40]
    db_path = tmp_path / "al.db"
    db = Database(db_path)
    db.add_examples([answer(doc) for doc in gold[:5]], datasets=["news"])
    corpus = create_active_learning_corpus(
        path=POOL, limit=40, oracle="database", db=db_path, dataset="news", strategy="mnlp",
        unit="sentences", query_size=5, acquire_every=1, max_rounds=2, output_dir=tmp_path / "al",
    )
    first = list(corpus(nlp))
    assert sorted(eg.reference.text for eg in first) == sorted(d.text for d in gold[:5])
    assert [len(eg.reference.ents) for eg in first] != [0] * 5
    list(corpus(nlp))  # round 1: queries, no answers yet
    queries = [json.loads(line) for line in (tmp_path / "al" / "queries.jsonl").open()]
    answered = {d.text for d in gold[:5]}
    assert len(queries) == 5 and not answered & {q["text"] for q in queries}
    by_text = {d.text: d for d in gold}
    db.add_examples([answer(by_text[q["text"]]) for q in queries[:3]], datasets=["news"])
    third = list(corpus(nlp))  # round 2 re-reads the dataset
    assert len(third) == 8
    state = LoopState.load(tmp_path / "al" / "al_state.json")
    assert [r.labelled_sentences for r in state.rounds] == [5, 5, 8]
    assert all(r.selected == [] for r in state.rounds)
    assert not set(state.rounds[2].queries) & set(state.rounds[1].queries[:3])
    db.close()


def test_live_mode_needs_a_database_and_answers(tmp_path: Path, nlp: Language) -> None:
    with pytest.raises(ConfigError):
        create_active_learning_corpus(path=POOL, oracle="database")
    Database(tmp_path / "empty.db").add_dataset("news")
    corpus = create_active_learning_corpus(path=POOL, limit=10, oracle="database",
                                           db=tmp_path / "empty.db", dataset="news")
    with pytest.raises(ConfigError, match="no accepted answers"):
        corpus(nlp)
