"""The annotation database: a SQLite file in WAL mode, durable before an answer is acknowledged.

Schema (version 1)::

    datasets(id, name UNIQUE, created, meta JSON, session 0|1)
    examples(id, input_hash, task_hash, session_id, answer, content JSON, created, updated)
    links(dataset_id -> datasets, example_id -> examples, task_hash, session_id,
          PRIMARY KEY (dataset_id, example_id), UNIQUE (dataset_id, task_hash, session_id))

As in Prodigy, every answer is linked to its dataset and to its session's dataset
(named after the session id). The UNIQUE key stores an answer once per dataset,
task and session: a resent answer replaces the stored one instead of adding a copy.
``synchronous=FULL`` makes a commit durable (the WAL is fsynced) before
:meth:`Database.add_examples` returns; one connection serialised by a lock serves
all threads of a server.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import SpacyALError

SCHEMA_VERSION = 1
DB_ENV = "SPACY_AL_DB"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    session INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS examples (
    id INTEGER PRIMARY KEY,
    input_hash INTEGER NOT NULL,
    task_hash INTEGER NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL
);
CREATE TABLE IF NOT EXISTS links (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    example_id INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
    task_hash INTEGER NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dataset_id, example_id),
    UNIQUE (dataset_id, task_hash, session_id)
);
CREATE INDEX IF NOT EXISTS links_example ON links(example_id);
CREATE INDEX IF NOT EXISTS examples_input ON examples(input_hash);
"""


class DatabaseError(SpacyALError):
    code = "E102"


class StorageFaultError(DatabaseError):
    """The database file cannot be written or read (full disk, read-only, damaged): nothing
    was stored. The server answers 507 (``full``) or 503; a command exits with status 1."""

    def __init__(self, message: str, *, fix: str, full: bool = False) -> None:
        self.full = full
        super().__init__(message, fix=fix)


def _not_writable(path: Path) -> bool:
    """Whether the database file exists but it or its folder (where SQLite writes its
    ``-wal`` and ``-shm`` files) cannot be written: a read-only file or filesystem."""
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def storage_fault(err: sqlite3.Error, path: Path) -> DatabaseError:
    """The error a user sees for a failed SQLite call on ``path``: what, which file, the fix."""
    text = str(err)
    lowered = text.lower()
    if "full" in lowered:
        return StorageFaultError(
            f"The disk holding the database {path} is full ({text}): nothing was stored.",
            fix="Free space on that disk (or move the database and pass --db), then send "
            "the answers again.", full=True)
    if "readonly" in lowered or "read-only" in lowered or _not_writable(path):
        return StorageFaultError(
            f"The database {path} is read-only ({text}): nothing was stored.",
            fix=f"Make {path} and its folder writable, or pass another file with --db.")
    if any(word in lowered for word in ("malformed", "not a database", "corrupt", "i/o")):
        return StorageFaultError(
            f"The database {path} is damaged ({text}).",
            fix=f"Restore it from a backup, or save what is readable: sqlite3 {path} .recover "
            "| sqlite3 recovered.db, then pass --db recovered.db.")
    return StorageFaultError(f"The database {path} cannot be used: {text}.",
                             fix="Check the file and its folder (path, permissions, free "
                             "space), or pass another file with --db.")


def default_db_path() -> Path:
    """``$SPACY_AL_DB``, else ``~/.spacy_al/spacy_al.db``."""
    env = os.environ.get(DB_ENV)
    return Path(env).expanduser() if env else Path.home() / ".spacy_al" / "spacy_al.db"


def connect(path: str | Path | None = None) -> Database:
    """Open (creating if needed) the database at ``path`` or the default location."""
    return Database(path if path is not None else default_db_path())


class Database:
    """Datasets of annotated examples in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatabaseError(f"Cannot create the folder of the database {self.path}: "
                                f"{err.strerror}.", fix="Pass another file with --db.") from None
        try:
            self._conn = sqlite3.connect(
                str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False
            )
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
                self._conn.execute(f"PRAGMA {pragma}")
            self._conn.executescript(SCHEMA)
            self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                               (str(SCHEMA_VERSION),))
        except sqlite3.Error as err:
            raise storage_fault(err, self.path) from None

    # -- transactions -------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``), rolled back on error."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
            except sqlite3.Error as err:  # full disk, read-only or damaged file
                raise storage_fault(err, self.path) from None

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:  # SQLite rolled back already (e.g. after SQLITE_FULL)
                pass

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as err:
                raise storage_fault(err, self.path) from None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- datasets -----------------------------------------------------------
    @property
    def datasets(self) -> list[str]:
        """Names of the (non-session) datasets, oldest first."""
        return [row[0] for row in self._query(
            "SELECT name FROM datasets WHERE session = 0 ORDER BY id")]

    @property
    def sessions(self) -> list[str]:
        """Names of the session datasets, oldest first."""
        return [row[0] for row in self._query(
            "SELECT name FROM datasets WHERE session = 1 ORDER BY id")]

    def __contains__(self, name: object) -> bool:
        return bool(self._query("SELECT 1 FROM datasets WHERE name = ?", (name,)))

    def __len__(self) -> int:
        return len(self.datasets)

    def add_dataset(
        self, name: str, meta: Mapping[str, Any] | None = None, *, session: bool = False
    ) -> int:
        """Create a dataset if it does not exist; return its id."""
        if not isinstance(name, str) or not name.strip():
            raise DatabaseError(f"Invalid dataset name {name!r}.", fix="Use e.g. 'news_ner'.")
        with self.transaction() as conn:
            return self._dataset_id(conn, name, dict(meta or {}), session=session)

    def check_names(self, dataset: str, session: str | None = None) -> None:
        """:class:`DatabaseError` unless ``dataset`` is a dataset (or new) and ``session``
        one of its session datasets (or new): a session never writes into a dataset."""
        with self._lock:
            try:
                _check_kind(self._conn, dataset, None)
                if session is not None:
                    _check_kind(self._conn, session, dataset)
            except sqlite3.Error as err:
                raise storage_fault(err, self.path) from None

    def get_meta(self, name: str) -> dict[str, Any] | None:
        rows = self._query("SELECT meta, created FROM datasets WHERE name = ?", (name,))
        if not rows:
            return None
        return {**json.loads(rows[0][0]), "created": rows[0][1]}

    def drop_dataset(self, name: str) -> bool:
        """Delete a dataset and the examples no other dataset links to."""
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM datasets WHERE name = ?", (name,)).fetchone()
            if row is None:
                return False
            ids = [r[0] for r in conn.execute(
                "SELECT example_id FROM links WHERE dataset_id = ?", (row[0],))]
            conn.execute("DELETE FROM datasets WHERE id = ?", (row[0],))
            conn.executemany(
                "DELETE FROM examples WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM links WHERE example_id = ?)", [(i, i) for i in ids])
            return True

    # -- examples -----------------------------------------------------------
    def add_examples(
        self, examples: Iterable[Mapping[str, Any]], datasets: Sequence[str],
        *, sessions: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> int:
        """Store answers in ``datasets`` in one durable transaction; return how many are new.

        The first dataset decides duplicates: an answer with the same ``_task_hash``
        and ``_session_id`` as a stored one replaces its content. Datasets named in
        ``sessions`` are created as session datasets with that meta. Every answer is
        serialised (strict JSON) before anything is written: one that cannot be read
        back raises :class:`DatabaseError` and nothing is stored.
        """
        return self.add_groups([(examples, datasets)], sessions=sessions)

    def add_groups(
        self, groups: Iterable[tuple[Iterable[Mapping[str, Any]], Sequence[str]]],
        *, sessions: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> int:
        """:meth:`add_examples` for several ``(examples, datasets)`` groups in one
        transaction: all of them are stored, or (on any error) none."""
        rows = [([(eg, _content(eg)) for eg in examples], list(datasets))
                for examples, datasets in groups]
        if any(not datasets for _, datasets in rows):
            raise DatabaseError("add_examples needs at least one dataset name.")
        sessions = sessions or {}
        now = time.time()
        new = 0
        with self.transaction() as conn:
            for group, datasets in rows:
                ids = [self._dataset_id(conn, name, sessions.get(name),
                                        session=name in sessions) for name in datasets]
                for eg, content in group:
                    new += self._add_one(conn, eg, content, ids, now)
        return new

    @staticmethod
    def _dataset_id(
        conn: sqlite3.Connection, name: str, meta: Mapping[str, Any] | None = None,
        *, session: bool = False,
    ) -> int:
        """The id of dataset ``name`` (created if new); a session dataset (``session``)
        of ``meta["dataset"]``. A name of the other kind, or a session dataset of another
        dataset, is refused (:func:`_check_kind`)."""
        _check_kind(conn, name, (meta or {}).get("dataset", "") if session else None)
        conn.execute("INSERT OR IGNORE INTO datasets (name, created, meta, session) "
                     "VALUES (?,?,?,?)", (name, time.time(), json.dumps(dict(meta or {})),
                                          int(session)))
        return int(conn.execute("SELECT id FROM datasets WHERE name = ?", (name,))
                   .fetchone()[0])

    @staticmethod
    def _add_one(
        conn: sqlite3.Connection, eg: Mapping[str, Any], content: str, ids: Sequence[int],
        now: float
    ) -> int:
        task_hash, session = int(eg["_task_hash"]), str(eg.get("_session_id") or "")
        row = conn.execute(
            "SELECT example_id FROM links WHERE dataset_id = ? AND task_hash = ? "
            "AND session_id = ?", (ids[0], task_hash, session)).fetchone()
        if row is not None:
            example_id, new = row[0], 0
            conn.execute("UPDATE examples SET content = ?, answer = ?, updated = ? WHERE id = ?",
                         (content, str(eg.get("answer", "")), now, example_id))
        else:
            cursor = conn.execute(
                "INSERT INTO examples (input_hash, task_hash, session_id, answer, content, "
                "created) VALUES (?,?,?,?,?,?)",
                (int(eg["_input_hash"]), task_hash, session, str(eg.get("answer", "")),
                 content, now))
            example_id, new = cursor.lastrowid, 1
        conn.executemany(
            "INSERT OR IGNORE INTO links (dataset_id, example_id, task_hash, session_id) "
            "VALUES (?,?,?,?)", [(i, example_id, task_hash, session) for i in ids])
        return new

    def get_dataset_examples(
        self, name: str, *, session_id: str | None = None
    ) -> list[dict[str, Any]]:
        """All answers of a dataset in the order they were first stored."""
        sql = ("SELECT e.content FROM examples e JOIN links l ON l.example_id = e.id "
               "JOIN datasets d ON d.id = l.dataset_id WHERE d.name = ?")
        params: list[Any] = [name]
        if session_id is not None:
            sql += " AND l.session_id = ?"
            params.append(session_id)
        return [json.loads(row[0]) for row in self._query(sql + " ORDER BY e.id", params)]

    get_dataset = get_dataset_examples

    def answer_times(self, name: str) -> list[tuple[float, int]]:
        """``(first stored, input hash)`` of each answer of a dataset, oldest first."""
        sql = ("SELECT e.created, e.input_hash FROM examples e JOIN links l ON "
               "l.example_id = e.id JOIN datasets d ON d.id = l.dataset_id WHERE d.name = ? "
               "ORDER BY e.created, e.id")
        return [(float(row[0]), int(row[1])) for row in self._query(sql, (name,))]

    def count(self, name: str, *, session_id: str | None = None) -> int:
        where, params = _linked_to([name], session_id)
        sql = f"SELECT COUNT(*) FROM links l JOIN datasets d ON d.id = l.dataset_id WHERE {where}"
        return int(self._query(sql, params)[0][0])

    def _hashes(self, column: str, names: Sequence[str], session_id: str | None) -> set[int]:
        if not names:
            return set()
        where, params = _linked_to(names, session_id)
        sql = (f"SELECT DISTINCT e.{column} FROM examples e JOIN links l ON l.example_id = e.id "
               f"JOIN datasets d ON d.id = l.dataset_id WHERE {where}")
        return {row[0] for row in self._query(sql, params)}

    def first_sessions(self, name: str, column: str = "input_hash") -> dict[int, str]:
        """For each input (or task) hash of a dataset, the session that answered it first."""
        if column not in ("input_hash", "task_hash"):
            raise DatabaseError(f"Unknown hash column {column!r}.")
        rows = self._query(
            f"SELECT e.{column}, e.session_id FROM examples e JOIN links l ON l.example_id = "
            "e.id JOIN datasets d ON d.id = l.dataset_id WHERE d.name = ? ORDER BY e.id DESC",
            (name,))
        return dict(rows)  # the earliest row of a hash comes last and wins

    def get_input_hashes(self, *names: str, session_id: str | None = None) -> set[int]:
        return self._hashes("input_hash", names, session_id)

    def get_task_hashes(self, *names: str, session_id: str | None = None) -> set[int]:
        return self._hashes("task_hash", names, session_id)


def _check_kind(conn: sqlite3.Connection, name: str, session_of: str | None) -> None:
    """Refuse ``name`` as a dataset (``session_of`` None) when it is a session dataset,
    and as a session of ``session_of`` when it is a dataset or another one's session."""
    row = conn.execute("SELECT session, meta FROM datasets WHERE name = ?", (name,)).fetchone()
    if row is None:
        return
    owner = json.loads(row[1]).get("dataset") if row[0] else None
    if session_of is None and row[0]:
        raise DatabaseError(f"{name!r} is a session dataset (of {owner!r}), not a dataset.",
                            fix="Name the dataset otherwise.")
    if session_of is not None and not row[0]:
        raise DatabaseError(f"A session named {name!r} would write into the dataset {name!r}.",
                            fix="Choose another session name (?session=NAME or "
                            "_session_id).")
    if session_of and owner and owner != session_of:
        raise DatabaseError(f"The session {name!r} belongs to the dataset {owner!r}, not "
                            f"{session_of!r}.", fix="Choose another session name.")


def _content(eg: Mapping[str, Any]) -> str:
    """Strict JSON (no NaN, valid Unicode) of an answer, or :class:`DatabaseError`."""
    try:
        content = json.dumps(eg, ensure_ascii=False, allow_nan=False)
        content.encode("utf-8")
    except (TypeError, ValueError) as err:  # UnicodeEncodeError is a ValueError
        raise DatabaseError(f"Cannot store the answer to task {eg.get('_task_hash')}: {err}.",
                            fix="Store finite numbers and valid Unicode strings only.") from None
    return content


def _linked_to(names: Sequence[str], session_id: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) of links into ``names``, of one session."""
    where = f"d.name IN ({','.join('?' * len(names))})"
    params: list[Any] = list(names)
    if session_id is not None:
        where += " AND l.session_id = ?"
        params.append(session_id)
    return where, params
