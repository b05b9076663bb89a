"""Sub-word pieces are aligned to spaCy tokens; long docs are windowed, never truncated."""

from __future__ import annotations

import spacy
import torch
from transformers import AutoTokenizer

from spacy_al.models.casing import CASING_CLASSES, casing_class
from spacy_al.models.windows import build_piece_batch


def _tokenizer(path):
    return AutoTokenizer.from_pretrained(str(path))


def test_every_token_gets_its_own_pieces(tiny_bert_path) -> None:
    nlp = spacy.blank("en")
    doc = nlp("Angela visited parisxyz \n here")
    tokenizer = _tokenizer(tiny_bert_path)
    batch = build_piece_batch([doc], tokenizer, max_pieces=62)
    assert batch.n_tokens == len(doc)
    # the whitespace token becomes [UNK]; every token has >= 1 piece
    assert bool((batch.piece_counts >= 1).all())
    ids = torch.tensor([piece for row in batch.rows for piece in row])
    for i, token in enumerate(doc):
        pieces = ids[batch.piece_token == i].tolist()
        text = tokenizer.convert_tokens_to_string(tokenizer.convert_ids_to_tokens(pieces))
        expected = token.text.lower() if token.text.strip() else tokenizer.unk_token
        assert text.replace(" ", "") == expected.replace(" ", "")
        assert int(batch.first_piece[i]) == int(torch.nonzero(batch.piece_token == i)[0])


def test_long_doc_is_split_into_windows_without_losing_tokens(tiny_bert_path) -> None:
    nlp = spacy.blank("en")
    doc = nlp(" ".join(["paris"] * 25 + ["merkel"] * 10))
    batch = build_piece_batch([doc, nlp("here")], _tokenizer(tiny_bert_path), max_pieces=8)
    assert batch.n_tokens == len(doc) + 1
    assert len(batch.rows) > 1 and max(len(r) for r in batch.rows) <= 8
    assert sorted(set(batch.piece_token.tolist())) == list(range(len(doc) + 1))


def test_chunks_cover_every_row_once_within_budget(tiny_bert_path) -> None:
    nlp = spacy.blank("en")
    docs = [nlp(" ".join(["paris"] * n)) for n in (1, 30, 2, 17, 5, 30, 3)]
    batch = build_piece_batch(docs, _tokenizer(tiny_bert_path), max_pieces=62)
    chunks = batch.chunks(64)
    assert sorted(r for chunk in chunks for r in chunk) == list(range(len(batch.rows)))
    for chunk in chunks:
        width = max(len(batch.rows[r]) for r in chunk) + 2
        assert width * len(chunk) <= 64 or len(chunk) == 1


def test_rows_of_very_different_lengths_go_to_different_buckets() -> None:
    import torch as t

    from spacy_al.models.windows import PieceBatch

    lengths = [3, 40, 5, 12, 44, 10, 100, 4]
    batch = PieceBatch([[1] * n for n in lengths], [], t.zeros(0), t.zeros(0), t.zeros(0), 0)
    widths = [[lengths[r] + 2 for r in group] for group in batch.chunks(4096)]
    # widths 5,6,7 | 12,14 (slack 8 over 5 is 13: 12 fits, 14 does not) | ... known answer
    assert widths == [[5, 6, 7, 12], [14], [42, 46], [102]]
    assert batch.chunks(4096, slack=10**9) == [[0, 7, 2, 5, 3, 1, 4, 6]], "one group"
    assert batch.chunks(4096, slack=0, growth=0.0) == [[0], [7], [2], [5], [3], [1], [4], [6]]


def test_the_grouping_does_not_change_what_the_encoder_outputs(tiny_bert_path) -> None:
    from transformers import AutoModel

    from spacy_al.models.windows import pad_rows

    nlp = spacy.blank("en")
    tokenizer = _tokenizer(tiny_bert_path)
    encoder = AutoModel.from_pretrained(str(tiny_bert_path)).eval()
    docs = [nlp(" ".join(["paris merkel"] * n)) for n in (1, 9, 2, 14, 3, 1, 20)]
    batch = build_piece_batch(docs, tokenizer, max_pieces=62)

    def per_row(groups: list[list[int]]) -> dict[int, torch.Tensor]:
        out = {}
        with torch.no_grad():
            for group in groups:
                ids, mask = pad_rows([batch.rows[r] for r in group], tokenizer)
                hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
                out.update((r, hidden[i][mask[i].bool()]) for i, r in enumerate(group))
        return out

    buckets, one = batch.chunks(4096), batch.chunks(4096, slack=10**9)
    assert len(buckets) > 1 and len(one) == 1
    a, b = per_row(buckets), per_row(one)
    assert a.keys() == b.keys() == set(range(len(batch.rows)))
    for r in a:
        torch.testing.assert_close(a[r], b[r], rtol=0, atol=1e-5)


def test_casing_classes() -> None:
    names = [CASING_CLASSES[casing_class(t)] for t in ["paris", "Paris", "UN", "A", "iPhone",
                                                        "B52", "--"]]
    assert names == ["lower", "title", "upper", "single_upper", "mixed", "digit", "no_alpha"]


class CountingTokenizer:
    """The real tokenizer, counting the sentences it is asked to tokenize."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.sentences = 0

    def __call__(self, sentences, **kwargs):
        self.sentences += len(sentences)
        return self.tokenizer(sentences, **kwargs)

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)


def test_one_call_tokenizes_like_one_call_per_sentence(tiny_bert_path) -> None:
    from spacy_al.models.windows import word_pieces

    tokenizer = _tokenizer(tiny_bert_path)
    sentences = [["Angela", "visited", "parisxyz"], ["\u200b", "here", "[UNK]"], ["x"],
                 ["Merkel's", "co-operation", "😀", "naïve"]]
    one_call = word_pieces(sentences, tokenizer)
    assert one_call == [word_pieces([s], tokenizer)[0] for s in sentences]
    assert one_call[1][0] == [tokenizer.unk_token_id]  # a dropped word is the unknown token


def test_the_piece_cache_tokenizes_a_sentence_once_and_stays_bounded(tiny_bert_path) -> None:
    from spacy_al.models.windows import PieceCache

    nlp = spacy.blank("en")
    docs = [nlp(text) for text in ("Angela visited Paris", "here", "Angela visited Paris",
                                   "Merkel met Macron in Berlin")]
    tokenizer = CountingTokenizer(_tokenizer(tiny_bert_path))
    cache = PieceCache(size=3)
    uncached = build_piece_batch(docs, tokenizer, max_pieces=62)
    assert tokenizer.sentences == 3  # the repeated sentence once
    first = build_piece_batch(docs, tokenizer, max_pieces=62, cache=cache)
    again = build_piece_batch(docs, tokenizer, max_pieces=62, cache=cache)
    assert tokenizer.sentences == 6 and len(cache) == 3  # the second call tokenized nothing
    for batch in (first, again):
        assert batch.rows == uncached.rows
        assert torch.equal(batch.piece_token, uncached.piece_token)
    build_piece_batch([nlp("something new")], tokenizer, max_pieces=62, cache=cache)
    assert len(cache) == 1  # full: emptied before the new sentence
