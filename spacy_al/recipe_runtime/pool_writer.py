"""Write a source's whole Arrow pool in a child process while the session starts.

``python -m spacy_al.recipe_runtime.pool_writer`` reads a :class:`PoolPlan` as JSON on
its stdin and writes the pool (nice'd: the annotators' requests come first). The
parent's :class:`PoolWriter` waits for it in a thread and hands the opened pool to a
callback; a failure (a bad line far into the file) is logged with its reason and the
session goes on with the sentences it has.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

from ..store.pool_items import ArrowItems
from .pool_cache import PoolPlan

logger = logging.getLogger(__name__)
NICE = 10


class PoolWriter:
    """A child process writing a pool folder; ``on_done(callback)`` once it is written."""

    def __init__(self, plan: PoolPlan) -> None:
        self.plan = plan
        self.proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        assert self.proc.stdin is not None
        self.proc.stdin.write(plan.to_json().encode("utf8"))
        self.proc.stdin.close()
        self.error: str | None = None

    def on_done(self, callback: Callable[[ArrowItems], Any]) -> threading.Thread:
        """Call ``callback(whole pool)`` from a thread once the child has written it."""
        def wait() -> None:
            assert self.proc.stderr is not None
            err = self.proc.stderr.read()
            self.proc.wait()
            if self.proc.returncode != 0:
                lines = err.decode("utf8", "replace").strip().splitlines()
                self.error = lines[-1] if lines else f"exit status {self.proc.returncode}"
                logger.error("spacy-al: reading the rest of %s failed (%s); the session "
                             "goes on with the first sentences", self.plan.path, self.error)
                return
            callback(ArrowItems.open(self.plan.folder))

        thread = threading.Thread(target=wait, name="spacy-al-pool-writer", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def main() -> None:
    args: dict[str, Any] = json.loads(sys.stdin.read())
    try:
        os.nice(NICE)
    except OSError:
        pass
    plan = PoolPlan.of(args.pop("source"), loader=args.pop("loader"),
                       pool_cache=args.pop("pool_cache"), **args)
    try:
        plan.write()
    except Exception as err:  # noqa: BLE001 - reported to the parent on stderr
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
