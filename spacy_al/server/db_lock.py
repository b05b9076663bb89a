"""One server per database file: an exclusive lock next to the SQLite file.

Two servers on one file would each keep their own reservations in memory and
serve every sentence twice, so the second one refuses to start, naming the file
and the server holding it. The lock is an ``flock`` on ``DB.server-lock``: the
kernel releases it when the process ends, even after ``kill -9``, so a crash
never leaves a stale lock behind.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import IO, Any

from ..errors import SpacyALError


class DatabaseInUseError(SpacyALError):
    code = "E104"


def lock_path(db_path: str | Path) -> Path:
    path = Path(db_path).expanduser()
    return path.with_name(path.name + ".server-lock")


class ServerLock:
    """Held while a server runs on ``db_path``; :class:`DatabaseInUseError` if taken."""

    def __init__(self, db_path: str | Path, info: dict[str, Any]) -> None:
        self.path = lock_path(db_path)
        self.db_path = Path(db_path).expanduser()
        self.info = {"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), **info}
        self._handle: IO[str] | None = None

    def acquire(self) -> ServerLock:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, as before
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "{}"
            handle.close()
            raise self._in_use(holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(self.info))
        handle.flush()
        self._handle = handle
        return self

    def _in_use(self, holder: str) -> DatabaseInUseError:
        try:
            info = json.loads(holder)
        except ValueError:
            info = {}
        who = ", ".join(f"{key} {info[key]}" for key in ("pid", "url", "started") if key in info)
        return DatabaseInUseError(
            f"The database {self.db_path} is in use by another spacy-al server "
            f"({who or 'details unknown'}; lock file {self.path}).",
            fix="Stop that server, or annotate into another file with --db PATH.")

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing drops the flock
            self._handle = None

    def __enter__(self) -> ServerLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
