"""Hugging Face ``datasets`` as a corpus: by hub name, ``save_to_disk`` folder, Parquet, Arrow.

A row is one sentence: a tokens column with a tags column (tags as ints with a
``ClassLabel`` feature, or as strings such as ``B-PER``), or a text column
(tokenised here). Default columns: tokens ``tokens``/``words``, tags
``ner_tags``/``tags``/``labels``/``ner``, text ``text``/``sentence``. A hub name is
loaded with ``datasets.load_dataset(name, split=...)`` (where the hub is reachable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..errors import CorpusFormatError
from ._docs import make_doc
from .tags import SchemeScan, Tag, TagSequenceError, decode, normalize_scheme, parse_tag

TOKENS_COLUMNS = ("tokens", "words")
TAGS_COLUMNS = ("ner_tags", "tags", "labels", "ner")
TAG_PREFIXES = ("B-", "I-", "E-", "S-", "L-", "U-")
TEXT_COLUMNS = ("text", "sentence")
_SPLIT_FILES = ("*.parquet", "*.arrow")
_SAVED_MARKS = ("state.json", "dataset_dict.json")


def read_hf(
    source: str | Path,
    vocab: Vocab,
    *,
    split: str | None = None,
    tokens_column: str | None = None,
    tags_column: str | None = None,
    text_column: str | None = None,
    scheme: str = "auto",
    strict: bool = True,
    tokenizer: Callable[[str], Doc] | None = None,
) -> Iterator[Doc]:
    """One Doc per row of a dataset, with gold ``doc.ents`` from its tags column.

    ``source``: a ``save_to_disk`` folder, a folder of ``SPLIT.parquet`` / ``SPLIT.arrow``
    files, one such file, or a hub name. ``split`` picks a split of a DatasetDict
    (default ``train``, or the only one). Text rows get no entities; ``tokenizer``
    (default: blank English) tokenises them.
    """
    canonical = normalize_scheme(scheme)
    if canonical is None:
        raise CorpusFormatError(source, None, f"unknown tag scheme {scheme!r}.",
                                fix="Use auto, IOB1, IOB2, IO or BILUO.")
    dataset, where = load_split(source, split)
    columns = list(dataset.column_names)
    tokens = _column(source, columns, tokens_column, TOKENS_COLUMNS, "tokens")
    if tokens is None:
        text = _column(source, columns, text_column, TEXT_COLUMNS, "text")
        if text is None:
            raise CorpusFormatError(source, None, f"no tokens or text column among {columns}.",
                                    fix="Name them with --tokens-column/--tags-column or "
                                    "--text-column.")
        return _text_docs(dataset, text, where, vocab, tokenizer)
    tags = _column(source, columns, tags_column, TAGS_COLUMNS, "tags")
    names = _tag_names(source, dataset, tags) if tags is not None else None
    return _token_docs(dataset, tokens, tags, names, where, vocab, (canonical, strict))


def hf_entity_labels(source: str | Path, *, split: str | None = None,
                     tags_column: str | None = None) -> list[str] | None:
    """The entity labels a dataset's ClassLabel tags column names (``B-PER``, ``I-PER``,
    ... → ``PER``, in first-seen order), or None when its tags are strings or it has none."""
    dataset, _ = load_split(source, split)
    tags = _column(source, list(dataset.column_names), tags_column, TAGS_COLUMNS, "tags")
    names = _tag_names(source, dataset, tags) if tags is not None else None
    if not names:
        return None
    labels = [name.split("-", 1)[1] if name[:2] in TAG_PREFIXES else name for name in names]
    return list(dict.fromkeys(label for label in labels if label and label != "O")) or None


def load_split(source: str | Path, split: str | None) -> tuple[Any, str]:
    """The ``datasets.Dataset`` of ``source`` (one split) and its name for ``source`` keys."""
    import datasets

    path = Path(source).expanduser()
    if path.is_dir() and any((path / name).is_file() for name in _SAVED_MARKS):
        loaded = _call(source, lambda: datasets.load_from_disk(str(path)))
    elif path.is_dir():
        loaded = {file.stem: file for pattern in _SPLIT_FILES for file in path.glob(pattern)}
    elif path.is_file():
        return _call(source, lambda: _read_file(path)), str(path)
    else:
        loaded = _call(source, lambda: datasets.load_dataset(str(source), split=split))
        if isinstance(loaded, datasets.Dataset):
            return loaded, f"{source}[{split}]"
    if isinstance(loaded, datasets.Dataset):
        if split is not None:
            raise CorpusFormatError(source, None, f"is one dataset, not a DatasetDict: it has "
                                    f"no split {split!r}.", fix="Drop --split.")
        return loaded, str(source)
    name = _pick_split(source, sorted(loaded), split)
    chosen = loaded[name]
    if isinstance(chosen, Path):
        chosen = _call(source, lambda: _read_file(chosen))
    return chosen, f"{source}[{name}]"


def _read_file(path: Path) -> Any:
    import datasets

    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return datasets.Dataset(pq.read_table(path))
    return datasets.Dataset.from_file(str(path))


def _call(source: str | Path, load: Callable[[], Any]) -> Any:
    try:
        return load()
    except CorpusFormatError:
        raise
    except Exception as err:  # datasets raises many kinds (hub, file, schema)
        raise CorpusFormatError(source, None, f"cannot load it as a Hugging Face dataset "
                                f"({type(err).__name__}: {err}).",
                                fix="Pass a datasets save_to_disk folder, a Parquet or Arrow "
                                "file, or a hub name where the hub is reachable.") from None


def _pick_split(source: str | Path, names: Sequence[str], split: str | None) -> str:
    if not names:
        raise CorpusFormatError(source, None, "holds no dataset (no state.json, "
                                "dataset_dict.json, *.parquet or *.arrow).",
                                fix="Save it with Dataset.save_to_disk(), or point at a file.")
    if split is None:
        if "train" in names or len(names) == 1:
            return "train" if "train" in names else names[0]
        raise CorpusFormatError(source, None, f"has the splits {list(names)}.",
                                fix="Pick one with --split.")
    if split not in names:
        raise CorpusFormatError(source, None, f"has no split {split!r}, only {list(names)}.",
                                fix="Pick one of those with --split.")
    return split


def _column(source: str | Path, columns: list[str], given: str | None,
            defaults: Sequence[str], kind: str) -> str | None:
    if given is not None:
        if given not in columns:
            raise CorpusFormatError(source, None, f"has no {kind} column {given!r}, only "
                                    f"{columns}.", fix=f"Pass --{kind}-column with one of them.")
        return given
    return next((name for name in defaults if name in columns), None)


def _tag_names(source: str | Path, dataset: Any, column: str) -> list[str] | None:
    """The ClassLabel names of an int tags column; None when the tags are strings."""
    feature = getattr(dataset.features[column], "feature", None)
    names = getattr(feature, "names", None)
    if names is not None:
        return list(names)
    dtype = getattr(feature, "dtype", "string")
    if dtype not in ("string", "large_string"):
        raise CorpusFormatError(source, None, f"the tags column {column!r} holds {dtype} "
                                "values without a ClassLabel feature: their tag names are "
                                "unknown.", fix="Cast the column to Sequence(ClassLabel("
                                "names=[...])) or store the tags as strings (B-PER).")
    return None


def _parse_tags(where: str, row: int, values: Sequence[Any],
                names: list[str] | None) -> list[Tag]:
    parsed = []
    for value in values:
        name = names[value] if names is not None else value
        tag = parse_tag(name) if isinstance(name, str) else None
        if tag is None:
            raise CorpusFormatError(where, None, f"row {row}: invalid tag {name!r}.",
                                    fix="Tags must be O or PREFIX-TYPE (e.g. B-PER).")
        parsed.append(tag)
    return parsed


def _token_docs(dataset: Any, tokens: str, tags: str | None, names: list[str] | None,
                where: str, vocab: Vocab, scheme: tuple[str, bool]) -> Iterator[Doc]:
    canonical, strict = scheme
    if tags is not None and canonical == "auto":
        scan = SchemeScan()
        for row, record in enumerate(dataset, 1):
            scan.add(_parse_tags(where, row, record[tags], names))
        canonical = scan.decide()
    for row, record in enumerate(dataset, 1):
        words = [str(word) for word in record[tokens]]
        if not words:
            continue
        yield _row_doc(record, words, tags, names, where, row, vocab, (canonical, strict))


def _row_doc(record: Mapping[str, Any], words: list[str], tags: str | None,
             names: list[str] | None, where: str, row: int, vocab: Vocab,
             scheme: tuple[str, bool]) -> Doc:
    source = f"{where}:{row}"
    if tags is None:
        return make_doc(vocab, words, [], source)
    parsed = _parse_tags(where, row, record[tags], names)
    if len(parsed) != len(words):
        raise CorpusFormatError(where, None, f"row {row}: {len(words)} tokens but "
                                f"{len(parsed)} tags.", fix="Give every token one tag.")
    try:
        spans = decode(parsed, scheme[0], strict=scheme[1])
    except TagSequenceError as err:
        raise CorpusFormatError(where, None, f"row {row}, token {err.index + 1}: "
                                f"{err.message}", fix=err.fix) from None
    return make_doc(vocab, words, spans, source)


def _text_docs(dataset: Any, column: str, where: str, vocab: Vocab,
               tokenizer: Callable[[str], Doc] | None) -> Iterator[Doc]:
    from .jsonl import tokenize

    for row, record in enumerate(dataset, 1):
        text = record[column]
        if not isinstance(text, str) or not text.strip():
            continue
        doc = tokenizer(text) if tokenizer is not None else tokenize(text, vocab)
        doc.user_data["source"] = f"{where}:{row}"
        yield doc
