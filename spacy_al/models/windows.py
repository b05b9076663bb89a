"""Sub-word pieces for a batch of Docs, cut into windows that fit the encoder.

Every spaCy token gets at least one piece (a token the tokenizer drops, such as
whitespace, becomes the unknown token). A doc with more pieces than fit in one
window is split at token boundaries into several rows, so nothing is lost.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from spacy.tokens import Doc

BUCKET_SLACK = 8
"""Extra pieces a row may have over the shortest row of its group (short rows)."""
BUCKET_GROWTH = 0.25
"""... or this share of the shortest row's length (long rows): about 16 % padding on
CoNLL-2003 batches of 32 against 62 % with one group per batch (benchmarks/length_buckets.py)."""


@dataclass
class PieceBatch:
    rows: list[list[int]]  # piece ids per encoder row, without special tokens
    row_offsets: list[int]  # index of each row's first piece among all pieces
    piece_token: torch.Tensor  # (pieces,) global token index of each piece
    first_piece: torch.Tensor  # (tokens,) index into pieces of each token's first piece
    piece_counts: torch.Tensor  # (tokens,) float number of pieces per token
    n_tokens: int
    casing: torch.Tensor | None = None

    def chunks(self, max_pieces_per_chunk: int, slack: int = BUCKET_SLACK,
               growth: float = BUCKET_GROWTH) -> list[list[int]]:
        """Row indices grouped by similar length (length buckets): rows sorted by length,
        a new group once the padded group would pass the budget or a row is longer than
        the group's shortest by more than ``max(slack, growth * shortest)`` pieces. Each
        row's output is the same however rows are grouped (the attention mask hides the
        padding); the grouping only decides how much padding is computed."""
        order = sorted(range(len(self.rows)), key=lambda r: len(self.rows[r]))
        groups: list[list[int]] = [[]]
        shortest = 0
        for r in order:
            width = len(self.rows[r]) + 2
            group = groups[-1]
            if group and (width * (len(group) + 1) > max_pieces_per_chunk
                          or width - shortest > max(slack, growth * shortest)):
                groups.append([])
            if not groups[-1]:
                shortest = width
            groups[-1].append(r)
        return [g for g in groups if g]


PIECE_CACHE_SIZE = 200_000
"""Sentences whose pieces a :class:`PieceCache` keeps (a pool re-scored after every update
and answers trained on for several passes are tokenized once)."""


class PieceCache:
    """Piece ids per word of the sentences seen, by their words (a tokenizer's output
    never changes); emptied when it holds ``size`` sentences, so memory stays bounded."""

    def __init__(self, size: int = PIECE_CACHE_SIZE) -> None:
        self.size = size
        self.pieces: dict[tuple[str, ...], list[list[int]]] = {}

    def __len__(self) -> int:
        return len(self.pieces)

    def clear(self) -> None:
        self.pieces.clear()

    def of(self, sentences: list[list[str]], tokenizer: Any) -> list[list[list[int]]]:
        """Each sentence's piece ids per word, the unseen ones tokenized in one call."""
        keys = [tuple(words) for words in sentences]
        missing = list(dict.fromkeys(k for k in keys if k and k not in self.pieces))
        if len(self.pieces) + len(missing) > self.size:
            self.clear()
        self.pieces.update(zip(missing, word_pieces([list(k) for k in missing], tokenizer),
                               strict=True))
        return [self.pieces[k] if k else [] for k in keys]


def word_pieces(sentences: list[list[str]], tokenizer: Any) -> list[list[list[int]]]:
    """Piece ids for each word of each sentence (one tokenizer call for them all); a word
    the tokenizer drops becomes the unknown token."""
    if not sentences:
        return []
    encoded = tokenizer(sentences, is_split_into_words=True, add_special_tokens=False)
    unk = tokenizer.unk_token_id
    result = []
    for row, words in enumerate(sentences):
        pieces: list[list[int]] = [[] for _ in words]
        for piece_id, word_id in zip(encoded["input_ids"][row], encoded.word_ids(row),
                                     strict=True):
            if word_id is not None:
                pieces[word_id].append(piece_id)
        result.append([p if p else [unk] for p in pieces])
    return result


def _windows(pieces: list[list[int]], max_pieces: int) -> list[list[tuple[int, list[int]]]]:
    """Group (token index, pieces) into windows of at most ``max_pieces`` pieces."""
    windows: list[list[tuple[int, list[int]]]] = [[]]
    size = 0
    for i, word in enumerate(pieces):
        if len(word) > max_pieces:
            warnings.warn(
                f"A token has {len(word)} sub-word pieces, more than the encoder's window "
                f"of {max_pieces}; only its first {max_pieces} pieces are used.",
                stacklevel=4,
            )
            word = word[:max_pieces]
        if size + len(word) > max_pieces and windows[-1]:
            windows.append([])
            size = 0
        windows[-1].append((i, word))
        size += len(word)
    return windows


def build_piece_batch(docs: Sequence[Doc], tokenizer: Any, max_pieces: int,
                      cache: PieceCache | None = None) -> PieceBatch:
    """The docs' pieces in encoder rows of at most ``max_pieces`` (``cache``: the pieces
    of sentences seen before are not tokenized again)."""
    rows: list[list[int]] = []
    piece_token: list[int] = []
    offsets: list[int] = []
    offset = 0
    sentences = [[t.text if t.text.strip() else tokenizer.unk_token for t in doc]
                 for doc in docs]
    pieces = (PieceCache() if cache is None else cache).of(sentences, tokenizer)
    for doc, doc_pieces in zip(docs, pieces, strict=True):
        for window in _windows(doc_pieces, max_pieces) if doc_pieces else []:
            offsets.append(len(piece_token))
            rows.append([piece for _, word in window for piece in word])
            piece_token.extend(offset + i for i, word in window for _ in word)
        offset += len(doc)
    token_of_piece = torch.tensor(piece_token, dtype=torch.long)
    first = torch.full((offset,), -1, dtype=torch.long)
    positions = torch.arange(len(piece_token), dtype=torch.long)
    # pieces are in token order, so the first piece of a token is its minimum position
    first.scatter_reduce_(0, token_of_piece, positions, reduce="amin", include_self=False)
    return PieceBatch(
        rows=rows,
        row_offsets=offsets,
        piece_token=token_of_piece,
        first_piece=first,
        piece_counts=torch.bincount(token_of_piece, minlength=offset).to(torch.float32),
        n_tokens=offset,
    )


def pad_rows(rows: list[list[int]], tokenizer: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """``[CLS] row [SEP]`` padded to the longest row: input ids and attention mask."""
    length = max(len(r) for r in rows) + 2
    input_ids = torch.full((len(rows), length), tokenizer.pad_token_id or 0, dtype=torch.long)
    mask = torch.zeros((len(rows), length), dtype=torch.long)
    for r, row in enumerate(rows):
        input_ids[r, : len(row) + 2] = torch.tensor([tokenizer.cls_token_id, *row,
                                                     tokenizer.sep_token_id])
        mask[r, : len(row) + 2] = 1
    return input_ids, mask
