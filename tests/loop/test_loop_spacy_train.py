"""A tiny active-learning loop through a real ``python -m spacy train`` (tok2vec, WikiGold)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import spacy

from spacy_al.loop import LoopState
from tests.conftest import REPO

POOL = REPO / "corpora" / "wikigold" / "train.conll"
DEV = REPO / "corpora" / "wikigold" / "dev.conll"
# Until the entry point of spacy-al.ActiveLearningCorpus.v1 is installed, --code registers it.
REGISTER = "import spacy_al.loop  # noqa: F401\n"


def spacy_train(config: str, tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess:
    code = tmp_path / "register.py"
    code.write_text(REGISTER, encoding="utf8")
    cmd = [sys.executable, "-m", "spacy", "train", str(REPO / "configs" / config),
           "--code", str(code), "--paths.train", str(POOL), "--paths.dev", str(DEV),
           "--paths.al_output", str(tmp_path / "al"), "--output", str(tmp_path / "out"),
           "--corpora.dev.limit", "60", "--training.eval_frequency", "20", *overrides]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_spacy_train_runs_the_loop(tmp_path: Path) -> None:
    result = spacy_train(
        "al_loop_tok2vec.cfg", tmp_path,
        "--corpora.train.limit", "300", "--corpora.train.seed_size", "0.05",
        "--corpora.train.query_size", "0.05", "--corpora.train.acquire_every", "1",
        "--corpora.train.max_rounds", "2", "--training.max_steps", "40",
        "--components.al_ner.model.tok2vec.embed.width", "32",
        "--components.al_ner.model.tok2vec.encode.width", "32",
    )
    state = LoopState.load(tmp_path / "al" / "al_state.json")
    assert [r.round for r in state.rounds] == [0, 1, 2]
    query = round(0.05 * state.rounds[0].pool_tokens)
    growth = [b.labelled_tokens - a.labelled_tokens
              for a, b in zip(state.rounds, state.rounds[1:], strict=False)]
    assert all(query - 60 < g <= query for g in growth), growth
    counts = [len(r.selected) for r in state.rounds]
    assert [sum(counts[: i + 1]) for i in range(3)] == [r.labelled_sentences for r in state.rounds]
    assert len(state.selected) == len(set(state.selected)) == state.rounds[-1].labelled_sentences
    assert all(r.dev is not None for r in state.rounds[1:])
    assert "AL round 2" in result.stderr
    pipe: Any = spacy.load(tmp_path / "out" / "model-last").get_pipe("al_ner")
    assert list(pipe.labels) == ["LOC", "MISC", "ORG", "PER"]


def test_transformer_config_runs_the_loop(tmp_path: Path, tiny_bert_path: Path) -> None:
    spacy_train(
        "al_loop.cfg", tmp_path,
        "--corpora.train.limit", "60", "--corpora.train.seed_size", "0.2",
        "--corpora.train.query_size", "0.2", "--corpora.train.acquire_every", "1",
        "--corpora.train.max_rounds", "1", "--training.max_steps", "6",
        "--components.al_ner.model.name", str(tiny_bert_path),
    )
    state = LoopState.load(tmp_path / "al" / "al_state.json")
    assert [r.round for r in state.rounds] == [0, 1]


DIVERSE_BLOCKS = """[corpora.train.selector]
@al_selectors = "spacy-al.DiverseTopK.v1"
candidates = 2
min_distance = 0.05

[corpora.train.stopper]
@al_stoppers = "spacy-al.StabilizingPredictions.v1"
threshold = 0.9
window = 1
"""


def test_spacy_train_with_selector_and_stopper_blocks(tmp_path: Path) -> None:
    text = (REPO / "configs" / "al_loop_tok2vec.cfg").read_text(encoding="utf8")
    start = text.index("[corpora.train.selector]")
    end = text.index("[corpora.dev]")
    config = tmp_path / "diverse.cfg"
    config.write_text(text[:start] + DIVERSE_BLOCKS + "\n" + text[end:], encoding="utf8")
    result = spacy_train(
        str(config), tmp_path,
        "--corpora.train.limit", "300", "--corpora.train.seed_size", "0.05",
        "--corpora.train.query_size", "0.05", "--corpora.train.acquire_every", "1",
        "--corpora.train.max_rounds", "3", "--corpora.train.stop_set_size", "100",
        "--training.max_steps", "50",
        "--components.al_ner.model.tok2vec.embed.width", "32",
        "--components.al_ner.model.tok2vec.encode.width", "32",
    )
    state = LoopState.load(tmp_path / "al" / "al_state.json")
    assert state.settings["selector"] == {"@selectors": "spacy-al.DiverseTopK.v1",
                                          "candidates": 2, "fill": 0.95,
                                          "min_distance": 0.05}
    assert [r.round for r in state.rounds] == [0, 1, 2, 3]
    assert state.rounds[1].stop_kappa is None  # the first model tagged: nothing to compare
    kappas = [r.stop_kappa for r in state.rounds[2:]]
    assert all(k is not None and -1.0 <= k <= 1.0 for k in kappas), kappas
    assert all(r.stop_uncertainty is not None for r in state.rounds[1:])
    assert state.rounds[3].stopped == (kappas[-1] >= 0.9 or kappas[0] >= 0.9)  # type: ignore[operator]
    assert len(state.selected) == len(set(state.selected))
    assert "stop-set kappa" in result.stderr
