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


@dataclass
class PieceBatch:
    input_ids: torch.Tensor  # (rows, length) with special tokens and padding
    attention_mask: torch.Tensor  # (rows, length)
    piece_index: torch.Tensor  # (pieces,) flat position of each real piece in rows*length
    piece_token: torch.Tensor  # (pieces,) global token index of each piece
    first_piece: torch.Tensor  # (tokens,) index into pieces of each token's first piece
    piece_counts: torch.Tensor  # (tokens,) float number of pieces per token
    n_tokens: int
    casing: torch.Tensor | None = None


def _word_pieces(words: list[str], tokenizer: Any) -> list[list[int]]:
    """Piece ids for each word; empty results become the unknown token."""
    if not words:
        return []
    encoded = tokenizer(words, is_split_into_words=True, add_special_tokens=False)
    pieces: list[list[int]] = [[] for _ in words]
    for piece_id, word_id in zip(encoded["input_ids"], encoded.word_ids(), strict=True):
        if word_id is not None:
            pieces[word_id].append(piece_id)
    unk = tokenizer.unk_token_id
    return [p if p else [unk] for p in pieces]


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


def build_piece_batch(docs: Sequence[Doc], tokenizer: Any, max_pieces: int) -> PieceBatch:
    rows: list[list[int]] = []
    row_tokens: list[list[int]] = []  # global token index per piece of each row
    offset = 0
    for doc in docs:
        words = [t.text if t.text.strip() else tokenizer.unk_token for t in doc]
        for window in _windows(_word_pieces(words, tokenizer), max_pieces) if words else []:
            rows.append([piece for _, word in window for piece in word])
            row_tokens.append([offset + i for i, word in window for _ in word])
        offset += len(doc)
    length = max((len(r) for r in rows), default=0) + 2
    input_ids = torch.full((len(rows), length), tokenizer.pad_token_id or 0, dtype=torch.long)
    mask = torch.zeros((len(rows), length), dtype=torch.long)
    piece_index: list[int] = []
    piece_token: list[int] = []
    for r, (row, tokens) in enumerate(zip(rows, row_tokens, strict=True)):
        full = [tokenizer.cls_token_id, *row, tokenizer.sep_token_id]
        input_ids[r, : len(full)] = torch.tensor(full)
        mask[r, : len(full)] = 1
        piece_index.extend(r * length + 1 + k for k in range(len(row)))
        piece_token.extend(tokens)
    return _finish(input_ids, mask, piece_index, piece_token, offset)


def _finish(
    input_ids: torch.Tensor,
    mask: torch.Tensor,
    piece_index: list[int],
    piece_token: list[int],
    n_tokens: int,
) -> PieceBatch:
    token_of_piece = torch.tensor(piece_token, dtype=torch.long)
    counts = torch.bincount(token_of_piece, minlength=n_tokens).to(torch.float32)
    first = torch.full((n_tokens,), -1, dtype=torch.long)
    positions = torch.arange(len(piece_token), dtype=torch.long)
    # pieces are in token order, so the first piece of a token is its minimum position
    first.scatter_reduce_(0, token_of_piece, positions, reduce="amin", include_self=False)
    return PieceBatch(
        input_ids=input_ids,
        attention_mask=mask,
        piece_index=torch.tensor(piece_index, dtype=torch.long),
        piece_token=token_of_piece,
        first_piece=first,
        piece_counts=counts,
        n_tokens=n_tokens,
    )
