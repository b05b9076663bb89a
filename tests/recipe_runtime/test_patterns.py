"""``--patterns``: loading pattern JSONL, matching an item's tokens, ner.manual's matched tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from spacy_al.errors import CorpusFormatError
from spacy_al.recipe_runtime.manual_pool import manual_task, pattern_tasks
from spacy_al.recipe_runtime.patterns import PatternMatcher, load_patterns, pattern_span_dicts
from spacy_al.tasks import TokenSpan, doc_item, doc_tokens

PATTERNS = [{"label": "ORG", "pattern": "Apple"},
            {"label": "PER", "pattern": [{"lower": "john"}, {"lower": "smith"}]},
            {"label": "LOC", "pattern": "New York", "id": "nyc"}]


def write_patterns(path: Path, records: list[object] | None = None) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in (records or PATTERNS)))
    return path


def _tokens(text: str) -> list[dict]:
    return doc_tokens(spacy.blank("en")(text))


def test_phrase_and_token_patterns_match_tokens(tmp_path: Path) -> None:
    matcher = PatternMatcher(write_patterns(tmp_path / "p.jsonl"))
    tokens = _tokens("Apple hired JOHN Smith in New York .")
    assert matcher.match(tokens) == [(TokenSpan(0, 1, "ORG"), "1"),
                                     (TokenSpan(2, 4, "PER"), "2"),
                                     (TokenSpan(5, 7, "LOC"), "nyc")]
    assert matcher.labels == ["LOC", "ORG", "PER"]
    assert matcher.spans(_tokens("apple pie and john .")) == []  # phrases are case-sensitive
    assert matcher.spans([]) == []
    spans = pattern_span_dicts(tokens, matcher.spans(tokens))
    assert spans[1] == {"start": 12, "end": 22, "token_start": 2, "token_end": 3,
                        "label": "PER", "source": "pattern"}


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('\n{"label": "ORG", "pattern": "Apple"}\n\n')
    assert load_patterns(path) == [{"label": "ORG", "pattern": "Apple", "id": "2"}]


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "line 2: not valid JSON"),
    ('["ORG", "Apple"]', "line 2: a pattern must be a JSON object"),
    ('{"pattern": "Apple"}', 'line 2: the pattern has no "label"'),
    ('{"label": "ORG", "pattern": ""}', 'line 2: "pattern" must be'),
    ('{"label": "ORG", "pattern": ["apple"]}', 'line 2: "pattern" must be'),
])
def test_bad_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": "ORG", "pattern": "Apple"}\n' + line + "\n")
    with pytest.raises(CorpusFormatError, match=message) as info:
        PatternMatcher(path)
    assert info.value.line == 2 and info.value.path == str(path)
    assert "bad.jsonl" in str(info.value)


def test_missing_or_empty_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusFormatError, match="no such patterns file"):
        load_patterns(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(CorpusFormatError, match="holds no patterns"):
        load_patterns(tmp_path / "empty.jsonl")


def test_pattern_tasks_pre_annotate_the_matches_in_serving_order(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    texts = ["Nothing to see here .", "Apple hired John Smith .", "Paris is nice .",
             "John Smith left ."]
    items = [doc_item(nlp(text)) for text in texts]
    items[2].spans = [{"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "LOC"}]
    matcher = PatternMatcher(write_patterns(tmp_path / "p.jsonl"))
    pool = {item.input_hash: item for item in items}
    tasks = pattern_tasks(pool, "sequential", matcher)
    assert [t["_input_hash"] for t in tasks] == [items[1].input_hash, items[3].input_hash]
    assert [(s["token_start"], s["label"]) for s in tasks[0]["spans"]] == [(0, "ORG"),
                                                                            (2, "PER")]
    assert tasks[0]["meta"] == {"order": "sequential", "pattern": True}
    reversed_pool = dict(reversed(pool.items()))
    assert [t["_input_hash"] for t in pattern_tasks(reversed_pool, "random", matcher)] == [
        items[3].input_hash, items[1].input_hash]
    plain = manual_task(items[0], "sequential")
    assert plain["spans"] == [] and "pattern" not in plain["meta"]
    assert manual_task(items[2], "sequential")["spans"] == items[2].spans  # the source's own
