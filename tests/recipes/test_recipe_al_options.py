"""``ner.al-correct`` / ``ner.al-teach`` options: ``--loader`` and the hf columns,
``--annotations-per-task`` and ``--patterns`` (thread worker, small tok2vec model)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from spacy_al.errors import CorpusFormatError
from spacy_al.recipe_runtime import parse_recipe_args
from spacy_al.recipes.ner_al import al_correct, al_teach
from tests.recipe_runtime.test_patterns import write_patterns

CONLL2003 = ("-DOCSTART- -X- -X- O\n\nACME NNP B-NP B-ORG\nrejects VBZ B-VP O\nDutch JJ B-NP "
             "B-MISC\ncall NN I-NP O\n\nAnna NNP B-NP B-PER\nBerglund NNP I-NP I-PER\n\n"
             "-DOCSTART- -X- -X- O\n\nUTRECHT NNP B-NP B-LOC\n2026-08-22 CD I-NP O\n")


def _tasks(components: dict, n: int = 50, timeout: float = 60.0) -> list[dict]:
    stream = components["stream"]
    deadline = time.monotonic() + timeout
    while not stream.complete:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return stream.next_batch("ds-a", n)


@pytest.mark.parametrize("func", [al_correct, al_teach])
def test_arguments_parse(func: object) -> None:
    kwargs = parse_recipe_args(func, [  # type: ignore[arg-type]
        "ds", "tok2vec", "data", "--loader", "hf", "--split", "validation",
        "--tokens-column", "words", "--tags-column", "tags", "--text-column", "sentence",
        "--annotations-per-task", "2", "--patterns", "p.jsonl"])
    assert kwargs["loader"] == "hf" and kwargs["split"] == "validation"
    assert kwargs["tokens_column"] == "words" and kwargs["tags_column"] == "tags"
    assert kwargs["text_column"] == "sentence" and kwargs["annotations_per_task"] == 2
    assert kwargs["patterns"] == "p.jsonl"
    short = parse_recipe_args(func, ["ds", "tok2vec", "data", "-lo", "conll",  # type: ignore[arg-type]
                                     "-pt", "q.jsonl"])
    assert short["loader"] == "conll" and short["patterns"] == "q.jsonl"


def test_conll_txt_with_loader_conll_gives_whole_sentences(tok2vec_nlp_path: Path,
                                                          tmp_path: Path) -> None:
    source = tmp_path / "sentences.txt"
    source.write_text(CONLL2003)
    components = al_correct("ds", str(tok2vec_nlp_path), str(source), loader="conll",
                            worker="thread", output=str(tmp_path / "out"),
                            annotations_per_task=2)
    try:
        tasks = _tasks(components)
        assert sorted(t["text"] for t in tasks) == ["ACME rejects Dutch call", "Anna Berglund",
                                                   "UTRECHT 2026-08-22"]
        assert components["config"]["annotations_per_task"] == 2
    finally:
        components["on_exit"](None)
    with pytest.raises(CorpusFormatError, match="unknown loader 'xml'"):
        al_correct("ds", str(tok2vec_nlp_path), str(source), loader="xml", worker="thread")


def test_bad_patterns_fail_before_the_worker_starts(tok2vec_nlp_path: Path, texts_jsonl: Path,
                                                   tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "ORG"}\n')
    with pytest.raises(CorpusFormatError, match="bad.jsonl, line 1"):
        al_correct("ds", str(tok2vec_nlp_path), str(texts_jsonl), patterns=str(bad),
                   worker="thread")


@pytest.mark.parametrize("worker", ["thread", "process"])  # process: the spec is pickled
def test_al_correct_pre_annotates_with_patterns_while_untrained(
        texts_jsonl: Path, tmp_path: Path, worker: str) -> None:
    patterns = write_patterns(tmp_path / "p.jsonl", [{"label": "LOC", "pattern": "Geneva"}])
    components = al_correct("ds", "tok2vec", str(texts_jsonl), worker=worker,
                            label=["PER", "ORG", "LOC"], output=str(tmp_path / "out"),
                            patterns=str(patterns))
    try:
        tasks = _tasks(components, timeout=180.0)
        assert tasks[0]["text"].startswith("The UN met in Geneva")
        assert tasks[0]["spans"] == [{"start": 14, "end": 20, "token_start": 4, "token_end": 4,
                                      "label": "LOC", "source": "pattern"}]
        assert all(t["spans"] == [] for t in tasks[1:])  # the new model's guesses are not shown
    finally:
        components["on_exit"](None)


def test_al_correct_with_a_trained_model_adds_pattern_suggestions(
        tok2vec_nlp_path: Path, texts_jsonl: Path, tmp_path: Path) -> None:
    patterns = write_patterns(tmp_path / "p.jsonl", [{"label": "LOC", "pattern": "Geneva"},
                                                     {"label": "ORG", "pattern": "UN"}])
    components = al_correct("ds", str(tok2vec_nlp_path), str(texts_jsonl), worker="thread",
                            output=str(tmp_path / "out"), patterns=str(patterns))
    try:
        tasks = _tasks(components)
        scores = [t["meta"]["score"] for t in tasks]
        assert scores == sorted(scores, reverse=True)  # a trained model's order: no boost
        un = next(t for t in tasks if t["text"].startswith("The UN met in Geneva"))
        assert {(s["token_start"], s["label"]) for s in un["spans"]} >= {(1, "ORG"), (4, "LOC")}
        for task in tasks:
            model = {t for s in task["spans"] if "source" not in s
                     for t in range(s["token_start"], s["token_end"] + 1)}
            assert all(s["token_start"] not in model for s in task["spans"]
                       if s.get("source") == "pattern")
    finally:
        components["on_exit"](None)


def test_al_teach_pattern_matches_are_candidates(tok2vec_nlp_path: Path, texts_jsonl: Path,
                                                 tmp_path: Path) -> None:
    patterns = write_patterns(tmp_path / "p.jsonl", [
        {"label": "LOC", "pattern": "Geneva"}, {"label": "PER", "pattern": [{"lower": "kofi"},
                                                                            {"lower": "annan"}]},
        {"label": "WEAPON", "pattern": "Paris"}])  # a label the model lacks: no task
    components = al_teach("ds", str(tok2vec_nlp_path), str(texts_jsonl), worker="thread",
                          output=str(tmp_path / "out"), patterns=str(patterns))
    try:
        tasks = _tasks(components, 200)
        matched = {(t["spans"][0]["token_start"], t["spans"][0]["label"]): t["meta"]["pattern"]
                   for t in tasks if "pattern" in t["meta"]}
        geneva = [t for t in tasks if t["text"].startswith("The UN")]
        assert all(len(t["spans"]) == 1 for t in tasks)
        assert {key for key in matched} <= {(4, "LOC"), (6, "PER")}
        spans = {(t["spans"][0]["token_start"], t["spans"][0]["label"]) for t in geneva}
        assert {(4, "LOC"), (6, "PER")} <= spans  # a model candidate already, or the pattern's
        assert set(matched.values()) <= {"1", "2"} and all(
            t["spans"][0]["label"] != "WEAPON" for t in tasks)
    finally:
        components["on_exit"](None)


def test_annotations_per_task_reaches_the_controller(tok2vec_nlp_path: Path, texts_jsonl: Path,
                                                     tmp_path: Path) -> None:
    from spacy_al.recipe_runtime.launch import build_controller

    controller = build_controller("ner.al-correct", [
        "ds", str(tok2vec_nlp_path), str(texts_jsonl), "--worker", "thread", "--output",
        str(tmp_path / "out"), "--annotations-per-task", "2", "--batch-size", "3"],
        db_path=tmp_path / "a.db")
    try:
        deadline = time.monotonic() + 60
        while not controller.stream.complete:  # the whole pool scored
            assert time.monotonic() < deadline
            time.sleep(0.05)
        first = controller.get_questions("a")["tasks"]
        controller.give_answers({"answers": [dict(t, answer="accept") for t in first],
                                 "session_id": "a"})
        second = controller.get_questions("b")["tasks"]
        assert [t["_input_hash"] for t in second] == [t["_input_hash"] for t in first]
        controller.give_answers({"answers": [dict(t, answer="accept") for t in second],
                                 "session_id": "b"})
        third = controller.get_questions("c")["tasks"]  # answered twice: c gets the others
        assert not {t["_input_hash"] for t in third} & {t["_input_hash"] for t in first}
    finally:
        controller.close()


def test_live_model_options_parse() -> None:
    kwargs = parse_recipe_args(al_correct, [  # type: ignore[arg-type]
        "ds", "tok2vec", "data", "--rescore-seconds", "5", "--score-only",
        "--min-confidence", "0.6", "--training", "benchmark", "--worker-threads", "2",
        "--frozen-layers", "2"])
    assert kwargs["rescore_seconds"] == 5.0 and kwargs["score_only"] is True
    assert kwargs["min_confidence"] == 0.6 and kwargs["training"] == "benchmark"
    assert kwargs["worker_threads"] == 2 and kwargs["frozen_layers"] == 2


def test_random_order_follows_the_seed(tok2vec_nlp_path: Path, tmp_path: Path) -> None:
    """ner.al-correct --strategy random --seed N: one order per N, the same for the same N."""
    from spacy_al.recipe_runtime.launch import build_controller

    source = Path(__file__).resolve().parents[2] / "corpora" / "wikigold" / "train.conll"

    def first_questions(seed: int, run: str) -> list[int]:
        controller = build_controller("ner.al-correct", [
            "ds", str(tok2vec_nlp_path), str(source), "--worker", "thread", "--limit", "100",
            "--output", str(tmp_path / run), "--strategy", "random", "--seed", str(seed),
            "--batch-size", "10", "--pool-cache", str(tmp_path / "pools")],
            db_path=tmp_path / f"{run}.db")
        try:
            deadline = time.monotonic() + 60
            while not controller.stream.complete:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            return [t["_input_hash"] for t in controller.get_questions("a")["tasks"]]
        finally:
            controller.close()

    one, again, other = first_questions(1, "a"), first_questions(1, "b"), first_questions(2, "c")
    assert one == again and one != other
