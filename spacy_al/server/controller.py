"""The controller: a recipe's components, the stream, the database and the sessions.

The web layer only parses JSON and calls :meth:`Controller.get_questions`,
:meth:`Controller.give_answers`, :meth:`Controller.progress`, and
:meth:`Controller.project`. ``give_answers`` validates the whole batch, commits it
(durable), and only then marks the tasks answered and calls the recipe's
``update``; it returns once the commit is done, never waiting for the model.
Whether an answer is the first to its task or a later one (``_answered_before_by``)
is decided, committed and recorded under one lock, so the answer committed first is
the first answer under any interleaving of sessions (the README's rule:
``data-to-spacy`` keeps it).

Recipe components it reads besides ``dataset``, ``stream`` and ``view_id`` (Prodigy's
names): ``config`` (``annotations_per_task``: sessions per question, default 1),
``exclude``, ``on_load(controller)`` (called once at start, e.g. to read the database),
``validate_answer``, ``before_db``, ``update``, ``progress``, ``stats``, ``on_exit``.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError
from ..store.database import Database, DatabaseError, StorageFaultError
from ..store.pace import Pace
from ..store.sessions import session_dataset
from ..store.validation import AnswerError, check_answers_body, validate_answers
from .stream import PoolStream
from .task_pool import pool_from_tasks

logger = logging.getLogger(__name__)
DEFAULT_CONFIG: dict[str, Any] = {"batch_size": 10, "feed_overlap": False,
                                  "reservation_timeout": 600.0, "max_sessions": 32,
                                  "annotations_per_task": 1}
REQUIRED = ("dataset", "stream", "view_id")


class Controller:
    """Serves one recipe's stream to any number of named sessions."""

    def __init__(self, components: Mapping[str, Any], db: Database, *, recipe: str = "") -> None:
        missing = [key for key in REQUIRED if not components.get(key)]
        if missing:
            raise ConfigError(f"Recipe {recipe!r} returned no {', '.join(missing)}.",
                              fix="A recipe returns a dict with dataset, stream and view_id.")
        self.recipe = recipe
        self.components = components
        self.db = db
        self.dataset: str = components["dataset"]
        self.view_id: str = components["view_id"]
        self.config: dict[str, Any] = {**DEFAULT_CONFIG, **(components.get("config") or {})}
        self.stream = self._make_stream(components["stream"])
        self.stream.configure(annotations_per_task=self.config["annotations_per_task"],
                              batch_size=int(self.config["batch_size"]),
                              max_sessions=int(self.config["max_sessions"]))
        on_load = components.get("on_load")
        if on_load is not None:
            on_load(self)
        self.labels: list[str] = list(self.config.get("labels") or [])
        self.started = datetime.datetime.now()
        self.default_session = f"{self.dataset}-{self.started:%Y-%m-%d_%H-%M-%S}"
        self._lock = threading.Lock()
        self._answer_lock = threading.Lock()
        """Held from the first-or-later decision to its record in the ledger, around the
        commit: two answers to one task, at any interleaving, are decided in commit order."""
        self._sessions: set[str] = set(db.sessions)
        self._seen_sessions: set[str] = set()
        db.add_dataset(self.dataset, {"recipe": recipe, "view_id": self.view_id,
                                      "labels": self.labels})
        self._total = db.count(self.dataset)
        self._session_totals: dict[str, int] = {}
        self._paces: dict[str, Pace] = {}  # a session's, read from the database once
        self._exclude_stored(list(components.get("exclude") or []))
        if self.stream.quota.active:
            field = "_input_hash" if self.stream.exclude_by == "input" else "_task_hash"
            self.stream.record_answers((int(eg[field]), str(eg.get("_session_id") or ""))
                                       for eg in db.get_dataset_examples(self.dataset))
        if not self.stream.feed_overlap:
            column = "input_hash" if self.stream.exclude_by == "input" else "task_hash"
            self.stream.record_answered_by(db.first_sessions(self.dataset, column))
        load_answers = components.get("load_answers")
        if load_answers is not None:
            load_answers(db.get_dataset_examples(self.dataset))

    def _make_stream(self, stream: Any) -> PoolStream:
        if isinstance(stream, PoolStream):
            return stream
        pool = PoolStream([], task_keys=("spans", "label", "options"),
                          exclude_by=self.config.get("exclude_by", "task"),
                          feed_overlap=bool(self.config["feed_overlap"]),
                          reservation_timeout=float(self.config["reservation_timeout"]))
        items, tasks = pool_from_tasks(stream, view_id=self.view_id)
        pool.add_items(items)
        pool.set_ranking(tasks)
        return pool

    def _exclude_stored(self, others: list[str]) -> None:
        """Answered questions of this dataset (and of ``exclude``) are never asked again
        (with annotations_per_task > 1: once answered by that many sessions)."""
        if self.stream.feed_overlap or self.stream.quota.active:
            self.stream.exclude(self._stored_hashes(*others))
        else:
            self.stream.exclude(self._stored_hashes(self.dataset, *others))

    def _stored_hashes(self, *names: str, session_id: str | None = None) -> set[int]:
        if self.stream.exclude_by == "input":
            return self.db.get_input_hashes(*names, session_id=session_id)
        return self.db.get_task_hashes(*names, session_id=session_id)

    # -- sessions -------------------------------------------------------------
    def session_id(self, raw: Any) -> str:
        """``dataset-name`` for a named session, the server's default one for none."""
        if raw is None or raw == "":
            return self.default_session
        return session_dataset(self.dataset, raw)

    def knows_session(self, raw: Any) -> bool:
        """Whether a session was seen before (serving it needs no database access)."""
        try:
            return self.session_id(raw) in self._seen_sessions
        except AnswerError:
            return False

    def _ensure_session(self, session_id: str) -> None:
        if session_id in self._seen_sessions:
            return
        try:  # a name that is another dataset, or another dataset's session: refused
            self.db.check_names(self.dataset, session_id)
        except StorageFaultError:
            raise
        except DatabaseError as err:
            raise AnswerError(err.message, fix=err.fix) from None
        if self.stream.feed_overlap:
            self.stream.exclude(self._stored_hashes(self.dataset, session_id=session_id),
                                session_id)
        with self._lock:
            self._session_totals.setdefault(
                session_id, self.db.count(self.dataset, session_id=session_id))
            self._seen_sessions.add(session_id)

    # -- the API ----------------------------------------------------------------
    def project(self) -> dict[str, Any]:
        return {"recipe": self.recipe, "dataset": self.dataset, "labels": self.labels,
                "view_id": self.view_id, "config": _json_safe(self.config),
                "default_session": self.default_session}

    def get_questions(self, raw_session: Any = None) -> dict[str, Any]:
        session_id = self.session_id(raw_session)
        self._ensure_session(session_id)
        tasks = self.stream.next_batch(session_id, int(self.config["batch_size"]))
        return {"tasks": tasks, "total": self._total, "progress": self._progress(session_id),
                "session_id": session_id}

    def give_answers(self, body: Any) -> dict[str, Any]:
        """Validate, commit (durably), exclude, then hand the answers to ``update``."""
        answers = check_answers_body(body)
        session_id = self.session_id(body.get("session_id"))
        clean = validate_answers(answers, lookup=self.stream.lookup, labels=self.labels)
        for answer in clean:
            answer["_session_id"] = session_id
            answer["_view_id"] = self.view_id  # the recipe's, whatever the client says
            answer.pop("_answered_before_by", None)  # the server's mark, never the client's
        clean = self._recipe_checks(clean)
        self._ensure_session(session_id)
        if clean:
            with self._answer_lock:  # decide first/later, commit, record: one step
                self._mark_second_answers(clean, session_id)
                self._commit(clean, session_id)
                self.stream.mark_answered(clean, session_id)
            self._call_update(clean)
        return {"total": self._total, "progress": self._progress(session_id),
                "session_id": session_id, "saved": len(clean)}

    def _recipe_checks(self, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        check = self.components.get("validate_answer")
        if check is not None:
            errors = []
            for i, answer in enumerate(answers):
                try:
                    check(answer)
                except ValueError as err:
                    errors.append(f"answers[{i}]: {err}")
            if errors:
                raise AnswerError("Answers rejected by the recipe, nothing was saved", errors)
        before_db = self.components.get("before_db")
        return list(before_db(answers)) if before_db is not None else answers

    def _mark_second_answers(self, answers: list[dict[str, Any]], session_id: str) -> None:
        """With feed_overlap off, an answer to a task another session answered is kept,
        marked ``_answered_before_by`` (db-stats counts them, data-to-spacy drops them);
        with annotations_per_task N, an answer after N other sessions' answers."""
        for answer in answers:
            first = self.stream.answered_before(answer, session_id)
            if first is not None:
                answer["_answered_before_by"] = first

    def _commit(self, answers: list[dict[str, Any]], session_id: str) -> None:
        try:
            new = self.db.add_examples(answers, datasets=[self.dataset, session_id],
                                       sessions={session_id: {"dataset": self.dataset}})
        except StorageFaultError:  # the app answers 507 / 503: not acknowledged
            raise
        except DatabaseError as err:
            raise AnswerError(err.message, fix=err.fix) from None
        self._sessions.add(session_id)
        with self._lock:
            self._total += new
            self._session_totals[session_id] = self._session_totals.get(session_id, 0) + new
            if session_id in self._paces:
                self._paces[session_id].add(answers)

    def _call_update(self, answers: list[dict[str, Any]]) -> None:
        update = self.components.get("update")
        if update is None:
            return
        try:
            update(answers)
        except Exception:  # noqa: BLE001 - the answers are saved; a model failure is logged
            logger.exception("spacy-al: the recipe's update callback failed")

    def _progress(self, session_id: str | None) -> float | None:
        custom = self.components.get("progress")
        if custom is not None:
            try:
                value = custom(self, None)
                return None if value is None else float(value)
            except Exception:  # noqa: BLE001 - progress is informative only
                logger.exception("spacy-al: the recipe's progress callback failed")
                return None
        return self.stream.progress(session_id)

    def progress(self, raw_session: Any = None) -> dict[str, Any]:
        session_id = self.session_id(raw_session)
        self._ensure_session(session_id)
        result: dict[str, Any] = {
            "total": self._total, "session_total": self._session_totals.get(session_id, 0),
            "progress": self._progress(session_id), "session_id": session_id,
            "ready": self.stream.ready.is_set(), "remaining": self.stream.n_open(session_id),
            "pool_size": len(self.stream.items)}
        result["pace"] = self._pace(session_id)
        stats = self.components.get("stats")
        if stats is not None:
            result["model"] = stats()
        return result

    def _pace(self, session_id: str) -> dict[str, Any]:
        """The session's seconds per answer and answers per hour (store/pace.py). Read under
        the lock: an answer committed meanwhile is added twice, which replaces itself."""
        with self._lock:
            if session_id not in self._paces:
                self._paces[session_id] = Pace().add(
                    self.db.get_dataset_examples(self.dataset, session_id=session_id))
            return self._paces[session_id].summary()

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "recipe": self.recipe, "dataset": self.dataset,
                "ready": self.stream.ready.is_set()}

    def close(self) -> None:
        on_exit = self.components.get("on_exit")
        if on_exit is not None:
            try:
                on_exit(self)
            except Exception:  # noqa: BLE001 - shutting down anyway
                logger.exception("spacy-al: the recipe's on_exit callback failed")


def _json_safe(config: Mapping[str, Any]) -> dict[str, Any]:
    safe = {}
    for key, value in config.items():
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        safe[key] = value
    return safe
