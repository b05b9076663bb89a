"""Transport between the server and its :class:`ModelService`: a process or a thread.

The default is a separate process (``python -m spacy_al.retraining.worker``):
fine-tuning holds the CPU for seconds at a time, and in a thread it would also
hold the server's interpreter lock, so answers would wait. The process reads
pickled, length-prefixed frames on its stdin and writes results on its stdout;
when the server dies (``kill -9`` included) its stdin closes and the worker exits.
Messages are tuples ``(kind, payload)``:

- jobs: ``("pool", items)``, ``("score", {"hashes", "chunk"})``,
  ``("train", {"answers", "hashes", "reserved", "chunk"})``, ``("stop", None)``
- results: ``("ready", info)``, ``("scored", {"tasks", "hashes", "done", "version"})``,
  ``("trained", {"report", "tasks", "hashes", "partial", "rescored", "pool", "version",
  "rescore_seconds"})``, ``("error", {"message", "fatal"})``

The initial scoring goes in :meth:`ModelService.scoring_order` (never file order: its
first chunk, ``FIRST_CHUNK`` sentences so that the first question comes fast, is a
seeded sample of the whole pool). After an update the worker re-scores a candidate set
first (:meth:`ModelService.split_candidates`) and sends it as ``trained`` (``partial``
when the rest of the pool is left), then the rest as ``scored`` chunks; within
``rescore_seconds`` it re-scores the whole pool whatever comes in; past it, between
chunks it peeks at its jobs and abandons the stale re-scoring for a newer
``train`` (or ``stop``).
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from .service import ModelService, ModelSpec

logger = logging.getLogger(__name__)
Message = tuple[str, Any]
NewerJob = Callable[..., bool]
"""``newer_job(kinds=("train", "stop"))``: whether a job of those kinds waits."""
FIRST_CHUNK = 64


def serve_jobs(
    spec: ModelSpec,
    get_job: Callable[[float], Message],
    put_result: Callable[[Message], None],
    keep_going: Callable[[], bool],
) -> None:
    """The worker's main loop: build the model, then run jobs until ``stop``.

    ``get_job(timeout)`` raises ``queue.Empty`` after ``timeout`` seconds (0: a peek,
    used between re-scoring chunks to notice a newer job) and ``EOFError`` once the
    server is gone."""
    try:
        service = ModelService(spec)
    except Exception as err:  # noqa: BLE001 - reported to the server, which raises it
        put_result(("error", {"message": getattr(err, "message", str(err)), "fatal": True,
                              "fix": getattr(err, "fix", None), "type": type(err).__name__}))
        return
    put_result(("ready", {"labels": service.labels, "architecture": service.architecture}))
    pending: list[Message] = []

    def newer_job(kinds: tuple[str, ...] = ("train", "stop")) -> bool:
        """Whether a job of ``kinds`` waits (jobs seen are kept, in order)."""
        while True:
            try:
                pending.append(get_job(0.0))
            except queue.Empty:
                break
            except EOFError:
                pending.append(("stop", None))
                break
        return any(kind in kinds for kind, _ in pending)

    while keep_going():
        try:
            kind, payload = pending.pop(0) if pending else get_job(1.0)
        except queue.Empty:
            continue
        except EOFError:
            return
        if kind == "stop":
            return
        try:
            _run_job(service, kind, payload, put_result, newer_job)
        except Exception as err:  # noqa: BLE001 - the server logs it and goes on
            logger.exception("model worker job %s failed", kind)
            put_result(("error", {"message": f"{kind}: {err}\n{traceback.format_exc()}",
                                  "fatal": False, "type": type(err).__name__}))


def _run_job(service: ModelService, kind: str, payload: Any,
             put_result: Callable[[Message], None],
             newer_job: NewerJob = lambda kinds=("train", "stop"): False) -> None:
    if kind == "pool":
        service.set_pool(payload)
    elif kind == "score":  # best last score first, the rest in a seeded random order
        hashes = service.scoring_order(np.asarray(payload["hashes"], np.int64))
        size = int(payload.get("chunk", 256))
        start, first = 0, min(FIRST_CHUNK, size)
        while start < len(hashes) or start == 0:
            if start > 0 and newer_job():  # an update came in: its re-scoring covers the rest
                logger.info("initial scoring left at %d of %d for a newer job", start,
                            len(hashes))
                return
            step = first if start == 0 else size
            chunk = hashes[start:start + step].tolist()
            start += step
            put_result(("scored", {"tasks": service.rank(chunk), "hashes": chunk,
                                   "done": start >= len(hashes), "version": service.version}))
        service.persist_scores()
    elif kind == "train":
        _train(service, payload, put_result, newer_job)
    else:
        raise ValueError(f"unknown job {kind!r}")


def _train(service: ModelService, payload: Any, put_result: Callable[[Message], None],
           newer_job: NewerJob) -> None:
    """Train, re-score the candidate set and send it (``partial`` when a rest is left),
    then re-score the rest in chunks: a newer update waits for them up to
    ``rescore_seconds`` from the start of the re-scoring, and past that bound the rest
    is dropped for it (``stop`` drops it at once). The last chunk says how long the
    whole re-scoring took (``rescore_seconds``)."""
    report = service.train(payload["answers"])
    began = time.perf_counter()
    hashes = np.asarray(payload["hashes"], np.int64)
    first, rest = service.split_candidates(hashes, payload.get("reserved", ()))
    tasks = service.rank(first)
    put_result(("trained", {"report": report, "tasks": tasks, "hashes": first,
                            "partial": len(rest) > 0,
                            "rescored": len(first), "pool": len(hashes),
                            "version": service.version,
                            "rescore_seconds": round(time.perf_counter() - began, 3)}))
    size = max(1, int(payload.get("chunk", 256)))
    bound = service.spec.rescore_seconds
    for start in range(0, len(rest), size):
        over = time.perf_counter() - began > bound
        if newer_job(("stop",)) or (over and newer_job()):
            logger.info("model v%s: re-scoring abandoned for a newer job", service.version)
            return
        chunk = rest[start:start + size].tolist()
        put_result(("scored", {"tasks": service.rank(chunk), "hashes": chunk,
                               "done": start + size >= len(rest), "version": service.version,
                               "rescore_seconds": round(time.perf_counter() - began, 3)}))
    service.persist_scores()  # the whole pool scored by this model


def write_frame(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """The next frame; ``EOFError`` once the other side is gone."""
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def main() -> None:
    """Entry point of the worker process: frames in on stdin, frames out on stdout."""
    jobs, results = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed must not corrupt the result frames
    spec = read_frame(jobs)
    if spec.nice:
        try:
            os.nice(spec.nice)
        except OSError:
            pass
    if spec.threads is None:
        spec.threads = max(1, os.cpu_count() or 1)
    inbox: queue.Queue[Any] = queue.Queue()

    def read_all() -> None:  # a reader thread, so that the job loop can peek
        while True:
            try:
                inbox.put(read_frame(jobs))
            except (EOFError, OSError, ValueError, pickle.UnpicklingError):
                inbox.put(None)
                return

    threading.Thread(target=read_all, name="spacy-al-jobs", daemon=True).start()

    def get_job(timeout: float) -> Message:
        job = inbox.get(timeout=timeout) if timeout > 0 else inbox.get_nowait()
        if job is None:
            inbox.put(None)
            raise EOFError
        return job

    serve_jobs(spec, get_job, lambda message: write_frame(results, message), lambda: True)
    results.flush()
    sys.stderr.flush()
    os._exit(0)  # the reader thread may block on stdin: finalising would abort on its lock


DEFAULT_WORKER = "process"
"""Where the model runs by default: ``process`` (or ``thread``)."""


class ModelWorker:
    """A :class:`ModelService` in a child process (default) or a thread, behind queues."""

    def __init__(self, spec: ModelSpec, *, kind: str = DEFAULT_WORKER) -> None:
        if kind not in ("process", "thread"):
            raise ValueError(f"worker kind must be 'process' or 'thread', not {kind!r}")
        self.kind = kind
        self.spec = spec
        self.jobs: queue.Queue[Any] = queue.Queue()
        self.results: queue.Queue[Message] = queue.Queue()
        self._stopped = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        if self.kind == "thread":
            self._spawn(serve_jobs, self.spec, self._get_job,
                        self.results.put, lambda: not self._stopped.is_set())
            return
        self._proc = subprocess.Popen([sys.executable, "-m", "spacy_al.retraining.worker"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.jobs.put(self.spec)
        self._spawn(self._send)
        self._spawn(self._receive)

    def _get_job(self, timeout: float) -> Message:
        job = self.jobs.get(timeout=timeout) if timeout > 0 else self.jobs.get_nowait()
        return job

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name="spacy-al-model", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _send(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        while (job := self.jobs.get()) is not None:
            try:
                write_frame(self._proc.stdin, job)
            except (BrokenPipeError, OSError, ValueError):
                return

    def _receive(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        while True:
            try:
                self.results.put(read_frame(self._proc.stdout))
            except (EOFError, OSError, ValueError, pickle.UnpicklingError):
                return

    def submit(self, kind: str, payload: Any = None) -> None:
        """Queue a job; never blocks (a sender thread writes it to the process)."""
        self.jobs.put((kind, payload))

    def get(self, timeout: float) -> Message:
        """The next result; raises ``queue.Empty`` after ``timeout`` seconds."""
        return self.results.get(timeout=timeout)

    def is_alive(self) -> bool:
        if self._proc is not None:
            return self._proc.poll() is None
        return any(thread.is_alive() for thread in self._threads)

    def close(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        self.jobs.put(("stop", None))
        if self._proc is None:
            for thread in self._threads:
                thread.join(timeout)
            return
        self.jobs.put(None)
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout)


if __name__ == "__main__":
    main()
