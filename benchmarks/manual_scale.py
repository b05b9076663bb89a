"""``ner.manual`` on a pool of a million sentences: memory and time to the first question.

Side by side in one run, each way in a fresh process on the same pool file (the lines of
``pool_file.py``: the shared corpora's distinct sentences, repeated with a
`` #k`` suffix), measuring the process's peak resident memory (VmHWM) and the pool
writer's, the seconds to the first batch of questions and to the whole pool being
servable:

- ``in memory``: what ``ner.manual`` did before it streamed from Arrow: the source read
  into a list of pool items and one task per sentence ranked in the stream;
- ``arrow, first start``: ``ner.manual`` now, the cache not written yet: it starts on
  the first 20,000 sentences while a child process writes the whole pool;
- ``arrow, cached``: ``ner.manual`` again, finding the cache.

With ``--patterns`` two more, on the cache, with a pattern file (``PATTERNS``):

- ``patterns, whole pool first``: what ``ner.manual --patterns`` did before: every
  sentence matched before the first question;
- ``patterns, in the background``: now: the first batch matched, the rest in a thread
  (``whole pool servable`` there: the seconds until the last match is ranked).

Prints a table and writes ``docs/benchmarks/manual_scale.json``::

    nice python benchmarks/manual_scale.py --sentences 1000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from pool_file import RssWatch, pool_file  # noqa: E402 - after the path

from spacy_al.benchmark.hardware import describe_hardware  # noqa: E402

WAYS = ("in memory", "arrow, first start", "arrow, cached")
PATTERN_WAYS = ("patterns, whole pool first", "patterns, in the background")
LABELS = ["PER", "ORG", "LOC", "MISC"]
PATTERNS = [{"label": "LOC", "pattern": "Germany"}, {"label": "ORG", "pattern": "Reuters"},
            {"label": "PER", "pattern": [{"LOWER": "john"}, {"IS_TITLE": True}]}]


def write_patterns(work: Path) -> Path:
    path = work / "patterns.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PATTERNS), encoding="utf8")
    return path


def patterns_first(pool: Path, cache: Path) -> Any:
    """``ner.manual --patterns`` before: the whole pool matched, then the stream ranked."""
    from spacy_al.recipe_runtime.manual_pool import manual_task, pattern_tasks
    from spacy_al.recipe_runtime.patterns import PatternMatcher
    from spacy_al.recipe_runtime.pool_cache import open_or_start
    from spacy_al.server.stream import PoolStream

    items, _ = open_or_start(str(pool), head=20_000, lang="en", loader="text",
                             pool_cache=str(cache))
    stream = PoolStream(items, exclude_by="input",
                        unranked=lambda item: manual_task(item, "sequential"))
    matcher = PatternMatcher(write_patterns(cache.parent), "en")
    stream.set_ranking(pattern_tasks(items, "sequential", matcher), truncated=True)
    return stream


def matching_done() -> None:
    import threading

    while any(t.name == "pattern-matcher" for t in threading.enumerate()):
        time.sleep(0.2)


def child(way: str, pool: Path, cache: Path, n: int) -> dict[str, Any]:
    """Build the stream the way ``way`` does, serve a first batch, then wait until the
    whole pool is servable. Runs in its own process (its VmHWM is the figure)."""
    began = time.monotonic()
    if way == "in memory":
        from spacy_al.recipe_runtime.manual_pool import manual_task
        from spacy_al.recipe_runtime.sources import load_source
        from spacy_al.server.stream import PoolStream

        items = load_source(str(pool), loader="text")
        stream = PoolStream(items, exclude_by="input")
        stream.set_ranking([manual_task(item, "sequential") for item in items])
    elif way == PATTERN_WAYS[0]:
        stream = patterns_first(pool, cache)
    else:
        from spacy_al.recipes.ner_manual import ner_manual

        patterns = str(write_patterns(cache.parent)) if way in PATTERN_WAYS else None
        stream = ner_manual("bench", str(pool), label=LABELS, loader="text",
                            pool_cache=str(cache), patterns=patterns)["stream"]
    first = stream.next_batch("bench-session", 10)
    first_seconds = time.monotonic() - began
    from spacy_al.recipe_runtime.components import HEAD_SENTENCES

    while n > HEAD_SENTENCES and len(stream.items) <= HEAD_SENTENCES:  # the writer's turn
        time.sleep(0.2)
    matching_done()
    assert len(first) == 10
    return {"first_batch_seconds": round(first_seconds, 1),
            "whole_pool_seconds": round(time.monotonic() - began, 1),
            "pool_sentences": len(stream.items)}


def run_way(way: str, pool: Path, cache: Path, n: int) -> dict[str, Any]:
    proc = subprocess.Popen([sys.executable, __file__, "--child", way, "--pool", str(pool),
                             "--cache", str(cache), "--sentences", str(n)],
                            stdout=subprocess.PIPE)
    watch = RssWatch(proc.pid)
    out, _ = proc.communicate()
    peaks = watch.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{way}: exit status {proc.returncode}")
    return {"way": way, **json.loads(out.decode("utf8").strip().splitlines()[-1]),
            "peak_rss_mb": peaks["server"], "pool_writer_peak_rss_mb": peaks["pool_writer"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path,
                        default=REPO / "docs" / "benchmarks" / "manual_scale.json")
    parser.add_argument("--patterns", action="store_true",
                        help="also ner.manual --patterns, before and now, on the cache")
    parser.add_argument("--child", choices=WAYS + PATTERN_WAYS, help=argparse.SUPPRESS)
    parser.add_argument("--pool", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.pool, args.cache, args.sentences)))
        return
    with tempfile.TemporaryDirectory(prefix="spacy-al-manual-") as tmp:
        work = args.workdir or Path(tmp)
        pool = pool_file(work, args.sentences)
        subprocess.run(["rm", "-rf", str(work / "cache")], check=True)
        rows = []
        for way in WAYS + (PATTERN_WAYS if args.patterns else ()):
            rows.append(run_way(way, pool, work / "cache", args.sentences))
            print(json.dumps(rows[-1]), flush=True)
    print(f"\nner.manual on {args.sentences:,} sentences\n")
    print("| way | first batch (s) | whole pool servable (s) | peak RSS (MB) | writer (MB) |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['way']} | {r['first_batch_seconds']} | {r['whole_pool_seconds']} | "
              f"{r['peak_rss_mb']:,.0f} | {r['pool_writer_peak_rss_mb']:,.0f} |")
    result = {"benchmark": "ner.manual on a large pool: before (in memory) and on Arrow",
              "date": time.strftime("%Y-%m-%d %H:%M:%S"), "hardware": describe_hardware(),
              "sentences": args.sentences, "rows": rows,
              "command": "python benchmarks/manual_scale.py " + " ".join(sys.argv[1:])}
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf8")
    print(f"\nWrote {args.json}")


if __name__ == "__main__":
    main()
