"""Pool scoring: streamed batch by batch, same scores whatever the batch size."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import srsly
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from spacy_al.errors import ConfigError
from spacy_al.pipeline.pool_scoring import LENGTH_WINDOW_BATCHES, score_batches, score_pool
from spacy_al.registry import build

TEXTS = [
    "the cat sat",  # 3 peaked tokens
    "WHO IS THERE",  # 3 uniform tokens: most uncertain
    "",  # empty: never selected
    "hello THERE",  # 1 uniform of 2
    "ok",
]
PEAKED_MNLP = -math.log(0.9)
UNIFORM_MNLP = math.log(3)


def docs_of(nlp: Language, texts: list[str] = TEXTS) -> list[Doc]:
    return [nlp.make_doc(text) for text in texts]


def test_known_scores_and_top_k(fake_nlp: Language) -> None:
    result = score_pool(fake_nlp, docs_of(fake_nlp), "mnlp", k=2, progress=False)
    mixed = (PEAKED_MNLP + UNIFORM_MNLP) / 2
    assert result.scores == pytest.approx([PEAKED_MNLP, UNIFORM_MNLP, 0.0, mixed, PEAKED_MNLP])
    assert result.top_k.tolist() == [1, 3]
    assert result.n_tokens.tolist() == [3, 3, 0, 2, 1]


def test_k_none_ranks_every_non_empty_entry(fake_nlp: Language) -> None:
    result = score_pool(fake_nlp, docs_of(fake_nlp), "mnlp", progress=True)
    assert result.top_k.tolist() == [1, 3, 0, 4]


@pytest.mark.parametrize("batch_size", [1, 2, 3, 64])
def test_batch_size_does_not_change_scores(fake_nlp: Language, batch_size: int) -> None:
    docs = docs_of(fake_nlp) * 3
    reference = score_pool(fake_nlp, docs, "token_entropy", batch_size=64, progress=False)
    result = score_pool(fake_nlp, docs, "token_entropy", batch_size=batch_size, progress=False)
    assert result.scores == pytest.approx(reference.scores)
    assert np.array_equal(result.top_k, reference.top_k)


def test_pool_is_streamed_never_held(fake_nlp: Language) -> None:
    consumed = 0

    def stream() -> Iterator[Doc]:
        nonlocal consumed
        for doc in docs_of(fake_nlp, ["a b", "C D"] * 500):
            consumed += 1
            yield doc

    pipe = fake_nlp.get_pipe("al_ner")
    seen: list[int] = []
    pipe.on_predict = lambda docs: seen.append(consumed)
    result = score_pool(fake_nlp, stream(), "mnlp", batch_size=8, progress=True)
    assert len(result.scores) == 1000
    assert max(n for n, *_ in pipe.calls) <= 8
    window = 8 * LENGTH_WINDOW_BATCHES
    assert seen == [min(window * (i // LENGTH_WINDOW_BATCHES + 1), 1000)
                    for i in range(len(seen))], "reads one window of batches ahead"


def test_batches_of_similar_length_scores_in_pool_order(fake_nlp: Language) -> None:
    texts = ["a " * n for n in (5, 1, 9, 2, 7, 3, 8, 1, 4, 6)]
    docs = docs_of(fake_nlp, texts)
    pipe = fake_nlp.get_pipe("al_ner")
    lengths: list[list[int]] = []
    pipe.on_predict = lambda batch: lengths.append([len(d) for d in batch])
    one_by_one = [score_pool(fake_nlp, [d], "mnlp", progress=False).scores[0] for d in docs]
    lengths.clear()
    batches = list(score_batches(fake_nlp, docs, "mnlp", batch_size=3))
    assert lengths == [[1, 1, 2], [3, 4, 5], [6, 7, 8], [9]], "the model sees length buckets"
    assert [doc.text for batch, _ in batches for doc in batch] == texts, "pool order back"
    scores = np.concatenate([s for _, s in batches])
    assert scores == pytest.approx(one_by_one)


def test_texts_are_tokenized(fake_nlp: Language) -> None:
    result = score_pool(fake_nlp, TEXTS, "mnlp", progress=False)
    assert result.n_tokens.tolist() == [3, 3, 0, 2, 1]


def test_empty_docs_never_reach_the_model(fake_nlp: Language) -> None:
    score_pool(fake_nlp, docs_of(fake_nlp, ["", "a", ""]), "mnlp", progress=False)
    assert fake_nlp.get_pipe("al_ner").calls == [(1, 1, 0.0, "head")]
    assert len(score_pool(fake_nlp, [], "mnlp", progress=False).scores) == 0


def test_bald_sampling_is_passed_through(fake_nlp: Language) -> None:
    pipe = fake_nlp.get_pipe("al_ner")
    docs = docs_of(fake_nlp, ["?x y", "x y"])
    result = score_pool(fake_nlp, docs, "bald", progress=False)
    assert pipe.calls == [(2, 10, 0.1, "head")]
    # "?x y" is "?", "x", "y": the samples disagree on "?" only
    assert result.scores == pytest.approx([math.log(2) / 3, 0.0])
    score_pool(fake_nlp, docs, "bald", n_samples=4, mc_dropout="full", progress=False)
    assert pipe.calls[-1] == (2, 4, 0.1, "full")


def test_overrides_leave_single_sample_strategies_alone(fake_nlp: Language) -> None:
    score_pool(fake_nlp, TEXTS, "margin", n_samples=10, dropout=0.3, progress=False)
    assert fake_nlp.get_pipe("al_ner").calls == [(4, 1, 0.0, "head")]


def test_random_needs_no_model(fake_nlp: Language) -> None:
    result = score_pool(fake_nlp, TEXTS, build("strategy", "random", seed=3), progress=False)
    expected = np.random.default_rng(3).random(len(TEXTS))
    expected[2] = 0.0
    assert result.scores.tolist() == expected.tolist()
    assert fake_nlp.get_pipe("al_ner").calls == []


def test_upstream_components_run_first(fake_nlp: Language) -> None:
    if not Language.has_factory("spacy_al_test_mark"):

        @Language.component("spacy_al_test_mark")
        def mark(doc: Doc) -> Doc:
            doc.user_data["marked"] = True
            return doc

    fake_nlp.add_pipe("spacy_al_test_mark", first=True)
    marks: list[bool] = []
    fake_nlp.get_pipe("al_ner").on_predict = lambda docs: marks.extend(
        d.user_data.get("marked", False) for d in docs
    )
    score_pool(fake_nlp, TEXTS, "mnlp", progress=False)
    assert marks == [True] * 4


def test_score_batches_yields_docs_with_scores(fake_nlp: Language) -> None:
    batches = list(score_batches(fake_nlp, TEXTS, "mnlp", batch_size=2))
    assert [len(docs) for docs, _ in batches] == [2, 2, 1]
    assert [doc.text for docs, _ in batches for doc in docs] == TEXTS
    assert all(len(docs) == len(scores) for docs, scores in batches)


def test_reads_a_spacy_file(fake_nlp: Language, tmp_path: Path) -> None:
    path = tmp_path / "pool.spacy"
    DocBin(docs=docs_of(fake_nlp)).to_disk(path)
    result = score_pool(fake_nlp, path, "mnlp", k=1, progress=False)
    assert result.n_tokens.tolist() == [3, 3, 0, 2, 1]
    assert result.top_k.tolist() == [1]


def test_reads_a_jsonl_file(fake_nlp: Language, tmp_path: Path) -> None:
    path = tmp_path / "pool.jsonl"
    srsly.write_jsonl(path, [{"text": "the cat"}, {"text": "WHO IS"}])
    result = score_pool(fake_nlp, str(path), "mnlp", progress=False)
    assert result.top_k.tolist() == [1, 0]


def test_helpful_errors(fake_nlp: Language, fake_ner: ModuleType) -> None:
    with pytest.raises(ConfigError, match="no component 'tagger'"):
        score_pool(fake_nlp, TEXTS, "mnlp", component="tagger", progress=False)
    with pytest.raises(ConfigError, match="batch_size"):
        score_pool(fake_nlp, TEXTS, "mnlp", batch_size=0, progress=False)


def test_real_al_ner_scores_a_pool(tok2vec_nlp: Language) -> None:
    texts = ["Angela Merkel visited Paris .", "", "Nothing to see here .", "Kofi Annan met Apple ."]
    for name in ["mnlp", "token_entropy", "least_confidence", "margin", "random"]:
        result = score_pool(tok2vec_nlp, texts, name, batch_size=2, k=2, progress=False)
        assert result.scores.shape == (4,) and np.all(np.isfinite(result.scores))
        assert result.scores[1] == 0.0 and 1 not in result.top_k
    bald = score_pool(tok2vec_nlp, texts, "bald", batch_size=3, progress=False)
    assert np.all(bald.scores[[0, 2, 3]] > 0), "MC-dropout samples differ"
    full = score_pool(tok2vec_nlp, texts, "bald", mc_dropout="full", n_samples=4, progress=False)
    assert np.all(full.scores[[0, 2, 3]] > 0)


def test_real_al_ner_batch_size_invariance(tok2vec_nlp: Language) -> None:
    texts = ["Angela Merkel visited Paris .", "Apple hired John Smith in London ."] * 3
    one = score_pool(tok2vec_nlp, texts, "mnlp", batch_size=1, progress=False)
    many = score_pool(tok2vec_nlp, texts, "mnlp", batch_size=6, progress=False)
    assert one.scores == pytest.approx(many.scores, rel=1e-4, abs=1e-6)


def test_length_batches_group_similar_lengths_ties_in_given_order() -> None:
    from spacy_al.pipeline.pool_scoring import length_batches

    batches = length_batches([5, 1, 3, 1, 4, 3], 2)
    assert [b.tolist() for b in batches] == [[1, 3], [2, 5], [4, 0]]
    assert length_batches([], 4) == []
