"""The live session's stop set and kappa trend, and diversity in its re-ranking."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from spacy_al.acquisition.selectors import DiverseTopK
from spacy_al.errors import UnknownNameError
from spacy_al.recipe_runtime.sources import load_source
from spacy_al.recipes.ner_al import al_correct
from spacy_al.registry import build
from spacy_al.retraining.model_loop import ModelLoop
from spacy_al.retraining.predictions import rerank, task_vectors
from spacy_al.retraining.service import ModelService, ModelSpec
from spacy_al.server.stream import PoolStream
from tests.retraining.test_service import _answer, _spec, _wait


def test_service_reports_the_kappa_of_successive_models(tok2vec_nlp_path: Path,
                                                        source_jsonl: Path,
                                                        tmp_path: Path) -> None:
    service = ModelService(_spec(tok2vec_nlp_path, tmp_path, stop_set_size=5,
                                 stopper_options={"threshold": 0.5, "window": 1}))
    service.set_pool(load_source(source_jsonl))
    stop_set = service.stop_set()
    assert len(stop_set) == min(5, len(service.items)) and stop_set == service.stop_set()
    answers = [_answer(dict(t, text=service.items[t["_input_hash"]].text,
                            tokens=service.items[t["_input_hash"]].tokens))
               for t in service.rank(list(service.items))]
    first = service.train(answers)
    assert -1.0 <= first["stop_kappa"] <= 1.0  # against the model before any update
    assert 0.0 <= first["stop_uncertainty"] <= 1.0
    assert first["stabilised"] == (first["stop_kappa"] >= 0.5)
    second = service.train(answers)
    assert np.round(service.stopper.kappas, 4).tolist() == [first["stop_kappa"],
                                                            second["stop_kappa"]]


def test_diverse_ranking_uses_the_scoring_vectors(tok2vec_nlp_path: Path, source_jsonl: Path,
                                                  tmp_path: Path) -> None:
    service = ModelService(_spec(tok2vec_nlp_path, tmp_path,
                                 selector="spacy-al.DiverseTopK.v1", window=3))
    assert isinstance(service.selector.select, DiverseTopK)
    service.set_pool(load_source(source_jsonl))
    tasks = service.rank(list(service.items))
    assert len(tasks) == len(service.items)
    assert set(service.vectors) == {t["_input_hash"] for t in tasks}


def test_rerank_never_puts_duplicates_in_the_window() -> None:
    tasks = [{"_input_hash": h, "_rank": r} for h, r in [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.1)]]
    vectors = {1: np.array([1.0, 0.0]), 2: np.array([1.0, 0.0]), 3: np.array([0.0, 1.0]),
               4: np.array([-1.0, 0.0])}
    rows = task_vectors(tasks, vectors)
    assert rows is not None and rows.shape == (4, 2)
    floor = build("selector", "spacy-al.DiverseTopK.v1", min_distance=0.5)
    ranked = rerank([dict(t) for t in tasks], floor, 2, vectors)
    assert [t["_input_hash"] for t in ranked] == [1, 3, 2, 4]  # 2 duplicates 1: after the window
    keys = [t["_rank"] for t in ranked]
    assert keys == sorted(keys, reverse=True)
    spread = rerank([dict(t) for t in tasks], build("selector", "spacy-al.DiverseTopK.v1"), 2,
                    vectors)  # the largest floor that fills the window: 1 and its opposite
    assert [t["_input_hash"] for t in spread] == [1, 4, 2, 3]
    plain = rerank([dict(t) for t in tasks], build("selector", "spacy-al.DiverseTopK.v1"), 2, None)
    assert [t["_input_hash"] for t in plain] == [1, 2, 3, 4]


def test_progress_model_section_has_the_kappa_trend(tok2vec_nlp_path: Path,
                                                    source_jsonl: Path, tmp_path: Path) -> None:
    stream = PoolStream(load_source(source_jsonl))
    spec = _spec(tok2vec_nlp_path, tmp_path, stop_set_size=4,
                 stopper_options={"threshold": 0.01, "window": 1})
    loop = ModelLoop(stream, spec, update_every=2, worker="thread")
    try:
        loop.start()
        _wait(lambda: loop.state == "idle" and stream.complete)
        assert loop.stats()["kappas"] == [] and loop.stats()["stabilised"] is False
        batch = stream.next_batch("ds-a", 3)
        stream.mark_answered(batch, "ds-a")
        loop.update([_answer(t) for t in batch])
        _wait(lambda: loop.stats()["n_updates"] == 1 and loop.state == "idle")
        stats = loop.stats()
        assert len(stats["kappas"]) == 1 and stats["stop_kappa"] == stats["kappas"][0]
        assert stats["stabilised"] is (stats["stop_kappa"] >= 0.01)
    finally:
        loop.close()
        time.sleep(0.1)


def test_model_spec_defaults_watch_a_stop_set() -> None:
    spec = ModelSpec()
    assert spec.stopper == "spacy-al.StabilizingPredictions.v1" and spec.stop_set_size > 0


def test_recipe_components_refuse_an_unknown_selector_first() -> None:
    with pytest.raises(UnknownNameError, match="spacy-al.DiverseTopK.v1"):
        al_correct("d", "tok2vec", "nowhere.jsonl", label=["PER"], update_every=5,
                   selector="spacy-al.Nope.v1")


def test_progress_says_what_the_dev_f1_is_measured_on(tok2vec_nlp_path: Path,
                                                      source_jsonl: Path, tmp_path: Path) -> None:
    loop = ModelLoop(PoolStream(load_source(source_jsonl)), _spec(tok2vec_nlp_path, tmp_path),
                     worker="thread")  # not started: the status of a given history
    loop.history = [
        {"version": 1, "dev_f1": 0.25, "n_dev": 4, "n_train": 16, "dev_accuracy": None},
        {"version": 2, "dev_f1": None, "n_dev": 0, "n_train": 40, "dev_accuracy": None},
        {"version": 3, "dev_f1": 0.5, "n_dev": 12, "n_train": 48, "dev_accuracy": None}]
    stats = loop.stats()
    assert stats["last_dev_f1"] == 0.5 and stats["last_n_dev"] == 12
    assert [(p["version"], p["dev_f1"], p["n_dev"]) for p in stats["dev_trend"]] == [
        (1, 0.25, 4), (3, 0.5, 12)]
