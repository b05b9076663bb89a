"""Tag schemes of the ``al_ner`` tagger and constrained decoding.

The tagger predicts one tag per token: ``O`` or ``B-X``/``I-X`` (scheme ``BIO``),
or additionally ``L-X``/``U-X`` (scheme ``BILUO``). Decoding finds the most
probable *valid* tag sequence (Viterbi over log-probabilities with the scheme's
allowed transitions), so an ``I-X`` after ``O`` can never produce a broken
entity: ``doc.ents`` are always valid spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy
from spacy.training import Example

from ..corpora.tags import decode, parse_tag
from ..errors import ConfigError
from ..tasks.conversion import REJECTED_SPANS
from ..tasks.spans import TokenSpan

SCHEMES = ("BIO", "BILUO")
_LOG_ZERO = -1e9
_BILUO_TO_BIO = {"U": "B", "L": "I"}


def check_scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise ConfigError(
            f"Unknown tag scheme {scheme!r} for al_ner.",
            fix=f"Use one of {', '.join(SCHEMES)}.",
        )
    return scheme


def make_tag_names(labels: Iterable[str], scheme: str) -> list[str]:
    """``O`` first, then the scheme's prefixes for each label in the given order."""
    prefixes = "BI" if check_scheme(scheme) == "BIO" else "BILU"
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in prefixes]


def biluo_to_scheme(tag: str | None, scheme: str) -> str | None:
    """Map a BILUO tag (what spaCy's alignment gives) to ``scheme``.

    ``None`` and ``-`` (missing annotation) stay ``None``.
    """
    if tag is None or tag == "-" or tag == "":
        return None
    if scheme == "BILUO" or tag == "O":
        return tag
    prefix, label = tag.split("-", 1)
    return f"{_BILUO_TO_BIO.get(prefix, prefix)}-{label}"


def _split(tag: str) -> tuple[str, str]:
    """``("B", "PER")`` of ``"B-PER"``: the corpus readers' tag parser."""
    parsed = parse_tag(tag)
    if parsed is None:
        raise ConfigError(f"{tag!r} is not a tag of the BIO/BILUO schemes.",
                          fix="name tags O, B-LABEL, I-LABEL (and L-/U- for BILUO).")
    return parsed


def _allowed(prev: str, nxt: str, scheme: str) -> bool:
    p_pre, p_lab = _split(prev)
    n_pre, n_lab = _split(nxt)
    inside = n_pre == "I" or (scheme == "BILUO" and n_pre == "L")
    open_prev = p_pre in ("B", "I") and (scheme == "BIO" or p_pre != "L")
    if scheme == "BIO":
        return (not inside) or (open_prev and p_lab == n_lab)
    if open_prev:  # BILUO: an open entity must continue with I or L of its label
        return inside and p_lab == n_lab
    return not inside


@lru_cache(maxsize=64)
def transition_masks(
    tag_names: tuple[str, ...], scheme: str
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Allowed (start, transition, end) as additive log masks (0 or -1e9)."""
    n = len(tag_names)
    trans = numpy.full((n, n), _LOG_ZERO, dtype="float64")
    start = numpy.zeros(n, dtype="float64")
    end = numpy.zeros(n, dtype="float64")
    for i, prev in enumerate(tag_names):
        p_pre, _ = _split(prev)
        if p_pre in ("I", "L"):
            start[i] = _LOG_ZERO
        if scheme == "BILUO" and p_pre in ("B", "I"):
            end[i] = _LOG_ZERO
        for j, nxt in enumerate(tag_names):
            if _allowed(prev, nxt, scheme):
                trans[i, j] = 0.0
    return start, trans, end


def viterbi_decode(probs: numpy.ndarray, tag_names: Sequence[str], scheme: str) -> list[int]:
    """Most probable valid tag sequence for ``probs`` shaped ``(n_tokens, n_tags)``."""
    n_tokens = probs.shape[0]
    if n_tokens == 0:
        return []
    start, trans, end = transition_masks(tuple(tag_names), scheme)
    logp = numpy.log(numpy.clip(probs.astype("float64"), 1e-12, 1.0))
    score = logp[0] + start
    backpointers = numpy.zeros((n_tokens, len(tag_names)), dtype="int64")
    for i in range(1, n_tokens):
        candidates = score[:, None] + trans
        backpointers[i] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + logp[i]
    score = score + end
    best = [int(score.argmax())]
    for i in range(n_tokens - 1, 0, -1):
        best.append(int(backpointers[i, best[-1]]))
    return best[::-1]


def tags_to_spans(tags: Sequence[str]) -> list[TokenSpan]:
    """Token spans ``TokenSpan(start, end_exclusive, label)`` of a model's BIO/BILUO tags:
    the corpus readers' decoder (:func:`spacy_al.corpora.tags.decode`), lenient, so that
    the corpora and the model read a tag sequence the same way."""
    parsed = [_split(tag) for tag in tags]
    scheme = "BILUO" if any(prefix in ("L", "U") for prefix, _ in parsed) else "IOB2"
    return decode(parsed, scheme, strict=False)


def tag_cross_entropy(probs: numpy.ndarray, gold: Sequence[int]) -> tuple[float, numpy.ndarray]:
    """Cross-entropy of gold tag indices under ``probs`` (n_tokens, n_tags) and its gradient
    with respect to the softmax input; tokens with gold ``-1`` (unknown) get no gradient."""
    target = numpy.asarray(gold, dtype="int64")
    known = target >= 0
    d = probs.copy()
    rows = numpy.nonzero(known)[0]
    d[rows, target[rows]] -= 1.0
    d[~known] = 0.0
    loss = float(-numpy.log(numpy.clip(probs[rows, target[rows]], 1e-12, 1)).sum())
    return loss, d


def span_tags(span: TokenSpan, scheme: str) -> list[str]:
    """The tag each token of ``span`` needs in ``scheme`` (``B-X I-X`` or ``B-X L-X``/``U-X``)."""
    label, length = span.label, span.end - span.start
    if check_scheme(scheme) == "BILUO" and length == 1:
        return [f"U-{label}"]
    inner = [f"I-{label}"] * max(0, length - 2)
    last = [f"{'L' if scheme == 'BILUO' else 'I'}-{label}"] if length > 1 else []
    return [f"B-{label}"] + inner + last


def rejection_loss(
    probs: numpy.ndarray, cells: Iterable[tuple[int, int]]
) -> tuple[float, numpy.ndarray]:
    """Negative evidence: ``-log(1 - p[t, k])`` summed over the (token, tag) ``cells``, and
    its gradient with respect to the softmax input (the sign of :func:`tag_cross_entropy`):
    ``p_k`` for the rejected tag ``k``, ``-p_k * p_j / (1 - p_k)`` for every other ``j``."""
    d = numpy.zeros_like(probs, dtype="float64")
    loss = 0.0
    for t, k in cells:
        row = probs[t].astype("float64")
        rest = float(row.sum() - row[k])  # 1 - p_k, without cancellation when p_k is near 1
        rest = max(rest, 1e-12)
        loss -= float(numpy.log(rest))
        grad = -row[k] * row / rest
        grad[k] = row[k]
        d[t] += grad
    return loss, d


def example_loss(
    probs: numpy.ndarray, eg: Example, tag_names: Sequence[str], scheme: str
) -> tuple[float, numpy.ndarray]:
    """Loss of one Example and its gradient: cross-entropy of the aligned gold tags (missing
    gold: no gradient) plus :func:`rejection_loss` of the tags that the reference's rejected
    spans (``reference.spans[REJECTED_SPANS]``) would need."""
    index = {tag: i for i, tag in enumerate(tag_names)}
    gold = [index.get(biluo_to_scheme(t, scheme) or "", -1) for t in eg.get_aligned_ner()]
    loss, d = tag_cross_entropy(probs, gold)
    if REJECTED_SPANS not in eg.reference.spans:
        return loss, d
    spans = eg.get_aligned_spans_y2x(eg.reference.spans[REJECTED_SPANS], allow_overlap=True)
    cells = [(span.start + i, index[tag]) for span in spans
             for i, tag in enumerate(span_tags(TokenSpan(span.start, span.end, span.label_),
                                               scheme)) if tag in index]
    neg_loss, d_neg = rejection_loss(probs, cells)
    return loss + neg_loss, (d + d_neg).astype(d.dtype)
