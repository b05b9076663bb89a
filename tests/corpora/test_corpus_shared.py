"""Exact counts on every corpus file in ../shared/corpora (skipped where the folder is absent).

Expected numbers are hard-coded from each ``SOURCE.md``; for the nine CoNLL-2012
``.gold_conll`` files they were counted once with awk (rows, blank-line sentence ends and
``(`` openings in column 11), independently of this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spacy.vocab import Vocab

from spacy_al.corpora import corpus_stats, detect_conll_scheme, read_conll, read_ontonotes

pytestmark = pytest.mark.corpora

TAB = {"sep": "\t"}
MIT = {"sep": "\t", "token_col": 1, "tag_col": 0}
C03 = ("LOC", "MISC", "ORG", "PER")
WNUT = ("corporation", "creative-work", "group", "location", "person", "product")
MIT_TYPES = ("Amenity", "Cuisine", "Dish", "Hours", "Location", "Price", "Rating",
             "Restaurant_Name")
ONTO = ("CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP",
        "ORDINAL", "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART")

# file: (options, scheme, sentences, tokens, entities, per-type counts in the order above)
Expected = tuple[dict[str, Any], str, int, int, int, tuple[str, ...], tuple[int, ...]]
BIO_FILES: dict[str, Expected] = {
    "conll2003/train.txt": ({}, "IOB1", 14041, 203621, 23499, C03, (7140, 3438, 6321, 6600)),
    "conll2003/dev.txt": ({}, "IOB1", 3250, 51362, 5942, C03, (1837, 922, 1341, 1842)),
    "conll2003/test.txt": ({}, "IOB1", 3453, 46435, 5648, C03, (1668, 702, 1661, 1617)),
    "wikigold/wikigold.conll.txt": ({}, "IO", 1696, 39007, 3558, C03, (1014, 712, 898, 934)),
    "wnut17/train.txt": (TAB, "IOB2", 3394, 62730, 1975, WNUT, (221, 140, 264, 548, 660, 142)),
    "wnut17/dev.txt": (TAB, "IOB2", 1009, 15733, 836, WNUT, (34, 105, 39, 74, 470, 114)),
    "wnut17/test.txt": (TAB, "IOB2", 1287, 23394, 1079, WNUT, (66, 142, 165, 150, 429, 127)),
    "mit_restaurant/train.bio": (MIT, "IOB2", 7660, 70525, 15363, MIT_TYPES,
                                 (2541, 2839, 1475, 990, 3817, 730, 1070, 1901)),
    "mit_restaurant/dev.bio": (MIT, "IOB2", 815, 7449, 1712, MIT_TYPES,
                               (262, 245, 165, 123, 470, 98, 120, 229)),
    "mit_restaurant/test.bio": (MIT, "IOB2", 706, 6807, 1439, MIT_TYPES,
                                (271, 287, 123, 89, 342, 73, 81, 173)),
    "ontonotes5/train.txt": (TAB, "IOB2", 82103, 1633385, 128738, ONTO, (
        10901, 18791, 1009, 1158, 21938, 355, 459, 2160, 5217, 9341, 2195, 24163, 3802, 22035,
        992, 1240, 1703, 1279)),
    "ontonotes5/dev.txt": (TAB, "IOB2", 12678, 249271, 20354, ONTO, (
        1720, 3208, 179, 133, 3649, 35, 65, 316, 853, 1277, 335, 3798, 656, 3163, 214, 190, 361,
        202)),
    "ontonotes5/test.txt": (TAB, "IOB2", 8968, 170515, 12586, ONTO, (
        1005, 1787, 85, 149, 2546, 22, 44, 215, 355, 990, 207, 2002, 408, 2134, 90, 153, 225,
        169)),
    "ontonotes5/test_conll2012.txt": (TAB, "IOB2", 8262, 152728, 11257, ONTO, (
        935, 1602, 63, 135, 2240, 22, 40, 179, 314, 841, 195, 1795, 349, 1988, 76, 105, 212,
        166)),
}

# file: (document, sentences, tokens, per-type entity counts = "(" openings in column 11)
GOLD_CONLL: dict[str, tuple[str, int, int, dict[str, int]]] = {
    "conll-2012-test/bn/cnn/00/cnn_0009.gold_conll": ("bn/cnn/00/cnn_0009", 6, 107, {
        "DATE": 1, "EVENT": 1, "GPE": 1, "ORG": 1, "PERSON": 3, "WORK_OF_ART": 11}),
    "conll-2012-test/nw/wsj/23/wsj_2323.gold_conll": ("nw/wsj/23/wsj_2323", 5, 124, {
        "CARDINAL": 1, "GPE": 3, "MONEY": 1, "ORG": 9}),
    "development/bn/voa/00/voa_0010.gold_conll": ("bn/voa/00/voa_0010", 5, 129, {
        "CARDINAL": 2, "DATE": 1, "NORP": 4, "ORG": 10, "PERSON": 1}),
    "development/nw/wsj/00/wsj_0005.gold_conll": ("nw/wsj/00/wsj_0005", 3, 57, {
        "CARDINAL": 2, "ORG": 4, "PERCENT": 1, "PERSON": 2}),
    "train/bc/p2.5_c2e/00/p2.5_c2e_0027.gold_conll": ("bc/p2.5_c2e/00/p2.5_c2e_0027", 13, 194, {
        "DATE": 2, "GPE": 4, "QUANTITY": 2}),
    "train/bn/abc/00/abc_0006.gold_conll": ("bn/abc/00/abc_0006", 3, 53, {
        "DATE": 1, "GPE": 4, "LOC": 1, "NORP": 1, "PERSON": 1}),
    "train/bn/voa/00/voa_0001.gold_conll": ("bn/voa/00/voa_0001", 5, 98, {
        "CARDINAL": 1, "DATE": 3, "FAC": 1, "GPE": 5, "NORP": 8, "ORG": 2, "PERSON": 1}),
    "train/nw/wsj/02/wsj_0200.gold_conll": ("nw/wsj/02/wsj_0200", 2, 54, {
        "DATE": 1, "FAC": 1, "GPE": 1, "ORG": 1, "PERSON": 5, "WORK_OF_ART": 2}),
    "train/wb/sel/01/sel_0164.gold_conll": ("wb/sel/01/sel_0164", 1, 67, {}),
}
GOLD_ENTITIES = {"cnn_0009": 18, "wsj_2323": 14, "voa_0010": 18, "wsj_0005": 9,
                 "p2.5_c2e_0027": 8, "abc_0006": 8, "voa_0001": 21, "wsj_0200": 11, "sel_0164": 0}


@pytest.mark.parametrize("name", sorted(BIO_FILES))
def test_column_files_exact_counts(shared_corpora: Path, name: str) -> None:
    options, scheme, sentences, tokens, entities, types, per_type = BIO_FILES[name]
    docs = read_conll(shared_corpora / name, Vocab(), scheme=scheme, strict=True, **options)
    stats = corpus_stats(docs)
    assert (stats["sentences"], stats["tokens"], stats["entities"]) == (
        sentences, tokens, entities)
    assert stats["per_type"] == dict(zip(types, per_type, strict=True))


@pytest.mark.parametrize("name", sorted(n for n in BIO_FILES if n != "ontonotes5/train.txt"))
def test_scheme_detection(shared_corpora: Path, name: str) -> None:
    options, scheme = BIO_FILES[name][:2]
    assert detect_conll_scheme(shared_corpora / name, **options) == scheme


def test_auto_scheme_gives_the_same_counts(shared_corpora: Path) -> None:
    stats = corpus_stats(read_conll(shared_corpora / "conll2003/test.txt", Vocab()))
    assert (stats["sentences"], stats["tokens"], stats["entities"]) == (3453, 46435, 5648)


@pytest.mark.parametrize("name", sorted(GOLD_CONLL))
def test_gold_conll_files_exact_counts(shared_corpora: Path, name: str) -> None:
    document, sentences, tokens, per_type = GOLD_CONLL[name]
    docs = list(read_ontonotes(shared_corpora / "ontonotes5/conll2012_sample" / name, Vocab()))
    stats = corpus_stats(docs)
    assert (stats["sentences"], stats["tokens"], stats["per_type"]) == (
        sentences, tokens, per_type)
    assert stats["entities"] == GOLD_ENTITIES[document.rsplit("/", 1)[1]]
    assert {doc.user_data["document"] for doc in docs} == {f"{document}; part 000"}


def test_gold_conll_folder(shared_corpora: Path) -> None:
    folder = shared_corpora / "ontonotes5/conll2012_sample"
    docs = list(read_ontonotes(folder, Vocab()))
    stats = corpus_stats(docs)
    assert (stats["sentences"], stats["tokens"], stats["entities"]) == (43, 883, 107)
    per_document: dict[str, int] = {}
    for doc in docs:
        key = doc.user_data["document"].split(";")[0].rsplit("/", 1)[1]
        per_document[key] = per_document.get(key, 0) + len(doc.ents)
    assert per_document == GOLD_ENTITIES
    kept = list(read_ontonotes(folder, Vocab(), skip_docs_without_entities=True))
    assert len(kept) == 42  # sel_0164 (wb, one sentence) has no NE annotation


def test_gold_conll_entity_spans(shared_corpora: Path) -> None:
    path = shared_corpora / "ontonotes5/conll2012_sample/train/bn/voa/00/voa_0001.gold_conll"
    first, second = list(read_ontonotes(path, Vocab()))[:2]
    assert first.text == "I 'm David Coller , VOA News ."
    assert [(e.text, e.label_) for e in first.ents] == [("David Coller", "PERSON"),
                                                        ("VOA News", "ORG")]
    assert [(e.text, e.label_) for e in second.ents] == [
        ("Palestinians", "NORP"), ("the West Bank", "GPE"), ("Gaza", "GPE"), ("Sunday", "DATE"),
        ("a fourth straight day", "DATE")]
    assert first.user_data["source"] == f"{path}:2"
