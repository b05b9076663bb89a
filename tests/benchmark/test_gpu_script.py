"""The GPU path (benchmarks/al_gpu.sh) on the CPU: every launched row writes its files.

A GPU lease is minutes long, so the script must work the first time it runs there: this
runs it end to end as its dry run (``GPU_ID=-1``) with a tiny local BERT, two strategies,
one seed, one round and a few sentences of both corpora.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.corpora


def test_gpu_script_dry_run_writes_every_row(corpora_dir: Path, tiny_bert_path: Path,
                                             tmp_path: Path) -> None:
    if not (corpora_dir / "ontonotes5" / "test_conll2012.txt").is_file():
        pytest.skip("the OntoNotes test split is not in the shared corpora")
    env = {**os.environ, "PYTHON": sys.executable, "GPU_ID": "-1", "CORPORA": str(corpora_dir),
           "AL_STRATEGIES": "random mnlp", "AL_SEEDS": "0",
           "AL_EXTRA": f"--pool-sample 60 --test-limit 20 --max-rounds 1 "
                       f"--model-name {tiny_bert_path}"}
    done = subprocess.run(["bash", str(REPO / "benchmarks" / "al_gpu.sh"), str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=900)
    logs = "".join(p.read_text() for p in (tmp_path / "logs").glob("*.log"))
    assert done.returncode == 0, done.stdout + done.stderr + logs
    for corpus in ("conll2003", "ontonotes5"):
        folder = tmp_path / f"{corpus}-transformer"
        rows = [json.loads(line) for line in (folder / "results.jsonl").open()]
        assert sorted((r["strategy"], r["round"]) for r in rows) == [
            ("full", 0), ("mnlp", 0), ("mnlp", 1), ("random", 0), ("random", 1)]
        assert all(r["hardware"].startswith("CPU") and r["corpus"] == corpus for r in rows)
        assert {"summary.md", "learning_curve.png", "settings.json"} <= {
            p.name for p in folder.iterdir()}
        assert not (folder / ".checkpoints").exists()
    whole = tmp_path / "ontonotes5-whole-transformer"
    rows = [json.loads(line) for line in (whole / "results.jsonl").open()]
    assert [(r["strategy"], r["seed"]) for r in rows] == [("full", 0)]
    assert (whole / "summary.md").read_text().startswith("# Active-learning benchmark")
