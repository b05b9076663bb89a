"""ArrowItems: an Arrow pool read as {input hash: PoolItem}, pickled as its folder."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import spacy

from spacy_al.store.arrow_pool import write_pool
from spacy_al.store.pool_items import ArrowItems, items_of
from spacy_al.tasks import doc_item
from tests.conftest import SENTENCES


def _items() -> list:
    nlp = spacy.blank("en")
    items = []
    for i, text in enumerate(SENTENCES):
        doc = nlp.make_doc(text)
        doc.user_data["source"] = f"pool.txt:{i + 1}"
        items.append(doc_item(doc))
    return items


@pytest.fixture
def pool(tmp_path: Path) -> tuple[ArrowItems, list]:
    items = _items()
    return ArrowItems(write_pool(iter(items), tmp_path / "pool", source="pool.txt")), items


def test_mapping_of_the_pool_in_pool_order(pool: tuple[ArrowItems, list]) -> None:
    arrow, items = pool
    assert len(arrow) == len(items) == len(SENTENCES)
    assert list(arrow) == [item.input_hash for item in items]
    for item in items:
        assert item.input_hash in arrow
        got = arrow[item.input_hash]
        assert (got.input_hash, got.text, got.tokens, got.meta) == (
            item.input_hash, item.text, item.tokens, item.meta)
    assert arrow.get(items[3].input_hash).text == SENTENCES[3]


@pytest.mark.parametrize("key", [12345, -1, 2**70, "x", None, 1.5, True])
def test_keys_the_pool_does_not_hold(pool: tuple[ArrowItems, list], key: object) -> None:
    arrow, _ = pool
    assert key not in arrow and arrow.get(key) is None  # type: ignore[call-overload]
    with pytest.raises(KeyError):
        arrow[key]  # type: ignore[index]


def test_batched_reads_keep_the_order_asked(pool: tuple[ArrowItems, list]) -> None:
    arrow, items = pool
    wanted = [items[5].input_hash, 999, items[0].input_hash, items[5].input_hash]
    assert [i.text for i in arrow.get_many(wanted)] == [SENTENCES[5], SENTENCES[0], SENTENCES[5]]
    as_dict = {item.input_hash: item for item in items}
    assert [i.text for i in items_of(as_dict, wanted)] == [i.text for i in items_of(arrow, wanted)]
    assert arrow.get_many([]) == []


def test_pickles_as_its_folder(pool: tuple[ArrowItems, list]) -> None:
    arrow, items = pool
    data = pickle.dumps(arrow)
    assert len(data) < 1000  # a path, not the sentences
    again = pickle.loads(data)
    assert isinstance(again, ArrowItems) and list(again) == list(arrow)
    assert again[items[-1].input_hash].tokens == items[-1].tokens


def test_served_in_changes_the_order_only(pool: tuple[ArrowItems, list]) -> None:
    arrow, items = pool
    rows = np.arange(len(items))[::-1]
    served = arrow.served_in(rows)
    assert list(served) == [item.input_hash for item in reversed(items)]
    assert list(arrow) == [item.input_hash for item in items]  # the original is unchanged
    assert served[items[0].input_hash] == arrow[items[0].input_hash] == items[0]
    with pytest.raises(ValueError, match="one row per entry"):
        arrow.served_in(rows[:-1])


def test_the_sources_spans_come_back(tmp_path: Path) -> None:
    items = _items()[:2]
    items[0].spans = [{"start": 0, "end": 3, "token_start": 0, "token_end": 0, "label": "X",
                       "answer": "accept"}]
    arrow = ArrowItems(write_pool(iter(items), tmp_path / "pool"))
    assert arrow[items[0].input_hash].spans == items[0].spans
    assert arrow[items[1].input_hash].spans == []
