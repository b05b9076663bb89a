"""The spaCy readers spacy-al.Conll.v1 / OntoNotes.v1 / Jsonl.v1."""

from __future__ import annotations

import json
from importlib.metadata import entry_points

import pytest
import spacy
from spacy.training import Example

from spacy_al.corpora import registered

CONLL = "EU\tB-ORG\nsaid\tO\n\nBonn\tB-LOC\n\nok\tO\n\nUN\tB-ORG\nmet\tO\n"
ONTO = "#begin document (d); part 000\nd 0 0 Paris NNP * - - - - (GPE) -\n#end document\n"
JSONL = "\n".join(json.dumps(row) for row in [
    {"text": "Paris is big", "answer": "accept", "spans": [{"start": 0, "end": 5, "label": "GPE"}]},
    {"text": "Rome too", "answer": "reject"},
    {"text": "Not annotated"},
]) + "\n"
NAMES = {
    "spacy-al.Conll.v1": registered.create_conll_reader,
    "spacy-al.OntoNotes.v1": registered.create_ontonotes_reader,
    "spacy-al.Jsonl.v1": registered.create_jsonl_reader,
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_names_resolve_in_registry_and_entry_points(name: str) -> None:
    assert spacy.registry.readers.get(name) is NAMES[name]
    (point,) = [ep for ep in entry_points(group="spacy_readers") if ep.name == name]
    assert point.load() is NAMES[name]


def check_examples(examples: list[Example]) -> None:
    for eg in examples:
        assert isinstance(eg, Example)
        assert [t.text for t in eg.predicted] == [t.text for t in eg.reference]
        assert eg.predicted.text == eg.reference.text
        assert not eg.predicted.has_annotation("ENT_IOB")


def test_conll_reader_from_config(write_file) -> None:
    path = write_file("a.tsv", CONLL)
    nlp = spacy.blank("en")
    config = {"corpus": {"@readers": "spacy-al.Conll.v1", "path": str(path), "sep": "\t",
                         "scheme": "BIO", "limit": 3}}
    reader = spacy.registry.resolve(config)["corpus"]
    examples = list(reader(nlp))
    check_examples(examples)
    assert [eg.reference.text for eg in examples] == ["EU said", "Bonn", "ok"]
    assert [[e.label_ for e in eg.reference.ents] for eg in examples] == [["ORG"], ["LOC"], []]
    assert examples[0].reference.vocab is nlp.vocab
    assert len(list(reader(nlp))) == 3  # readable again, every epoch


def test_shuffle_with_seed_is_deterministic(write_file) -> None:
    path = write_file("a.tsv", CONLL)
    nlp = spacy.blank("en")

    def orders(seed: int) -> list[list[str]]:
        reader = registered.create_conll_reader(path, shuffle=True, seed=seed)
        return [[eg.reference.text for eg in reader(nlp)] for _ in range(3)]

    assert orders(1) == orders(1)
    assert all(sorted(order) == sorted(["EU said", "Bonn", "ok", "UN met"]) for order in orders(2))


def test_ontonotes_and_jsonl_readers(write_file) -> None:
    nlp = spacy.blank("en")
    onto = list(registered.create_ontonotes_reader(write_file("d.gold_conll", ONTO))(nlp))
    check_examples(onto)
    assert [(e.text, e.label_) for e in onto[0].reference.ents] == [("Paris", "GPE")]
    jsonl = list(registered.create_jsonl_reader(write_file("a.jsonl", JSONL))(nlp))
    check_examples(jsonl)
    assert [eg.reference.text for eg in jsonl] == ["Paris is big", "Not annotated"]
    assert not jsonl[1].reference.has_annotation("ENT_IOB")  # raw: missing, not O
    skipped = registered.create_jsonl_reader(write_file("a.jsonl", JSONL), unanswered="skip")
    assert len(list(skipped(nlp))) == 1


def test_examples_train_a_spacy_ner(write_file) -> None:
    reader = registered.create_conll_reader(write_file("a.tsv", CONLL), sep="\t")
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    optimizer = nlp.initialize(lambda: reader(nlp))
    assert set(nlp.get_pipe("ner").labels) == {"ORG", "LOC"}
    losses = nlp.update(list(reader(nlp)), sgd=optimizer)
    assert losses["ner"] > 0
