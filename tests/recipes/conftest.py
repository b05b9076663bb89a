"""Fixtures of the recipe tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from tests.conftest import SENTENCES

TEXTS = SENTENCES[:6]


@pytest.fixture
def texts_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "texts.jsonl"
    records: list[dict] = [{"text": text} for text in TEXTS]
    records[0]["spans"] = [{"start": 0, "end": 13, "label": "PER"}]
    srsly.write_jsonl(path, records)
    return path
