"""Every command reads a column file the same way, with the same flags, and says the same
counts about it (duplicates included): convert, db-in, db-stats, the annotate recipes'
pool and banner."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.errors import CorpusFormatError
from spacy_al.recipe_runtime import parse_recipe_args
from spacy_al.recipe_runtime.decorator import get_recipe
from spacy_al.recipe_runtime.pool_cache import database_in_use, source_pool
from spacy_al.recipe_runtime.sources import sentences_line
from tests.corpora.odd_files import CONLLU_LIKE, ODD_FILES, TAG_FIRST, write_odd_files

DUPLICATES = "EU B-ORG\nrejects O\n\nok O\n\nEU B-ORG\nrejects O\n\nnew O\n\nok O\n"
"""5 sentences, 2 of them repeats: 3 kept."""


def cli(*args: str) -> list[str]:
    group = hasattr(typer.main.get_command(app), "commands")
    return list(args) if group else list(args[1:])


def invoke(*args: str):  # noqa: ANN201 - typer's Result
    result = CliRunner().invoke(app, cli(*args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("content", [TAG_FIRST, CONLLU_LIKE])
def test_convert_and_db_in_read_odd_files_without_flags(write_file, tmp_path: Path,
                                                        content: str) -> None:
    path = write_file("odd.txt", content)
    result = invoke("convert", str(path), str(tmp_path / "odd.spacy"))
    assert result.exit_code == 0 and "2 sentences" in result.output
    db = str(tmp_path / "a.db")
    result = invoke("db-in", "ds", str(path), "--db", db)
    assert result.exit_code == 0, result.output
    assert "Imported 2 answers" in result.output and "ds-odd: 2" in result.output


def test_counts_agree_and_duplicates_are_reported(write_file, tmp_path: Path) -> None:
    path = write_file("dups.conll", DUPLICATES)
    db = str(tmp_path / "a.db")
    result = invoke("db-in", "ds", str(path), "--db", db)
    assert "Imported 3 answers" in result.output, result.output
    assert "2 duplicate sentences skipped" in result.output and "ds-dups: 3" in result.output
    stats = invoke("db-stats", "ds", "--db", db).output
    assert "Annotations   3 " in stats and "Sentences     3" in stats
    assert "2 duplicate sentences skipped on import" in stats
    with database_in_use(tmp_path / "a.db"):
        pool = source_pool(path)
    assert sentences_line(pool) == "3 sentences (2 duplicate sentences skipped)"
    again = invoke("db-in", "ds", str(path), "--db", db).output
    assert "(0 new, 3 already there)" in again
    converted = invoke("convert", str(path), str(tmp_path / "d.spacy")).output
    assert "5 sentences (2 duplicate sentences kept)" in converted  # a corpus keeps them


def _recipe(name: str, argv: list[str], db: Path) -> dict:
    func = get_recipe(name)
    with database_in_use(db):
        return func(**parse_recipe_args(func, argv))


def test_ner_manual_takes_the_shared_flags(write_file, tmp_path: Path) -> None:
    conll = write_file("a.conll", "EU B-ORG\nrejects O\n\nPeter B-PER\n")
    db = tmp_path / "a.db"
    with pytest.raises(CorpusFormatError) as info:  # Prodigy's habit on a token-first file
        _recipe("ner.manual", ["ds", str(conll), "-l", "ORG", "--tokens-column", "1",
                               "--tags-column", "0"], db)
    assert "--token-col 0 --tag-col 1" in str(info.value) and info.value.line == 1
    odd = write_file("u.txt", CONLLU_LIKE)
    for flags in ([], ["--token-col", "1", "--tag-col", "2"], ["--loader", "conll"]):
        components = _recipe("ner.manual", ["ds", str(odd), "-l", "ORG", *flags], db)
        assert sentences_line(components["stream"].items) == "2 sentences"
    with pytest.raises(CorpusFormatError, match="column file"):
        _recipe("ner.manual", ["ds", str(odd), "-l", "ORG", "--loader", "text"], db)


_FLAG_VALUES = {
    "--loader": ["auto", "conll", "text", "jsonl", "spacy", "ontonotes", "xml", ""],
    "--token-col": ["0", "1", "-1", "9", "tokens", ""],
    "--tag-col": ["0", "1", "2", "-1", "9", "ner_tags"],
    "--sep": ["tab", "space", ",", "", "auto"],
    "--scheme": ["BIO", "IO", "xyz"],
    "--split": ["test"],
    "--text-column": ["text"],
    "--tokens-column": ["1"],
}
_FLAGS = st.lists(st.sampled_from(sorted(_FLAG_VALUES)), max_size=4, unique=True).flatmap(
    lambda names: st.tuples(*[st.tuples(st.just(n), st.sampled_from(_FLAG_VALUES[n]))
                              for n in names]))


@pytest.fixture(scope="module")
def odd_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_odd_files(tmp_path_factory.mktemp("odd"))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flags=_FLAGS, name=st.sampled_from(sorted(ODD_FILES)), repair=st.booleans(),
       command=st.sampled_from(["convert", "db-in"]))
def test_cli_flags_never_end_in_a_traceback(odd_files: dict[str, Path], tmp_path: Path,
                                            flags, name: str, repair: bool,
                                            command: str) -> None:
    argv = [value for pair in flags for value in pair] + (["--repair"] if repair else [])
    source = str(odd_files[name])
    where = (["ds", source, "--db", str(tmp_path / "p.db")] if command == "db-in"
             else [source, str(tmp_path / "p.spacy")])
    result = invoke(command, *where, *argv)
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 1:
        assert result.output.startswith("[E"), result.output  # one line: code, what, fix


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flags=_FLAGS, name=st.sampled_from(sorted(ODD_FILES)))
def test_recipe_flags_never_end_in_a_traceback(odd_files: dict[str, Path], tmp_path: Path,
                                               flags, name: str) -> None:
    """ner.manual with any source flags: a session, or one of our errors."""
    from spacy_al.errors import SpacyALError

    argv = ["ds", str(odd_files[name]), "-l", "ORG",
            *[value for pair in flags for value in pair]]
    try:
        components = _recipe("ner.manual", argv, tmp_path / "r.db")
    except SpacyALError as err:
        assert "_col=" not in str(err), err  # flags, not Python names
        return
    assert len(components["stream"].items) >= 1
