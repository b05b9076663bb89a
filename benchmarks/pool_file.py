"""What the million-sentence benchmarks share: the pool file and peak-memory polling.

``write_pool_file`` makes ``n`` distinct lines from the shared CoNLL-2003 and OntoNotes
corpora (their distinct sentences, then again with a `` #k`` suffix); ``RssWatch`` polls
the peak resident memory (VmHWM) of a process and of its children by role.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
SOURCES = ("conll2003/train.txt", "conll2003/dev.txt", "conll2003/test.txt",
           "ontonotes5/train.txt")


def corpus_sentences() -> Iterator[str]:
    """Sentences (words joined by spaces) of the shared corpora, first column of CoNLL-like
    files; ``-DOCSTART-`` lines and OntoNotes' ``#`` comment lines skipped."""
    for name in SOURCES:
        path = CORPORA / name
        if not path.is_file():
            continue
        words: list[str] = []
        with path.open(encoding="utf8") as lines:
            for line in lines:
                parts = line.split()
                if not parts or parts[0] == "-DOCSTART-" or line.startswith("#"):
                    if words:
                        yield " ".join(words)
                    words = []
                else:
                    words.append(parts[0])
        if words:
            yield " ".join(words)


def write_pool_file(path: Path, n: int) -> int:
    """``n`` distinct lines: the corpora's distinct sentences, then again with `` #k``."""
    distinct = list(dict.fromkeys(s for s in corpus_sentences() if s.strip()))
    if not distinct:
        raise SystemExit(f"no corpora under {CORPORA}: this benchmark needs ../shared")
    with path.open("w", encoding="utf8") as out:
        for i in range(n):
            copy, index = divmod(i, len(distinct))
            out.write(distinct[index] + (f" #{copy}" if copy else "") + "\n")
    return len(distinct)


def pool_file(work: Path, n: int) -> Path:
    """The pool file of ``n`` lines in ``work``, written there unless it is already."""
    work.mkdir(parents=True, exist_ok=True)
    pool = work / f"pool-{n}.txt"
    if not pool.is_file():
        write_pool_file(pool, n)
    return pool


class RssWatch:
    """Peak resident memory (VmHWM, MB) of a process and of its children, polled: the
    model worker, and the pool writer while a new pool is being read."""

    ROLES = {"retraining.worker": "worker", "pool_writer": "pool_writer"}

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[str, float] = {"server": 0.0, "worker": 0.0, "pool_writer": 0.0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    @staticmethod
    def _hwm(pid: int) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def _children(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def _role(self, pid: int) -> str:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf8", "replace")
        except OSError:
            return "other"
        return next((role for key, role in self.ROLES.items() if key in command), "other")

    def _poll(self) -> None:
        while not self._stop.is_set():
            self._poll_once()
            time.sleep(0.25)

    def stop(self) -> dict[str, float]:
        self._poll_once()
        self._stop.set()
        self._thread.join(timeout=2)
        return {k: round(v, 1) for k, v in self.peaks.items()}

    def _poll_once(self) -> None:
        self.peaks["server"] = max(self.peaks["server"], self._hwm(self.pid))
        for child in self._children():
            role = self._role(child)
            self.peaks[role] = max(self.peaks.get(role, 0.0), self._hwm(child))
