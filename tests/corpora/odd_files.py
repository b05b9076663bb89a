"""A corpus of odd column and text files, and the sentences ``--loader auto`` reads in each.

``ODD_FILES[name] = (content, sentences)``; sentences None: the file is refused with a
:class:`~spacy_al.errors.CorpusFormatError` naming it (it cannot be told apart).
"""

from __future__ import annotations

from pathlib import Path

CONLLU_LIKE = (
    "# sent_id = 1\r\n# text = EU rejects German call\r\n"
    "1\tEU\tB-ORG\t_\t-\r\n2\trejects\tO\t_\t-\r\n3\tGerman\tB-MISC\t_\t-\r\n4\tcall\tO\t_\t-\r\n"
    "\r\n# sent_id = 2\r\n# text = Peter Blackburn\r\n"
    "1\tPeter\tB-PER\t_\t-\r\n2\tBlackburn\tI-PER\t_\t-\r\n"
)
TAG_FIRST = "B-Actor\tsteve\r\nI-Actor\tmcqueen\r\nO\tmovies\r\n\r\nO\tshow\r\nB-Genre\tcomedy\r\n"

ODD_FILES: dict[str, tuple[str, list[str] | None]] = {
    "tag_first.txt": (TAG_FIRST, ["steve mcqueen movies", "show comedy"]),
    "conllu_like.txt": (CONLLU_LIKE, ["EU rejects German call", "Peter Blackburn"]),
    "indexed.txt": ("1 EU B-ORG\n2 rejects O\n\n1 Peter B-PER\n", ["EU rejects", "Peter"]),
    "conll2003.txt": ("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n"
                      "Peter NNP B-NP B-PER\n", ["EU rejects", "Peter"]),
    "bom.txt": ("\ufeffEU B-ORG\nrejects O\n\nok O\n", ["EU rejects", "ok"]),
    "commented.txt": ("# a comment\nEU B-ORG\n# another one\nrejects O\n", ["EU rejects"]),
    "tab_tokens.tsv": ("New York\tB-LOC\nis\tO\n\nnice\tO\n", ["New York is", "nice"]),
    "mixed_separators.txt": ("EU\tB-ORG\nrejects O\ncall \t O\n", ["EU rejects call"]),
    "empty_lines.txt": ("\n\n\nEU B-ORG\n  \n\n\nrejects O\n\n\n", ["EU", "rejects"]),
    "prose.txt": ("The EU rejects the call.\nPeter Blackburn wrote it.\n",
                  ["The EU rejects the call.", "Peter Blackburn wrote it."]),
    "tabular_text.txt": ("name\tage\ncarl\t31\nanna\t27\n", ["name\tage", "carl\t31", "anna\t27"]),
    "tabular_no_tags.txt": ("ACME NNP\nsaid VBD\nno DT\n\nAnna NNP\nsaid VBD\nyes UH\n", None),
    "hashtags.txt": ("#blessed day\n#EU rejects the call today\n",
                     ["#blessed day", "#EU rejects the call today"]),
    "jsonl_like.txt": ('{"text": "EU rejects"}\n', ["EU rejects"]),
}


def write_odd_files(folder: Path) -> dict[str, Path]:
    """Write every odd file into ``folder`` (bytes as given: CRLF and BOM kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (content, _) in ODD_FILES.items():
        path = folder / name
        path.write_bytes(content.encode("utf-8"))
        paths[name] = path
    return paths
