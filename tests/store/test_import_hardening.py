"""``db-in`` against bad files: every one refused naming file and line, nothing written
(all or nothing per file); what it accepts exports; db-out -> db-in -> db-out is exact."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spacy_al.errors import ConfigError, CorpusFormatError, SpacyALError
from spacy_al.store.database import Database
from spacy_al.store.export import data_to_spacy, db_out
from spacy_al.store.importer import import_file
from spacy_al.tasks import doc_tokens, set_hashes

TEXT = "Ada Lovelace lived in London"
TOKENS = doc_tokens(spacy.blank("en")(TEXT))  # Ada 0-3, Lovelace 4-12, lived, in, London
SPAN = {"start": 0, "end": 12, "token_start": 0, "token_end": 1, "label": "PER"}


def _good(**extra: Any) -> dict[str, Any]:
    return {"text": TEXT, "tokens": TOKENS, "spans": [SPAN], "_session_id": "first", **extra}


def _bad(**change: Any) -> dict[str, Any]:
    return {**_good(), "_session_id": "second", **change}


BAD_LINES: dict[str, str] = {
    "input hash a string": json.dumps(_bad(_input_hash="abc")),
    "input hash over 64 bits": json.dumps(_bad(_input_hash=2**70)),
    "task hash a float": json.dumps(_bad(_task_hash=1.5)),
    "token_end beyond the tokens": json.dumps(_bad(spans=[{**SPAN, "token_end": 9}])),
    "negative token index": json.dumps(_bad(spans=[{**SPAN, "token_start": -1}])),
    "overlapping spans": json.dumps(_bad(spans=[SPAN, {**SPAN, "start": 4, "token_start": 1,
                                                       "label": "ORG"}])),
    "token indices against offsets": json.dumps(_bad(spans=[{**SPAN, "token_end": 2}])),
    "tokens against the text": json.dumps(_bad(tokens=[{**TOKENS[0], "text": "Bob"},
                                                       *TOKENS[1:]])),
    "span text against its tokens": json.dumps(_bad(spans=[{**SPAN, "text": "Ada"}])),
    "tokens a string": json.dumps(_bad(tokens="abc")),
    "spans a number": json.dumps(_bad(spans=5)),
    "span label a number": json.dumps(_bad(spans=[{**SPAN, "label": 3}])),
    "lone surrogate": json.dumps(_bad()).replace('"text": "Ada', '"text": "\\ud800Ada', 1),
    "deep nesting": '{"text": "a", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "NaN": json.dumps(_bad(meta={"score": float("nan")})),
    "session with a newline": json.dumps(_bad(_session_id="alice\n")),
    "session of another dataset": json.dumps(_bad(_session_id="gold")),
    "unknown answer": json.dumps(_bad(answer="maybe")),
    "not an object": "[1, 2]",
    "invalid JSON": '{"text": ',
}


@pytest.mark.parametrize("kind", sorted(BAD_LINES))
def test_every_bad_file_is_refused_whole_naming_file_and_line(tmp_path: Path, kind: str) -> None:
    db = Database(tmp_path / "bad.db")
    db.add_dataset("ds-gold")
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(_good()) + "\n" + BAD_LINES[kind] + "\n", encoding="utf8")
    with pytest.raises(CorpusFormatError) as caught:
        import_file(db, "ds", source)
    assert f"{source}, line 2:" in str(caught.value)
    assert "ds" not in db and "ds-first" not in db  # the good first line is not stored either


def test_a_spacy_file_that_is_not_a_docbin_names_the_file(tmp_path: Path) -> None:
    source = tmp_path / "broken.spacy"
    source.write_bytes(b"\x00not a DocBin at all")
    db = Database(tmp_path / "bad.db")
    with pytest.raises(CorpusFormatError, match=f"{source}: .*DocBin"):
        import_file(db, "ds", source)
    assert "ds" not in db


def test_sessions_of_a_file_stay_in_the_dataset_s_namespace(tmp_path: Path) -> None:
    db = Database(tmp_path / "ns.db")
    db.add_dataset("other_dataset")
    source = tmp_path / "s.jsonl"
    source.write_text(json.dumps(_good(_session_id="other_dataset")) + "\n")
    assert import_file(db, "ds", source).sessions == {"ds-other_dataset": 1}
    assert db.count("other_dataset") == 0
    db.add_dataset("ds-gold")
    with pytest.raises(ConfigError, match="--session: Invalid session_id 'gold.n'"):
        import_file(db, "ds", source, session="gold\n")  # validated in full too
    source.write_text(json.dumps({k: v for k, v in _good().items() if k != "_session_id"}))
    with pytest.raises(CorpusFormatError, match="line 1: A session named 'ds-gold' would"):
        import_file(db, "ds", source, session="gold")
    assert db.count("ds-gold") == 0


JSON_LEAF = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
             | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8))
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                          max_leaves=8)
EDGE_FLOATS = [1e-20, 3.141592653589793, 1.7976931348623157e308, 5e-324, -0.0, 0.1]


def _export(db: Database) -> str:
    out = io.StringIO()
    db_out(db, "ds", out)
    return out.getvalue()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meta=st.dictionaries(st.text(max_size=6), JSON_VALUE, max_size=4),
       answer=st.sampled_from(["accept", "reject", "ignore"]))
def test_db_out_db_in_db_out_is_byte_exact(meta: dict, answer: str) -> None:
    task = _good(meta={**meta, "edge": EDGE_FLOATS}, answer=answer)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        source.write_text(json.dumps(task) + "\n", encoding="utf8")
        first = Database(Path(folder) / "a.db")
        import_file(first, "ds", source)
        exported = _export(first)
        again = Path(folder) / "out.jsonl"
        again.write_text(exported, encoding="utf8")
        second = Database(Path(folder) / "b.db")
        import_file(second, "ds", again)
        assert _export(second) == exported
        stored = json.loads(exported)
        assert stored["meta"] == task["meta"]  # every value as given, floats included
        assert [repr(x) for x in stored["meta"]["edge"]] == [repr(x) for x in EDGE_FLOATS]


SPAN_FIELD = st.sampled_from(["start", "end", "token_start", "token_end", "label", "text"])
ODD = st.one_of(JSON_LEAF, st.integers(-3, 8), st.just(2**70), st.sampled_from(["PER", "Ada"]))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(SPAN_FIELD, ODD), max_size=3),
       top=st.dictionaries(st.sampled_from(["_input_hash", "_task_hash", "answer", "tokens",
                                            "spans", "text", "meta"]), ODD, max_size=2))
def test_db_in_stores_only_what_exports(tmp_path: Path, changes: list, top: dict) -> None:
    """Whatever a task holds, db-in stores it whole or refuses it (a SpacyALError, nothing
    written); what it stores, data-to-spacy and db-out --format conll read."""
    span = dict(SPAN)
    for key, value in changes:
        span[key] = value
    task = {**_good(spans=[span]), **top}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "odd.jsonl"
        source.write_text(json.dumps(set_hashes(dict(task)) if "_input_hash" not in top
                                     else task, default=str) + "\n", encoding="utf8")
        db = Database(Path(folder) / "odd.db")
        try:
            import_file(db, "ds", source)
        except SpacyALError:
            assert "ds" not in db
            return
        db_out(db, "ds", io.StringIO(), format="conll")
        data_to_spacy(db, ["ds"], Path(folder) / "spacy", eval_split=0.0)
