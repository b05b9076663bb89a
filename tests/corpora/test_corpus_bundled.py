"""The openly licensed samples shipped in corpora/ (WikiGold, WNUT-17; CC-BY 4.0)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.vocab import Vocab

from spacy_al.corpora import corpus_stats, detect_conll_scheme, read_conll, read_docs

BUNDLED = Path(__file__).resolve().parents[2] / "corpora"

# file: (sentences, tokens, entities, per type, documents)
EXPECTED = {
    "wikigold/train.conll": (1399, 32158, 2904,
                             {"LOC": 833, "MISC": 515, "ORG": 777, "PER": 779}, 116),
    "wikigold/dev.conll": (297, 6849, 654, {"LOC": 181, "MISC": 197, "ORG": 121, "PER": 155}, 29),
    "wnut17/train.conll": (300, 5775, 156, {"corporation": 15, "creative-work": 13, "group": 10,
                                            "location": 43, "person": 67, "product": 8}, 0),
    "wnut17/dev.conll": (100, 1626, 101, {"creative-work": 9, "group": 2, "location": 13,
                                          "person": 60, "product": 17}, 0),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundled_counts(name: str) -> None:
    sentences, tokens, entities, per_type, documents = EXPECTED[name]
    docs = list(read_docs(BUNDLED / name, Vocab()))
    stats = corpus_stats(docs)
    assert (stats["sentences"], stats["tokens"], stats["entities"]) == (
        sentences, tokens, entities)
    assert stats["per_type"] == per_type
    assert len({d.user_data["document"] for d in docs if "document" in d.user_data}) == documents
    expected_scheme = "IO" if name.startswith("wikigold") else "IOB2"
    assert detect_conll_scheme(BUNDLED / name) == expected_scheme


def test_bundled_files_are_small_and_attributed() -> None:
    files = [p for p in BUNDLED.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 400_000
    for corpus in ("wikigold", "wnut17"):
        attribution = (BUNDLED / corpus / "ATTRIBUTION.md").read_text(encoding="utf-8")
        assert "CC-BY 4.0" in attribution
    assert "Balasuriya" in (BUNDLED / "wikigold" / "ATTRIBUTION.md").read_text(encoding="utf-8")


@pytest.mark.corpora
def test_wikigold_split_holds_every_source_sentence(shared_corpora: Path) -> None:
    def sentences(path: Path) -> list[tuple[str, tuple[tuple[str, int, int], ...]]]:
        return [(d.text, tuple((e.label_, e.start, e.end) for e in d.ents))
                for d in read_conll(path, Vocab())]

    source = sentences(shared_corpora / "wikigold" / "wikigold.conll.txt")
    split = sentences(BUNDLED / "wikigold/train.conll") + sentences(BUNDLED / "wikigold/dev.conll")
    assert sorted(split) == sorted(source)


@pytest.mark.corpora
@pytest.mark.parametrize(("name", "source"), [("train", "train.txt"), ("dev", "dev.txt")])
def test_wnut_sample_is_a_prefix(shared_corpora: Path, name: str, source: str) -> None:
    sample = (BUNDLED / "wnut17" / f"{name}.conll").read_bytes()
    assert (shared_corpora / "wnut17" / source).read_bytes().startswith(sample)
