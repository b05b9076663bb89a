"""The docs a user reads stay readable: lines wrapped at 120 characters, no commit hashes in
prose (the results index names each result file's commit), and every relative link resolves
(to a file, and to one of its headings where the link names one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MAX_LINE = 120
RESULTS_INDEX = REPO / "docs" / "benchmarks" / "README.md"
PROSE = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
"""Files whose text outside code blocks may not name a commit."""
WRAPPED = [*PROSE, RESULTS_INDEX]
"""Files wrapped at MAX_LINE and whose relative links must resolve."""

HASH = re.compile(r"(?<![\w./-])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}(?![\w/-])")
"""A token of 7-40 lowercase hex digits with at least one letter and one digit."""
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def outside_code_blocks(text: str) -> list[tuple[int, str]]:
    """The numbered lines of a Markdown text that are not inside a fenced code block."""
    lines: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def commit_like(line: str) -> list[str]:
    return HASH.findall(line)


def relative_targets(line: str) -> list[str]:
    targets = [match.group(1) for match in LINK.finditer(line)]
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t)]


def anchors(markdown: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    headings = [line.lstrip("#").strip() for _, line in
                outside_code_blocks(markdown.read_text(encoding="utf8")) if line.startswith("#")]
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def resolves(source: Path, target: str) -> bool:
    name, _, anchor = target.partition("#")
    path = source.parent / name if name else source
    if not path.exists():
        return False
    return not anchor or path.suffix != ".md" or anchor in anchors(path)


def names(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(REPO)) for path in paths]


@pytest.mark.parametrize("path", WRAPPED, ids=names(WRAPPED))
def test_lines_are_wrapped(path: Path) -> None:
    long = [f"{path.relative_to(REPO)}:{number} ({len(line)} characters)"
            for number, line in enumerate(path.read_text(encoding="utf8").splitlines(), start=1)
            if len(line) > MAX_LINE]
    assert not long, f"lines over {MAX_LINE} characters: {long}"


@pytest.mark.parametrize("path", PROSE, ids=names(PROSE))
def test_no_commit_hashes_in_prose(path: Path) -> None:
    found = [f"{path.relative_to(REPO)}:{number}: {token}"
             for number, line in outside_code_blocks(path.read_text(encoding="utf8"))
             for token in commit_like(line)]
    assert not found, f"commit hashes belong in docs/benchmarks/README.md only: {found}"


@pytest.mark.parametrize("path", WRAPPED, ids=names(WRAPPED))
def test_relative_links_resolve(path: Path) -> None:
    broken = [f"{path.relative_to(REPO)}:{number}: {target}"
              for number, line in outside_code_blocks(path.read_text(encoding="utf8"))
              for target in relative_targets(line)
              if not resolves(path, target)]
    assert not broken, f"links to files or headings that do not exist: {broken}"


def ragged_table_rows(text: str) -> list[int]:
    """Numbers of the table rows whose cell count differs from their table's header."""
    ragged: list[int] = []
    header: int | None = None
    for number, line in outside_code_blocks(text):
        if not line.startswith("|"):
            header = None
            continue
        cells = len(re.split(r"(?<!\\)\|", line.strip())) - 2
        header = cells if header is None else header
        if cells != header:
            ragged.append(number)
    return ragged


@pytest.mark.parametrize("path", WRAPPED, ids=names(WRAPPED))
def test_table_rows_match_their_header(path: Path) -> None:
    ragged = ragged_table_rows(path.read_text(encoding="utf8"))
    assert not ragged, f"{path.relative_to(REPO)}: rows {ragged} have a cell too many or few"


def test_the_checks_can_fail() -> None:
    """Known answers for the two detectors the tests above rely on."""
    assert commit_like("rows at commit 3f46854 and `4ff72d270604`") == ["3f46854", "4ff72d270604"]
    assert commit_like("1,000,000 words, 0.8697, facade, bf16, sha256, 2026-11-28, a/0b1a06a") == []
    text = "see [the plot](benchmarks/x.png), ![c](c.png \"t\"), [web](https://x.y), [top](#a)"
    assert relative_targets(text) == ["benchmarks/x.png", "c.png", "#a"]
    assert {"results-accuracy-speed-and-scale", "a-million-sentences", "findings"} <= anchors(
        REPO / "docs" / "benchmarks.md")
    assert not resolves(REPO / "docs" / "benchmarks.md", "benchmarks_al.md#no-such-heading")
    assert outside_code_blocks("a\n```\nb\n```\nc") == [(1, "a"), (5, "c")]
    table = "| a | b |\n|---|---|\n| 1 \\| 2 | 3 |\n\n| x |\n| 1 | 2 |"
    assert ragged_table_rows(table) == [6]


def code_blocks(text: str) -> list[str]:
    """The contents of a Markdown text's fenced code blocks, in order."""
    blocks: list[str] = []
    current: list[str] = []
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            if fenced:
                blocks.append("\n".join(current).strip())
            current, fenced = [], not fenced
        elif fenced:
            current.append(line)
    return blocks


def test_readme_quickstart_is_the_two_scripts_and_ci_runs_its_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert code_blocks(quickstart) == ["bash scripts/run.sh", "bash scripts/test.sh"]
    assert all((REPO / "scripts" / name).is_file() for name in ("run.sh", "test.sh"))
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    assert ci[-1] == "bash scripts/test.sh", "CI must run the README's test command"
