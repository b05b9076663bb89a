"""Model in the loop, server side: count answers, start training, swap in the new ranking.

:meth:`ModelLoop.update` is a recipe's ``update`` callback: the controller calls
it after an answer batch is committed. It only records the answers; when
``update_every`` new accepted answers have come in and the worker is idle, it
hands *all* accepted answers so far to the worker, which fine-tunes the model,
evaluates it on a held-out slice, saves it and re-scores the unanswered pool. A
listener thread receives the new ranking and swaps it into the stream at once.
No request ever waits for any of this.

Re-scoring goes candidates first (:mod:`.candidates`: the best ``rerank_candidates`` by
last score, ties at random, a seeded sample of ``rerank_sample`` others and the
sentences out with an annotator), swapped in at once (the other sentences keep their
older tasks below them, :class:`RankingBook`); the rest follows in chunks and is
merged, the whole pool within ``ModelSpec.rescore_seconds`` (the history's
``whole_rescore_seconds`` says how long it took). The model counts as idle for the
next update as soon as the candidates are in: past that bound a newer update abandons
the rest of the re-scoring, so the update cadence does not grow with the pool.
``stats()["ranked_share"]``: how much of the unanswered pool the current model has scored.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..errors import ConfigError, ModelNotFoundError, SpacyALError, UnknownLabelError
from ..server.stream import PoolStream
from ..tasks import is_complete
from .ranking_book import RankingBook
from .service import ModelSpec
from .worker import DEFAULT_WORKER, ModelWorker

logger = logging.getLogger(__name__)
ERRORS: dict[str, type[SpacyALError]] = {
    "ConfigError": ConfigError, "ModelNotFoundError": ModelNotFoundError,
    "UnknownLabelError": UnknownLabelError,
}
HISTORY = 50
DEFAULT_UPDATE_EVERY = 20
"""Accepted answers between two training rounds."""


def trains(answer: Mapping[str, Any]) -> bool:
    """Whether an answer trains the model: an accepted one, or a rejected binary span
    (ner.al-teach: negative evidence, that span is not that label)."""
    decision = answer.get("answer")
    return decision == "accept" or (decision == "reject" and not is_complete(answer))


class ModelLoop:
    """Drives a :class:`ModelWorker` for one stream."""

    def __init__(
        self,
        stream: PoolStream,
        spec: ModelSpec,
        *,
        update_every: int = DEFAULT_UPDATE_EVERY,
        worker: str = DEFAULT_WORKER,
        score_chunk: int = 256,
        ranking_window: int | None = None,
    ) -> None:
        if update_every < 1:
            raise ConfigError(f"update_every must be at least 1, got {update_every}.")
        self.stream = stream
        self.spec = spec
        self.update_every = update_every
        self.score_chunk = score_chunk
        self.worker = ModelWorker(spec, kind=worker)
        self.labels: list[str] = list(spec.labels or [])
        self.state = "starting"
        self.error: str | None = None
        self.history: list[dict[str, Any]] = []
        self.n_updates = 0
        self._accepted: dict[tuple[int, str], dict[str, Any]] = {}
        self._since_update = 0
        self._busy = True  # until the initial scoring is over
        self._scoring = True  # the initial scoring (not a re-scoring after an update)
        self._model_version = 0
        self.book = RankingBook(capacity=ranking_window)
        """The latest tasks of every sentence, and those the current model has scored."""
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._listener = threading.Thread(target=self._listen, name="spacy-al-loop", daemon=True)

    # -- life cycle -----------------------------------------------------------
    def start(self, timeout: float = 900.0) -> list[str]:
        """Start the worker, wait for its model, begin scoring the pool; return the labels."""
        self.worker.start()
        kind, info = self._wait_ready(timeout)
        if kind == "error":
            self.worker.close()
            raise ERRORS.get(info.get("type"), SpacyALError)(info["message"],
                                                             fix=info.get("fix"))
        self.labels = list(info["labels"])
        self.state = "scoring"
        self.worker.submit("pool", self.stream.items)  # an Arrow pool travels as its folder
        self.worker.submit("score", {"hashes": self.stream.unanswered_items(),
                                     "chunk": self.score_chunk})
        self._listener.start()
        return self.labels

    def _wait_ready(self, timeout: float) -> tuple[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.worker.get(1.0)
            except queue.Empty:
                if not self.worker.is_alive():
                    raise SpacyALError("The model worker exited while loading the model.",
                                       fix="Run again with the log visible; check MODEL."
                                       ) from None
        raise SpacyALError(f"The model was not ready after {timeout:.0f} s.")

    def grow_pool(self, items: Mapping[int, Any]) -> None:
        """The whole pool, once written (the session started on its first sentences):
        the stream and the worker move onto it, and its new sentences are scored."""
        before = np.asarray(self.stream.unanswered_items(), dtype=np.int64)
        self.stream.replace_items(items)
        self.worker.submit("pool", items)
        now = np.asarray(self.stream.unanswered_items(), dtype=np.int64)
        new = now[~np.isin(now, before)]
        logger.info("spacy-al: the pool grew to %d sentences", len(items))
        self.worker.submit("score", {"hashes": new, "chunk": self.score_chunk})

    def close(self, *_: Any) -> None:
        self._closed.set()
        self.worker.close()

    # -- answers in -----------------------------------------------------------
    def seed(self, answers: Iterable[Mapping[str, Any]]) -> None:
        """Answers stored before this run: training data, counted towards the next update."""
        self.update(answers)

    def update(self, answers: Iterable[Mapping[str, Any]]) -> None:
        """Record committed answers; start training when enough accepted ones came in."""
        with self._lock:
            for answer in answers:
                key = (int(answer["_task_hash"]), str(answer.get("_session_id", "")))
                if trains(answer):
                    self._since_update += key not in self._accepted
                    self._accepted[key] = dict(answer)
                else:
                    self._accepted.pop(key, None)
            self._maybe_train()

    def _maybe_train(self) -> None:
        if self._busy or self._closed.is_set() or self._since_update < self.update_every:
            return
        self._busy = True
        self._since_update = 0
        self.state = "training"
        self.worker.submit("train", {"answers": list(self._accepted.values()),
                                     "hashes": self.stream.unanswered_items(),
                                     "reserved": self.stream.reserved_inputs(),
                                     "chunk": self.score_chunk})

    # -- results in -----------------------------------------------------------
    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                kind, payload = self.worker.get(0.5)
            except queue.Empty:
                if not self.worker.is_alive() and not self._closed.is_set():
                    self.state, self.error = "error", "the model worker exited"
                    logger.error("spacy-al: the model worker exited; serving the last ranking")
                    return
                continue
            try:
                self._handle(kind, payload)
            except Exception:  # noqa: BLE001 - keep listening whatever a result holds
                logger.exception("spacy-al: could not apply the model worker's %s", kind)

    def _handle(self, kind: str, payload: dict[str, Any]) -> None:
        if kind == "scored":
            self._scored(payload)
        elif kind == "trained":
            self._trained(payload)
        elif kind == "error":
            self.error = payload["message"]
            logger.error("spacy-al: model worker error: %s", payload["message"])
            self._finish()

    def _scored(self, payload: dict[str, Any]) -> None:
        """A chunk of the initial scoring, or of the re-scoring after an update: merged
        into the ranking; the last one of a re-scoring drops the older model's tasks."""
        if int(payload.get("version", self._model_version)) != self._model_version:
            return  # a stale chunk of an older model (the worker abandons those)
        self.book.add(payload["tasks"], payload.get("hashes"))
        if self._scoring or not payload["done"]:
            self.stream.set_ranking(self.book.ranking(), version=self.stream.version,
                                    complete=self._scoring and payload["done"],
                                    truncated=self.book.dropped > 0)
        else:
            self.stream.set_ranking(self.book.fresh_ranking(), complete=True,
                                    truncated=self.book.dropped > 0)
        if self._scoring and payload["done"]:
            self._scoring = False
            if self.state == "scoring":
                self._finish()
        elif self._scoring and self._busy and self.state == "scoring":
            with self._lock:  # the first chunk is in: an update may start (and cut it short)
                self._busy = False
                self._maybe_train()
        elif payload["done"] and self.state == "rescoring":
            self.state = "idle"
        if payload["done"] and "rescore_seconds" in payload and self.history:
            self.history[-1]["whole_rescore_seconds"] = payload["rescore_seconds"]

    def _trained(self, payload: dict[str, Any]) -> None:
        """A new model: its candidate set swapped in at once (the older tasks of the other
        sentences below it while they are re-scored). New training may start at once: a
        newer update abandons the rest of this re-scoring past ``rescore_seconds``, so
        updates do not wait for it longer."""
        self._model_version = int(payload.get("version", self._model_version + 1))
        self._scoring = False  # an initial scoring still under way was left for this one
        partial = bool(payload.get("partial", False))
        tasks = self.book.new_model(payload["tasks"], payload.get("hashes"), keep_rest=partial,
                                    version=self._model_version)
        self.stream.set_ranking(tasks, complete=not partial, truncated=self.book.dropped > 0)
        entry = dict(payload["report"], rescore_seconds=payload["rescore_seconds"],
                     rescored=payload.get("rescored"), pool=payload.get("pool"),
                     finished=time.time())
        if not partial:
            entry["whole_rescore_seconds"] = payload["rescore_seconds"]
        self.history = (self.history + [entry])[-HISTORY:]
        self.n_updates += 1
        logger.info("spacy-al: model v%s trained in %.1f s (dev F1 %s)", entry["version"],
                    entry["train_seconds"], entry.get("dev_f1"))
        self._finish("rescoring" if partial else "idle")

    def _finish(self, state: str = "idle") -> None:
        with self._lock:
            self._busy = False
            self.state = state
            self._maybe_train()

    # -- status ---------------------------------------------------------------
    def dev_trend(self) -> list[dict[str, Any]]:
        """Per model version: its dev F1 (or decision accuracy, ``ner.al-teach``) and the
        number of held-out answers it is measured on (``n_dev``: they grow with the
        answers, so an early F1 on a handful of sentences says little)."""
        return [{"version": h.get("version"), "dev_f1": h.get("dev_f1"),
                 "dev_accuracy": h.get("dev_accuracy"), "n_dev": h.get("n_dev"),
                 "n_train": h.get("n_train")}
                for h in self.history if h.get("dev_f1") is not None
                or h.get("dev_accuracy") is not None]

    def stats(self) -> dict[str, Any]:
        """What the UI shows about the model (``/progress`` → ``model``): ``kappas`` is the
        trend of Cohen's kappa between successive models' tags on the fixed stop set,
        ``stabilised`` whether the stopping criterion (``spec.stopper``) has fired."""
        last = self.history[-1] if self.history else {}
        return {
            "state": self.state,
            "training": self.state == "training",
            "n_updates": self.n_updates,
            "version": last.get("version", 0),
            "update_every": self.update_every,
            "answers_since_update": self._since_update,
            "n_accepted": len(self._accepted),
            "last_dev_f1": last.get("dev_f1"),
            "last_n_dev": last.get("n_dev"),
            "dev_trend": self.dev_trend(),
            "last_dev_accuracy": last.get("dev_accuracy"),
            "last_train_seconds": last.get("train_seconds"),
            "last_rescore_seconds": last.get("rescore_seconds"),
            "rescoring": self.state == "rescoring",
            "ranked_share": round(self.book.share(len(self.stream.items),
                                                  self.stream.answered_inputs()), 4),
            "output": self.spec.output,
            "error": self.error,
            "history": self.history[-10:],
            "kappas": [h["stop_kappa"] for h in self.history if h.get("stop_kappa") is not None],
            "stop_kappa": last.get("stop_kappa"),
            "stabilised": bool(last.get("stabilised", False)),
        }
