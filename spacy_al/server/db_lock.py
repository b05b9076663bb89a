"""One server per database file: an exclusive ``flock`` on the SQLite file itself.

Two servers on one file would each keep their own reservations in memory and
serve every sentence twice, so the second one refuses to start, naming the file
and the server holding it. The lock is taken on the database file (its inode), so
it holds through any path to it: a symlink, a hard link, ``..`` in the path. (SQLite
locks with ``fcntl`` byte ranges, which do not interact with ``flock`` on Linux.) The
kernel releases it when the process ends, even after ``kill -9``, so a crash never
leaves a stale lock behind. Who holds it is written to ``DB.server-lock`` beside
the real file (symlinks resolved); through a hard link elsewhere the holder's pid is
read from ``/proc/locks``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from ..errors import SpacyALError
from ..store.database import DatabaseError


class DatabaseInUseError(SpacyALError):
    code = "E104"


def lock_path(db_path: str | Path) -> Path:
    """Where the holder's details are written: beside the real database file."""
    path = Path(db_path).expanduser().resolve()
    return path.with_name(path.name + ".server-lock")


class ServerLock:
    """Held while a server runs on ``db_path``; :class:`DatabaseInUseError` if taken."""

    def __init__(self, db_path: str | Path, info: dict[str, Any]) -> None:
        self.db_path = Path(db_path).expanduser()
        self.path = lock_path(db_path)
        self.info = {"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), **info}
        self._fd: int | None = None
        self._created = False

    def acquire(self) -> ServerLock:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, as before
            return self
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            self._created = not self.db_path.exists()
            fd = os.open(self.db_path, os.O_RDWR | os.O_CREAT, 0o644)  # empty: a new database
        except OSError as err:
            raise DatabaseError(f"Cannot open the database {self.db_path} for writing: "
                                f"{err.strerror}.", fix="Make the file and its folder "
                                "writable, or pass another file with --db.") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            inode = os.fstat(fd).st_ino
            os.close(fd)
            raise self._in_use(inode) from None
        self._fd = fd
        self.info["inode"] = os.fstat(fd).st_ino
        self.path.write_text(json.dumps(self.info), encoding="utf8")
        return self

    def _in_use(self, inode: int) -> DatabaseInUseError:
        try:
            info = json.loads(self.path.read_text(encoding="utf8"))
        except (OSError, ValueError):
            info = {}
        how = ""
        if not isinstance(info, dict) or info.get("inode") != inode:  # through a hard link
            pid = _flock_holder(inode)
            info, how = ({"pid": pid} if pid else {}), ", through another link to this file"
        who = ", ".join(f"{key} {info[key]}" for key in ("pid", "url", "started") if key in info)
        return DatabaseInUseError(
            f"The database {self.db_path} is in use by another spacy-al server "
            f"({who or 'details unknown'}{how}; lock details in {self.path}).",
            fix="Stop that server, or annotate into another file with --db PATH.")

    def release(self) -> None:
        """Drop the lock (the database is closed by now); a file this lock created and
        nothing wrote to (the server did not start) is removed, while still locked."""
        if self._fd is not None:
            if self._created and os.fstat(self._fd).st_size == 0:
                self.db_path.unlink(missing_ok=True)
                self.path.unlink(missing_ok=True)
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> ServerLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _flock_holder(inode: int) -> int | None:
    """The pid holding a ``flock`` on ``inode`` (Linux ``/proc/locks``), if it can be read."""
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) > 5 and parts[1] == "FLOCK" and parts[5].rsplit(":", 1)[-1] == str(inode):
            return int(parts[4]) if parts[4].isdigit() else None
    return None
