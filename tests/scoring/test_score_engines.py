"""``spacy-al score``: ranked tasks from a pool; the Ray engine writes the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import spacy
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.corpora import read_docs
from spacy_al.errors import ConfigError
from spacy_al.pipeline.pool_scoring import score_pool
from spacy_al.scoring import score_to_jsonl
from spacy_al.scoring.chunks import ChunkScorer, ScoreSpec
from spacy_al.tasks import input_hash_of, task_hash_of
from tests.conftest import SENTENCES

BALD = {"n_samples": 4}


@pytest.fixture
def pool_txt(tmp_path: Path) -> Path:
    """45 lines: the sentences over and over (equal scores: ties) and a few new ones."""
    lines = [SENTENCES[i % len(SENTENCES)] for i in range(40)]
    lines += ["Grace Hopper joined the Navy .", "Paris", ". . .", "Bern is in Switzerland .",
              "Linus Torvalds wrote Linux in Helsinki ."]
    path = tmp_path / "pool.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


def read_tasks(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf8").splitlines()]


def test_tasks_are_ranked_prodigy_tasks(tok2vec_nlp_path: Path, pool_txt: Path,
                                        tmp_path: Path) -> None:
    out = tmp_path / "ranked.jsonl"
    report = score_to_jsonl(tok2vec_nlp_path, pool_txt, out, strategy="mnlp", batch_size=8)
    tasks = read_tasks(out)
    assert report.entries == 45 and report.written == len(tasks) == 45
    scores = [t["meta"]["score"] for t in tasks]
    assert scores == sorted(scores, reverse=True)
    for earlier, later in zip(tasks, tasks[1:], strict=False):  # ties: lower pool index first
        if earlier["meta"]["score"] == later["meta"]["score"]:
            assert earlier["meta"]["pool_index"] < later["meta"]["pool_index"]
    pairs = zip(tasks, tasks[1:], strict=False)
    assert sum(a["meta"]["score"] == b["meta"]["score"] for a, b in pairs) > 10
    for task in tasks:
        assert task["meta"]["strategy"] == "mnlp" and task["meta"]["model"] == str(
            tok2vec_nlp_path)
        assert task["_input_hash"] == input_hash_of({"text": task["text"]})
        assert task["_task_hash"] == task_hash_of(task["_input_hash"], {"text": task["text"]})
        assert task["meta"]["source"] == f"{pool_txt}:{task['meta']['pool_index'] + 1}"
    nlp = spacy.load(tok2vec_nlp_path)
    expected = score_pool(nlp, read_docs(pool_txt, nlp.vocab, tokenizer=nlp.make_doc),
                          "mnlp", progress=False).scores
    best = tasks[0]["meta"]["pool_index"]
    assert scores[0] == pytest.approx(float(expected.max()), rel=1e-5)
    assert expected[best] == pytest.approx(expected.max(), rel=1e-5)
    docs = list(read_docs(out, nlp.vocab, loader="jsonl"))  # our reader takes them back
    assert [d.text for d in docs] == [t["text"] for t in tasks]
    assert [d.user_data["_input_hash"] for d in docs] == [t["_input_hash"] for t in tasks]
    assert [[tok.text for tok in d] for d in docs] == [[t["text"] for t in task["tokens"]]
                                                       for task in tasks]


def test_chunks_are_seeded_by_their_start(tok2vec_nlp_path: Path) -> None:
    scorer = ChunkScorer(ScoreSpec(str(tok2vec_nlp_path), "bald", BALD, batch_size=4, seed=3))
    tokens = [[{"text": w, "ws": True} for w in text.split()] for text in SENTENCES[:4]]
    first = scorer.score(8, tokens).scores
    scorer.score(0, tokens)  # whatever ran before
    assert scorer.score(8, tokens).scores.tobytes() == first.tobytes()
    assert scorer.score(12, tokens).scores.tobytes() != first.tobytes()
    assert (first > 0).all()
    rand = ChunkScorer(ScoreSpec(str(tok2vec_nlp_path), "random", seed=3))
    assert rand.score(4, tokens).scores.tolist() == rand.score(4, tokens).scores.tolist()


def test_top_selector_and_pool_cache(tok2vec_nlp_path: Path, pool_txt: Path,
                                     tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    full, top = tmp_path / "full.jsonl", tmp_path / "top.jsonl"
    first = score_to_jsonl(tok2vec_nlp_path, pool_txt, full, strategy="bald", options=BALD,
                           batch_size=8, pool_cache=cache)
    again = score_to_jsonl(tok2vec_nlp_path, pool_txt, top, strategy="bald", options=BALD,
                           batch_size=8, pool_cache=cache, top=5)
    assert not first.pool_reused and again.pool_reused
    assert full.read_text(encoding="utf8").splitlines()[:5] == top.read_text(
        encoding="utf8").splitlines()
    from spacy_al.store.arrow_pool import open_pool

    stored = open_pool(cache)
    best = read_tasks(top)[0]
    assert stored.last_scores[best["meta"]["pool_index"]] == best["meta"]["score"]
    assert stored.info["last_scoring"]["strategy"] == "bald"
    diverse = tmp_path / "diverse.jsonl"
    score_to_jsonl(tok2vec_nlp_path, pool_txt, diverse, top=5, batch_size=8,
                   selector="spacy-al.DiverseTopK.v1", pool_cache=cache)
    texts = [t["text"] for t in read_tasks(diverse)]
    assert len(texts) == 5 and len(set(texts)) == 5  # duplicates never twice


def test_cli_writes_tasks_and_reports_errors(tok2vec_nlp_path: Path, pool_txt: Path,
                                             tmp_path: Path) -> None:
    out = tmp_path / "cli.jsonl"
    args = ["score", str(tok2vec_nlp_path), str(pool_txt), str(out), "--strategy", "bald",
            "--n-samples", "4", "--top", "3", "--batch-size", "8"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Scored 45 sentences" in result.output and "wrote 3 tasks" in result.output
    assert len(read_tasks(out)) == 3
    bad = CliRunner().invoke(app, [*args[:4], "--engine", "spark"])
    assert bad.exit_code == 1 and "Unknown engine 'spark'" in bad.output
    bad = CliRunner().invoke(app, [*args[:4], "--selector", "nope"])
    assert bad.exit_code == 1 and "No selector named 'nope'" in bad.output


def test_missing_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from spacy_al.scoring.ray_engine import import_ray

    real_import = builtins.__import__

    def no_ray(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(ConfigError, match=r"pip install 'spacy-al\[ray\]'"):
        import_ray()


def test_ray_engine_writes_the_same_bytes(tok2vec_nlp_path: Path, pool_txt: Path,
                                          tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    runs = {"bald": {"strategy": "bald", "options": BALD}, "random": {"strategy": "random"},
            "mnlp": {"strategy": "mnlp"},
            "diverse": {"strategy": "mnlp", "top": 6, "selector": "spacy-al.DiverseTopK.v1"}}
    for name, run in runs.items():
        score_to_jsonl(tok2vec_nlp_path, pool_txt, tmp_path / f"local-{name}.jsonl",
                       batch_size=4, **run)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        for name, run in runs.items():
            report = score_to_jsonl(tok2vec_nlp_path, pool_txt, tmp_path / f"ray-{name}.jsonl",
                                    batch_size=4, engine="ray", num_workers=2,
                                    **run)
            assert report.engine == "ray" and report.entries == 45
        score_to_jsonl(tok2vec_nlp_path, pool_txt, tmp_path / "ray-2cpus.jsonl", batch_size=4,
                       engine="ray", num_workers=1, cpus_per_worker=2)  # 2 torch threads
    finally:
        ray.shutdown()
    assert (tmp_path / "ray-2cpus.jsonl").read_bytes() == (
        tmp_path / "local-mnlp.jsonl").read_bytes()
    with pytest.raises(ConfigError, match="--cpus-per-worker must be >= 1"):
        score_to_jsonl(tok2vec_nlp_path, pool_txt, tmp_path / "x.jsonl", engine="ray",
                       cpus_per_worker=0)
    for name in runs:
        local = tmp_path / f"local-{name}.jsonl"
        assert (tmp_path / f"ray-{name}.jsonl").read_bytes() == local.read_bytes(), name
        assert len({t["meta"]["score"] for t in read_tasks(local)}) > 5
    assert len({t["text"] for t in read_tasks(tmp_path / "local-diverse.jsonl")}) == 6


def test_chunks_are_put_back_in_pool_order() -> None:
    from spacy_al.scoring.chunks import ChunkScores
    from spacy_al.scoring.local_engine import assemble

    parts = [ChunkScores(4, np.array([3.0, 4.0])), ChunkScores(0, np.arange(4.0))]
    assert assemble(6, parts).scores.tolist() == [0, 1, 2, 3, 3, 4]
    with pytest.raises(ConfigError, match="do not tile"):
        assemble(6, parts[:1])


def test_a_worker_takes_the_torch_threads_it_is_given(tok2vec_nlp_path: Path) -> None:
    import torch

    from spacy_al.scoring.chunks import ChunkScorer, ScoreSpec

    before = torch.get_num_threads()
    try:
        ChunkScorer(ScoreSpec(str(tok2vec_nlp_path), threads=1))
        assert torch.get_num_threads() == 1
        torch.set_num_threads(2)
        ChunkScorer(ScoreSpec(str(tok2vec_nlp_path)))  # 0: left as the process has them
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
