"""The ActiveLearningCorpus reader called as spaCy's training loop calls it, in process."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from thinc.api import fix_random_seed

from spacy_al.errors import ConfigError
from spacy_al.loop import (
    ActiveLearningCorpus,
    GoldOracle,
    LoopState,
    create_active_learning_corpus,
)
from spacy_al.pipeline.build import create_al_nlp, tok2vec_model_config
from tests.conftest import REPO

POOL = REPO / "corpora" / "wikigold" / "train.conll"
DEV = REPO / "corpora" / "wikigold" / "dev.conll"
LABELS = ["LOC", "MISC", "ORG", "PER"]


@pytest.fixture(scope="module")
def nlp() -> Language:
    fix_random_seed(0)
    return create_al_nlp(LABELS, "tok2vec", tok2vec_width=32)


def make_corpus(output: Path | None, **overrides: object) -> ActiveLearningCorpus:
    options: dict = dict(path=POOL, limit=200, strategy="mnlp", unit="sentences", seed_size=10,
                         query_size=10, acquire_every=1, max_rounds=2, seed=0, output_dir=output)
    options.update(overrides)
    return create_active_learning_corpus(**options)


def run_epochs(corpus: ActiveLearningCorpus, nlp: Language, n: int) -> list[list]:
    return [list(corpus(nlp)) for _ in range(n)]


def selected(corpus: ActiveLearningCorpus) -> list[list[str]]:
    assert corpus.session is not None
    return [record.selected for record in corpus.session.state.rounds]


def test_rounds_grow_by_the_query_size_and_never_repeat(tmp_path: Path, nlp: Language) -> None:
    corpus = make_corpus(tmp_path / "al", dev_path=DEV)
    epochs = run_epochs(corpus, nlp, 4)
    state = LoopState.load(tmp_path / "al" / "al_state.json")
    assert [r.round for r in state.rounds] == [0, 1, 2]
    assert [r.epoch for r in state.rounds] == [0, 1, 2]
    assert [r.labelled_sentences for r in state.rounds] == [10, 20, 30]
    assert [len(e) for e in epochs] == [10, 20, 30, 30]
    ids = state.selected
    assert len(ids) == len(set(ids)) == 30
    dev = state.rounds[1].dev
    assert state.rounds[0].dev is None and dev is not None and 0.0 <= dev["f1"] <= 1.0
    assert state.final_dev is not None  # epoch 3: the loop is over, the final set is scored


def test_oracle_reveals_only_selected_sentences(tmp_path: Path, nlp: Language) -> None:
    corpus = make_corpus(tmp_path / "al", unit="tokens", seed_size=0.05, query_size=0.05)
    last = run_epochs(corpus, nlp, 3)[-1]
    session = corpus.session
    assert session is not None and isinstance(session.oracle, GoldOracle)
    chosen = session.pool.indices_of(session.state.selected)
    assert session.oracle.revealed == set(chosen) == set(session.engine.labelled_set)
    expected = Counter(tuple(session.pool.words[i]) for i in chosen)
    assert Counter(tuple(t.text for t in eg.reference) for eg in last) == expected
    assert all(eg.predicted.has_annotation("ENT_IOB") is False for eg in last)
    pool_tokens = session.pool.total_tokens
    growth = [b.labelled_tokens - a.labelled_tokens
              for a, b in zip(session.state.rounds, session.state.rounds[1:], strict=False)]
    longest = int(session.pool.n_tokens.max())
    assert all(round(0.05 * pool_tokens) - longest < g <= round(0.05 * pool_tokens)
               for g in growth)


def test_random_with_a_seed_is_reproducible(tmp_path: Path, nlp: Language) -> None:
    runs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        corpus = make_corpus(tmp_path / name, strategy="random", seed=seed)
        run_epochs(corpus, nlp, 3)
        runs.append(selected(corpus))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_a_run_resumes_from_its_state(tmp_path: Path, nlp: Language) -> None:
    first = make_corpus(tmp_path / "al", max_rounds=1)
    run_epochs(first, nlp, 3)
    again = make_corpus(tmp_path / "al", max_rounds=2)
    epochs = run_epochs(again, nlp, 2)
    assert len(epochs[0]) == 20  # rounds 0 and 1 replayed, no new round before training
    assert selected(again)[:2] == selected(first)
    assert len(selected(again)) == 3
    assert again.session is not None and isinstance(again.session.oracle, GoldOracle)
    assert again.session.oracle.revealed == set(again.session.engine.labelled_set)
    with pytest.raises(ConfigError, match="other settings"):
        list(make_corpus(tmp_path / "al", seed=1)(nlp))


def test_initialisation_calls_carry_the_label_schema(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("al_ner", config={"model": tok2vec_model_config(width=32)})
    corpus = make_corpus(None)
    examples = list(corpus(nlp))
    assert sorted(e.label_ for e in examples[0].reference.ents) == LABELS
    assert len(examples) == 11 and corpus.epoch == 0
    nlp.initialize(lambda: corpus(nlp))
    pipe: Any = nlp.get_pipe("al_ner")
    assert list(pipe.labels) == LABELS
    assert len(list(corpus(nlp))) == 10 and corpus.epoch == 1


def test_bald_with_options_runs_a_round(tmp_path: Path, nlp: Language) -> None:
    corpus = make_corpus(tmp_path / "al", strategy="bald", max_rounds=1,
                         strategy_options={"n_samples": 3, "dropout": 0.2})
    run_epochs(corpus, nlp, 2)
    state = LoopState.load(tmp_path / "al" / "al_state.json")
    assert state.rounds[1].strategy == "bald" and len(state.rounds[1].selected) == 10
    assert state.settings["strategy_options"] == {"n_samples": 3, "dropout": 0.2}


def test_a_resumed_run_keeps_its_stopping_trend(tmp_path: Path, nlp: Language) -> None:
    from spacy_al.acquisition.stoppers import build_stabilizing_predictions

    first_stopper = build_stabilizing_predictions(threshold=0.99, window=3)
    first = make_corpus(tmp_path / "al", max_rounds=2, stopper=first_stopper, stop_set_size=30)
    run_epochs(first, nlp, 3)
    saved = LoopState.load(tmp_path / "al" / "al_state.json")
    assert saved.stop_tags == first_stopper.last_tags and saved.stop_tags
    assert len(first_stopper.kappas) == 1  # rounds 1 and 2 tagged: one kappa
    stopper = build_stabilizing_predictions(threshold=0.99, window=3)
    again = make_corpus(tmp_path / "al", max_rounds=3, stopper=stopper, stop_set_size=30)
    run_epochs(again, nlp, 2)
    assert stopper.kappas[:1] == first_stopper.kappas  # the trend goes on, not anew
    assert len(stopper.kappas) == 2  # round 3 compared with round 2's saved tags
    state = LoopState.load(tmp_path / "al" / "al_state.json")
    assert state.rounds[3].stop_kappa == pytest.approx(stopper.kappas[-1], abs=1e-6)
