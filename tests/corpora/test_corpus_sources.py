"""One source reader: odd files under ``auto``, given columns, the format registry, and no
traceback for any combination of the source options (property tests)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.vocab import Vocab

from spacy_al.corpora import (
    FORMATS,
    OPTION_FLAGS,
    SourceFormat,
    SourceOptions,
    SourceTally,
    loader_names,
    read_source,
    register_format,
    source_items,
)
from spacy_al.corpora.registered import create_source_reader
from spacy_al.errors import ConfigError, CorpusFormatError, SpacyALError
from tests.corpora.odd_files import CONLLU_LIKE, ODD_FILES, write_odd_files


@pytest.fixture(scope="module")
def odd_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_odd_files(tmp_path_factory.mktemp("odd"))


@pytest.mark.parametrize("name", sorted(ODD_FILES))
def test_auto_reads_every_odd_file(odd_files: dict[str, Path], name: str) -> None:
    expected = ODD_FILES[name][1]
    if expected is None:
        with pytest.raises(CorpusFormatError) as info:
            list(read_source(odd_files[name], Vocab()))
        assert info.value.path == str(odd_files[name]) and info.value.line is not None
        assert "--loader conll" in str(info.value) and "--loader text" in str(info.value)
        return
    assert [doc.text for doc in read_source(odd_files[name], Vocab())] == expected


def test_conllu_like_entities_and_explicit_columns(write_file) -> None:
    path = write_file("u.txt", CONLLU_LIKE)
    docs = list(read_source(path, Vocab()))
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [
        [("EU", "ORG"), ("German", "MISC")], [("Peter Blackburn", "PER")]]
    given_cols = SourceOptions.from_flags(loader="conll", token_col="1", tag_col="2")
    assert [d.text for d in read_source(path, Vocab(), given_cols)] == [d.text for d in docs]
    with pytest.raises(CorpusFormatError, match=r"unknown tag '-' in column 4") as info:
        list(read_source(path, Vocab(), SourceOptions.from_flags(tag_col="4")))
    assert info.value.line == 3 and "--tag-col 2" in str(info.value)


def test_given_columns_win_over_detection(write_file) -> None:
    """Prodigy's `--tokens-column 1 --tags-column 0` on a token-first file: refused with
    the flags to pass, never read wrongly."""
    path = write_file("a.conll", "EU B-ORG\nrejects O\n")
    with pytest.raises(CorpusFormatError) as info:
        list(read_source(path, Vocab(), SourceOptions.from_flags(token_col=1, tag_col=0)))
    assert "--token-col 0 --tag-col 1" in str(info.value) and info.value.line == 1
    with pytest.raises(CorpusFormatError, match="--token-col and --tag-col both name"):
        list(read_source(path, Vocab(), SourceOptions.from_flags(token_col=0, tag_col=0)))


def test_prodigy_loader_names_are_aliases(write_file) -> None:
    path = write_file("t.txt", "The EU rejects it.\n")
    docs = list(read_source(path, Vocab(), SourceOptions.from_flags(loader="txt")))
    assert [d.text for d in docs] == ["The EU rejects it."]


def test_text_loader_refuses_column_files(write_file) -> None:
    path = write_file("u.txt", CONLLU_LIKE)
    with pytest.raises(CorpusFormatError, match="column file.*--loader conll") as info:
        list(read_source(path, Vocab(), SourceOptions(loader="text")))
    assert info.value.line == 3  # a token line, not the `# sent_id` comment


def test_options_that_do_not_apply_name_their_flags(write_file) -> None:
    path = write_file("t.jsonl", '{"text": "EU rejects"}\n')
    with pytest.raises(ConfigError, match=r"--sep, --scheme do not apply.*read as jsonl"):
        list(read_source(path, Vocab(), SourceOptions.from_flags(sep="tab", scheme="BIO")))
    with pytest.raises(ConfigError, match=r"--token-col 'tokens' is not a column number"):
        list(read_source(write_file("a.conll", "EU B-ORG\nx O\n"), Vocab(),
                         SourceOptions.from_flags(token_col="tokens")))
    with pytest.raises(ConfigError, match="--scheme 'XYZ' is not a tag scheme"):
        SourceOptions.from_flags(scheme="XYZ")


def test_tally_counts_duplicates_and_keeps_first(write_file) -> None:
    path = write_file("d.conll", "EU B-ORG\n\nok O\n\nEU O\n\nok O\n\nnew O\n")
    tally = SourceTally()
    items = list(source_items(path, Vocab(), tally=tally))
    assert [item.text for item in items] == ["EU", "ok", "new"]
    assert tally == {"read": 5, "duplicates": 2, "empty": 0} and tally.kept == 3
    assert tally.note() == "2 duplicate sentences skipped"


def test_a_format_is_one_reader_and_one_registration(write_file) -> None:
    def read_pipes(path, vocab, options, tokenizer):  # "EU|B-ORG rejects|O" per line
        from spacy.tokens import Doc

        for line in Path(path).read_text().splitlines():
            words, tags = zip(*(cell.split("|") for cell in line.split()), strict=True)
            doc = Doc(vocab, words=list(words), ents=list(tags))
            yield doc

    register_format(SourceFormat("pipes", read_pipes, "word|TAG tokens",
                                 suffixes=(".pipes",)))
    try:
        path = write_file("a.pipes", "EU|B-ORG rejects|O\n")
        assert "pipes" in loader_names()
        (doc,) = read_source(path, Vocab())  # found by its suffix
        assert [(e.text, e.label_) for e in doc.ents] == [("EU", "ORG")]
        with pytest.raises(ConfigError, match="--sep does not apply"):
            list(read_source(path, Vocab(), SourceOptions.from_flags(sep="tab")))
    finally:
        FORMATS.pop("pipes")


def test_spacy_reader_takes_the_same_options(write_file) -> None:
    """``spacy-al.Source.v1`` has exactly the source options, with their defaults."""
    import spacy
    from spacy.util import registry
    from thinc.api import Config

    params = inspect.signature(create_source_reader).parameters
    defaults = SourceOptions()
    assert {o.field for o in OPTION_FLAGS} <= set(params)
    assert all(params[o.field].default == getattr(defaults, o.field) for o in OPTION_FLAGS)
    path = write_file("u.txt", CONLLU_LIKE)
    config = Config().from_str(f'[train]\n@readers = "spacy-al.Source.v1"\npath = "{path}"\n'
                               "tag_col = 2\n")
    reader = registry.resolve(config)["train"]
    examples = list(reader(spacy.blank("en")))
    assert [eg.reference.text for eg in examples] == ["EU rejects German call",
                                                      "Peter Blackburn"]


_COLUMN = st.one_of(st.none(), st.integers(-6, 6).map(str), st.sampled_from(
    ["tokens", "", " ", "1.5", "-0", "ner_tags"]))
_OPTIONS = st.fixed_dictionaries({
    "loader": st.one_of(st.sampled_from([n for n in loader_names() if n != "hf"]),
                        st.sampled_from(["", "AUTO", "xml", "Conll"])),
    "token_col": _COLUMN,
    "tag_col": _COLUMN,
    "sep": st.one_of(st.none(), st.sampled_from(["tab", "space", "auto", ",", "", "  ", "\\t",
                                                 "|", "\n", "whitespace"])),
    "scheme": st.one_of(st.none(), st.sampled_from(["auto", "BIO", "iob1", "IO", "BILUO",
                                                    "BIOES", "xyz", ""])),
    "repair": st.booleans(),
    "split": st.one_of(st.none(), st.just("test")),
    "text_column": st.one_of(st.none(), st.just("text")),
})


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=_OPTIONS, name=st.sampled_from(sorted(ODD_FILES)))
def test_no_option_combination_escapes_as_a_traceback(odd_files: dict[str, Path],
                                                      values: dict, name: str) -> None:
    """Any options on any odd file: Docs, or one of our errors that says what to pass."""
    try:
        docs = list(read_source(odd_files[name], Vocab(), SourceOptions.from_flags(**values)))
    except SpacyALError as err:
        assert "Fix:" in str(err) or "Pass" in str(err), err
        assert "_col=" not in str(err) and "sep=" not in str(err)  # flags, not Python names
        return
    assert all(len(doc) for doc in docs)


def test_active_learning_corpus_takes_a_source_block(write_file) -> None:
    """``[corpora.train.source]`` of ``spacy-al.ActiveLearningCorpus.v1``: the same options,
    checked when the config is loaded; the pool is read with them."""
    from spacy_al.loop import create_active_learning_corpus
    from spacy_al.pipeline.build import create_al_nlp

    path = write_file("mit.txt", "steve\tB-Actor\nmovies\tO\n\nshow\tO\n\ncomedy\tB-Genre\n")
    with pytest.raises(ConfigError, match="--scheme 'xyz' is not a tag scheme"):
        create_active_learning_corpus(path=path, source={"scheme": "xyz"})
    corpus = create_active_learning_corpus(
        path=path, source={"token_col": 1, "tag_col": 0, "sep": "tab"}, strategy="random",
        unit="sentences", seed_size=2, query_size=1, max_rounds=1)
    nlp = create_al_nlp(["Actor", "Genre"], "tok2vec", tok2vec_width=16)
    with pytest.raises(CorpusFormatError, match="unknown tag 'steve'.*--token-col 0 --tag-col 1"):
        list(corpus(nlp))
