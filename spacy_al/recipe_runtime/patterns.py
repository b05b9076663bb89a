"""Match patterns (``--patterns FILE``): spaCy EntityRuler / Prodigy pattern JSONL.

One pattern per line, a phrase or a list of token attributes::

    {"label": "ORG", "pattern": "Apple"}
    {"label": "PER", "pattern": [{"lower": "john"}]}

:class:`PatternMatcher` runs them in an ``entity_ruler`` on ``spacy.blank(lang)`` over
an item's own tokens and gives :class:`~spacy_al.tasks.TokenSpan` matches. A pattern
without an ``id`` gets its line number as id (``meta.pattern`` of ``ner.al-teach``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import CorpusFormatError
from ..tasks import TokenSpan, token_span, tokens_to_doc

FIX = ('Write one JSON object per line: {"label": "ORG", "pattern": "Apple"} or '
       '{"label": "PER", "pattern": [{"lower": "john"}]}.')


def load_patterns(path: str | Path) -> list[dict[str, Any]]:
    """The patterns of a JSONL file (blank lines skipped), each with an ``id``."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise CorpusFormatError(path, None, "no such patterns file.",
                                fix="Check the path of --patterns.")
    patterns = []
    with path.open(encoding="utf8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                patterns.append(_parse(path, number, line))
    if not patterns:
        raise CorpusFormatError(path, None, "the patterns file holds no patterns.", fix=FIX)
    return patterns


def _parse(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise CorpusFormatError(path, number, f"not valid JSON ({err.msg}).", fix=FIX) from None
    if not isinstance(record, dict):
        raise CorpusFormatError(path, number, "a pattern must be a JSON object.", fix=FIX)
    label = record.get("label")
    if not isinstance(label, str) or not label:
        raise CorpusFormatError(path, number, 'the pattern has no "label" string.', fix=FIX)
    pattern = record.get("pattern")
    is_phrase = isinstance(pattern, str) and bool(pattern.strip())
    is_tokens = (isinstance(pattern, list) and bool(pattern)
                 and all(isinstance(token, dict) for token in pattern))
    if not (is_phrase or is_tokens):
        raise CorpusFormatError(path, number, '"pattern" must be a non-empty string or a '
                                "list of token objects.", fix=FIX)
    return {"label": label, "pattern": pattern, "id": str(record.get("id", number))}


class PatternMatcher:
    """Patterns of a file in an ``entity_ruler``; matches an item's tokens."""

    def __init__(self, path: str | Path, lang: str = "en") -> None:
        import spacy

        self.path = str(path)
        self.patterns = load_patterns(path)
        self.nlp = spacy.blank(lang)
        ruler: Any = self.nlp.add_pipe("entity_ruler")
        self.ruler = ruler
        try:
            ruler.add_patterns(self.patterns)
        except ValueError as err:  # e.g. an unknown token attribute
            raise CorpusFormatError(path, None, f"spaCy rejects a pattern: {err}",
                                    fix=FIX) from None
        self.labels = sorted({p["label"] for p in self.patterns})

    def match(self, tokens: Sequence[Mapping[str, Any]]) -> list[tuple[TokenSpan, str]]:
        """Non-overlapping matches (longest first, as the EntityRuler keeps them) with the
        id of the pattern that matched."""
        if not tokens:
            return []
        doc = self.ruler(tokens_to_doc(self.nlp.vocab, tokens))
        return [(TokenSpan(ent.start, ent.end, ent.label_), ent.ent_id_) for ent in doc.ents]

    def spans(self, tokens: Sequence[Mapping[str, Any]]) -> list[TokenSpan]:
        return [span for span, _ in self.match(tokens)]


def pattern_span_dicts(tokens: Sequence[Mapping[str, Any]], spans: Sequence[TokenSpan]
                       ) -> list[dict[str, Any]]:
    """Prodigy spans of pattern matches, marked ``"source": "pattern"``."""
    return [token_span(tokens, s, e - 1, label, source="pattern") for s, e, label in spans]
