"""Shared fixtures: tiny models built inside the tests (no download) and corpus paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.language import Language
from spacy.training import Example
from thinc.api import Adam, fix_random_seed

from spacy_al.pipeline.build import create_al_nlp

REPO = Path(__file__).resolve().parents[1]
LABELS = ("PER", "ORG", "LOC")
TRAIN_DATA = [
    ("Angela Merkel visited Paris in May .", [(0, 13, "PER"), (22, 27, "LOC")]),
    ("Apple hired John Smith in London .", [(0, 5, "ORG"), (12, 22, "PER"), (26, 32, "LOC")]),
    ("The UN met in Geneva with Kofi Annan .", [(4, 6, "ORG"), (14, 20, "LOC"), (26, 36, "PER")]),
    ("Nothing to see here .", []),
]
_VOCAB = (
    "[PAD] [UNK] [CLS] [SEP] [MASK] the in with to . , a an of and met hired visited "
    "angela merkel paris may apple john smith london un geneva kofi annan nothing see here "
    "##s ##ed ##ing ##a ##e ##i ##o ##n ##r ##t ##l"
).split() + list("abcdefghijklmnopqrstuvwxyz0123456789") + [
    f"##{c}" for c in "bcdfghjkmpqsuvwxyz0123456789"
]


SENTENCES = [  # a small annotation source (tests of the server, store, retraining)
    "Angela Merkel visited Paris in May .",
    "Apple hired John Smith in London .",
    "The UN met in Geneva with Kofi Annan .",
    "Nothing to see here .",
    "Barack Obama spoke at Harvard .",
    "Google opened an office in Zurich .",
    "Marie Curie worked in Paris .",
    "The BBC reported from Berlin .",
    "Ada Lovelace was born in London .",
    "Siemens builds trains in Munich .",
    "Alan Turing studied at Cambridge .",
    "Nokia is based in Espoo .",
]


@pytest.fixture
def source_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "source.jsonl"
    srsly.write_jsonl(path, [{"text": text} for text in SENTENCES])
    return path


def shared_corpora() -> Path:
    """../shared/corpora beside the checkout, or $SPACY_AL_CORPORA."""
    return Path(os.environ.get("SPACY_AL_CORPORA", REPO.parent / "shared" / "corpora"))


def make_examples(nlp: Language, data=TRAIN_DATA) -> list[Example]:
    return [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in data]


def train_steps(nlp: Language, examples: list[Example], steps: int, lr: float = 1e-3) -> list:
    optimizer = Adam(lr)
    return [nlp.update(examples, sgd=optimizer, drop=0.1)["al_ner"] for _ in range(steps)]


@pytest.fixture(scope="session")
def tiny_bert_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 2-layer BERT with a small WordPiece vocab, saved locally."""
    import inspect

    from transformers import BertConfig, BertModel, BertTokenizer

    path = tmp_path_factory.mktemp("tiny-bert")
    if "vocab" in inspect.signature(BertTokenizer.__init__).parameters:  # transformers >= 5
        tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(_VOCAB)}, do_lower_case=True)
    else:  # transformers 4: from a vocab file
        (path / "vocab.txt").write_text("\n".join(_VOCAB) + "\n", encoding="utf8")
        tokenizer = BertTokenizer(vocab_file=str(path / "vocab.txt"), do_lower_case=True)
    config = BertConfig(
        vocab_size=len(_VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    )
    fix_random_seed(0)
    BertModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture
def tiny_bert_nlp(tiny_bert_path: Path) -> Language:
    fix_random_seed(0)
    nlp = create_al_nlp(LABELS, "transformer", str(tiny_bert_path))
    return nlp


@pytest.fixture(scope="session")
def _trained_tok2vec_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    fix_random_seed(0)
    nlp = create_al_nlp(LABELS, "tok2vec", tok2vec_width=32)
    train_steps(nlp, make_examples(nlp), steps=20, lr=5e-3)
    path = tmp_path_factory.mktemp("tok2vec-nlp")
    nlp.to_disk(path)
    return path


@pytest.fixture
def tok2vec_nlp(_trained_tok2vec_dir: Path) -> Language:
    """A small tok2vec ``al_ner`` pipeline (labels PER/ORG/LOC), trained a few steps."""
    return spacy.load(_trained_tok2vec_dir)


@pytest.fixture
def tok2vec_nlp_path(_trained_tok2vec_dir: Path) -> Path:
    """Folder of the ``tok2vec_nlp`` pipeline (e.g. to pass as a MODEL argument)."""
    return _trained_tok2vec_dir


@pytest.fixture
def corpora_dir() -> Path:
    path = shared_corpora()
    if not path.is_dir():
        pytest.skip(f"shared corpora not found at {path} (set SPACY_AL_CORPORA); CI has them")
    return path


@pytest.fixture(autouse=True)
def _database_in_tmp(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Recipes called without a database of their own (and their pool caches next to
    it) use a temporary one, never ~/.spacy_al."""
    if "SPACY_AL_DB" not in os.environ:
        folder = tmp_path_factory.mktemp("db")
        monkeypatch.setenv("SPACY_AL_DB", str(folder / "spacy_al.db"))
