"""The web UI's pure JavaScript modules pass their Node unit tests (tests/js).

Runs ``node --test`` (Node's built-in runner, no npm packages) on tests/js/*.test.mjs,
which import the modules straight from spacy_al/server/static/js/. Node is installed by
scripts/install_node.sh; without a ``node`` on PATH the tests are skipped, with the reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
JS_TESTS = REPO / "tests" / "js"
STATIC = REPO / "spacy_al" / "server" / "static"
# Modules Node imports: no DOM, no browser globals inside them.
PURE_MODULES = ["outbox.js", "undo.js", "spans.js", "api.js", "keys.js", "queue.js",
                "stability.js", "curve.js", "review_logic.js", "answer_clock.js"]
BROWSER_GLOBALS = re.compile(r"\b(document|window|localStorage|sessionStorage|navigator)\s*[.\[(]")
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not on PATH: run scripts/install_node.sh")
def test_node_unit_tests_pass() -> None:
    files = sorted(str(p.relative_to(REPO)) for p in JS_TESTS.glob("*.test.mjs"))
    assert files, f"no *.test.mjs files in {JS_TESTS}"
    # The same as `node --test tests/js/`, with the files named: every Node version >= 18
    # reads file arguments the same way. TAP output: the summary lines are stable.
    result = subprocess.run([str(NODE), "--test", "--test-reporter=tap", *files], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"^# pass (\d+)$", output, re.MULTILINE)
    failed = re.search(r"^# fail (\d+)$", output, re.MULTILINE)
    assert passed and int(passed.group(1)) >= 1, output
    assert failed and int(failed.group(1)) == 0, output


def _code(path: Path) -> str:
    """The JavaScript without its comments (good enough for these files: no regex literals
    with slashes in strings)."""
    text = path.read_text(encoding="utf8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"(?m)^\s*//.*$|\s//\s.*$", "", text)


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_modules_do_not_touch_the_dom(name: str) -> None:
    code = _code(STATIC / "js" / name)
    assert not BROWSER_GLOBALS.findall(code), f"{name} uses browser globals"


def test_the_page_loads_es_modules_that_exist() -> None:
    index = (STATIC / "index.html").read_text(encoding="utf8")
    assert '<script type="module" src="static/app.js"></script>' in index
    for path in [STATIC / "app.js", *sorted((STATIC / "js").glob("*.js"))]:
        # ~300 lines is a guide for a module cut by concept; 400 catches a runaway file,
        # as for the Python modules (tests/test_architecture.py)
        assert len(path.read_text(encoding="utf8").splitlines()) <= 400, f"{path.name} is long"
        for target in re.findall(r'^import .* from "(\./[^"]+)";$', path.read_text("utf8"), re.M):
            assert (path.parent / target).resolve().is_file(), f"{path.name}: {target} is missing"
        assert ".innerHTML" not in _code(path), f"{path.name} uses innerHTML"
