"""``spacy-al convert``: the importable function and the typer command (round trip)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from spacy.tokens import DocBin
from spacy.vocab import Vocab
from typer.testing import CliRunner

from spacy_al.cli import app
from spacy_al.cli.convert_command import convert
from spacy_al.corpora import corpus_stats, read_conll
from spacy_al.corpora.options import parse_sep
from spacy_al.errors import ConfigError

CONLL = (
    "-DOCSTART- O\n\nACME I-ORG\nrejects O\nDutch I-MISC\ncall O\n\nLena I-PER\nsaid O\n\n"
    "-DOCSTART- O\n\nUtrecht I-LOC\n"
)
TAG_FIRST = "B-Rating\t2\nI-Rating\tstar\nO\tplaces\n\nO\thi\n"


def cli_args(*args: str) -> list[str]:
    """``convert ARGS``; typer runs a lone command without its name, so allow for that."""
    group = hasattr(typer.main.get_command(app), "commands")
    return ["convert", *args] if group else list(args)


def read_back(path: Path) -> list:
    return list(DocBin().from_disk(path).get_docs(Vocab()))


def test_cli_round_trip_per_document(write_file, tmp_path) -> None:
    source = write_file("a.conll", CONLL)
    out = tmp_path / "out" / "a.spacy"
    result = CliRunner().invoke(app, cli_args(str(source), str(out), "--format", "conll"))
    assert result.exit_code == 0, result.output
    assert "2 docs, 3 sentences, 7 tokens, 4 entities" in result.output
    docs = read_back(out)
    assert [d.text for d in docs] == ["ACME rejects Dutch call Lena said", "Utrecht"]
    assert [s.text for s in docs[0].sents] == ["ACME rejects Dutch call", "Lena said"]
    assert docs[0].user_data["source"] == f"{source}:3"
    expected = corpus_stats(read_conll(source, Vocab()))
    assert corpus_stats(docs) == {**expected, "docs": 2}


def test_cli_docs_per_sentence_and_tag_first(write_file, tmp_path) -> None:
    source = write_file("mit.bio", TAG_FIRST)
    out = tmp_path / "mit.spacy"
    args = cli_args(str(source), str(out), "--token-col", "1", "--tag-col", "0", "--sep", "TAB",
                    "--scheme", "BIO", "--docs-per-sentence")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 docs, 2 sentences, 4 tokens, 1 entities" in result.output
    docs = read_back(out)
    assert [(e.text, e.label_) for e in docs[0].ents] == [("2 star", "Rating")]


def test_cli_detects_tag_first_and_reports_errors_in_flags(write_file, tmp_path) -> None:
    source = write_file("mit.bio", TAG_FIRST)
    result = CliRunner().invoke(app, cli_args(str(source), str(tmp_path / "x.spacy")))
    assert result.exit_code == 0, result.output  # the tag column is found first
    assert "2 docs, 2 sentences, 4 tokens, 1 entities" in result.output
    result = CliRunner().invoke(app, cli_args(str(source), str(tmp_path / "y.spacy"),
                                              "--token-col", "0", "--tag-col", "1"))
    assert result.exit_code == 1
    assert "line 1: unknown tag '2'" in result.output
    assert "--token-col 1 --tag-col 0" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "y.spacy").exists()


def test_convert_function_other_formats(write_file, tmp_path) -> None:
    onto = write_file("d.gold_conll", "#begin document (d); part 000\n"
                      "d 0 0 Paris NNP * - - - - (GPE) -\n\n"
                      "d 0 0 ok UH * - - - - * -\n#end document\n")
    stats = convert(onto, tmp_path / "d.spacy")
    assert stats == {"docs": 1, "sentences": 2, "tokens": 2, "entities": 1, "duplicates": 0,
                     "per_type": {"GPE": 1}}
    assert corpus_stats(read_back(tmp_path / "d.spacy")) == stats
    jsonl = write_file("t.jsonl", '{"text": "Paris", "answer": "accept", '
                       '"spans": [{"start": 0, "end": 5, "label": "GPE"}]}\n')
    assert convert(jsonl, tmp_path / "t.spacy")["entities"] == 1
    with pytest.raises(ConfigError, match="--tag-col does not apply to .*jsonl"):
        convert(jsonl, tmp_path / "t.spacy", tag_col=0)


@pytest.mark.parametrize(("value", "sep"), [("TAB", "\t"), ("\\t", "\t"), ("space", " "),
                                            ("auto", None), (None, None), (";", ";")])
def test_parse_sep(value: str | None, sep: str | None) -> None:
    assert parse_sep(value) == sep
