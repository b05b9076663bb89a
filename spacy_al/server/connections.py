"""Connections that cannot starve the server: deadlines, a bound, a clean shutdown.

:class:`BoundedH11Protocol` is uvicorn's HTTP/1.1 protocol (h11) with

- a deadline for the request *headers* (:data:`HEADERS_TIMEOUT`, from the connection's
  opening or the previous response; a client sending a byte at a time does not extend
  it) and one for the request *body* (:data:`BODY_TIMEOUT`, from the headers): a
  connection that misses one is closed, and the app sees a disconnect;
- uvicorn's keep-alive idle timeout (:data:`KEEP_ALIVE_TIMEOUT`) between requests;
- a bound on open connections below the process's file limit
  (:func:`max_connections`): at the bound, a new connection closes the oldest one that
  has no request in progress (a stalled or idle socket), or is itself closed when every
  one is busy, so the server never runs out of file descriptors and ``/health`` is
  answered while hundreds of sockets stall;
- the security headers on uvicorn's own 400 page ("Invalid HTTP request received.");
- at shutdown, connections still sending a request body are closed at once (the app
  logs one line), so a stalled client does not hold up the exit; requests whose body
  arrived finish (an answer being committed is acknowledged).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Iterable
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .guard import SECURITY_HEADERS

logger = logging.getLogger(__name__)
HEADERS_TIMEOUT = 10.0
"""Seconds for a request's headers to arrive, from the connection or the last response."""
BODY_TIMEOUT = 60.0
"""Seconds for a request's body to arrive once its headers have (16 MiB at 280 KB/s)."""
KEEP_ALIVE_TIMEOUT = 5
"""Seconds an idle keep-alive connection stays open (uvicorn's ``timeout_keep_alive``)."""
SHUTDOWN_TIMEOUT = 5
"""Seconds a shutdown waits for requests in progress before cancelling them."""
FD_RESERVE = 64
"""File descriptors kept for the database, static files, threads and the model worker."""
BACKLOG = 16
"""The most connections asyncio accepts in one go (its ``backlog``) before the bound is
applied to them (each holds a descriptor until then)."""
LISTEN_BACKLOG = 1024
"""The kernel's queue of connections not accepted yet (they hold no descriptor of ours):
set by :func:`widen_listen_queue` after asyncio listened with :data:`BACKLOG`."""


def max_connections() -> int:
    """Open connections allowed: the soft file limit less :data:`FD_RESERVE` and four
    accept bursts (:data:`BACKLOG`: accepted in the loop iterations before the bound
    reaches them, and closed but not yet released), at most 1024, at least 8."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, ValueError, OSError):  # not POSIX
        return 1024
    if soft == resource.RLIM_INFINITY:
        return 1024
    return max(8, min(1024, soft - FD_RESERVE - 4 * BACKLOG))


def widen_listen_queue(sockets: Iterable[Any]) -> None:
    """Let the kernel queue :data:`LISTEN_BACKLOG` connections on each listening socket
    (asyncio listened with its accept burst, :data:`BACKLOG`): a burst of stalled
    sockets then delays a new client by a loop iteration, not by a dropped SYN (1 s)."""
    for transport_socket in sockets:
        listening = socket.socket(fileno=os.dup(transport_socket.fileno()))
        try:
            listening.listen(LISTEN_BACKLOG)
        finally:
            listening.close()


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines, a connection bound and a guarded 400."""

    limit = max_connections()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened = time.monotonic()
        self._deadline: asyncio.TimerHandle | None = None
        self._cycle_seen: object = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self._n_open() > self.limit and not self._make_room():
            transport.close()  # every connection is busy: refuse this one
            return
        self._arm(HEADERS_TIMEOUT)

    def _n_open(self) -> int:
        """Connections open and not closing (a closed one is released a moment later)."""
        return sum(1 for c in self.connections if not c.transport.is_closing())

    def _make_room(self) -> bool:
        """Close the oldest connection with no request in progress; whether one was."""
        idle = [c for c in self.connections if c is not self and isinstance(c, BoundedH11Protocol)
                and not c.busy() and not c.transport.is_closing()]
        if not idle:
            return False
        min(idle, key=lambda c: c.opened).close()
        return True

    def busy(self) -> bool:
        """Whether a request's headers arrived and its response is not complete."""
        return self.cycle is not None and not self.cycle.response_complete

    def close(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and self.cycle is not self._cycle_seen:
            self._cycle_seen = self.cycle  # a request's headers arrived: now its body
            if self.cycle.more_body:
                self._arm(BODY_TIMEOUT)
            else:
                self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm(HEADERS_TIMEOUT)

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        """Headers or body late: close (the app, if reading the body, sees a disconnect)."""
        self._deadline = None
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and not cycle.more_body:
            return  # the whole request arrived: the app is answering it
        self.close()

    def shutdown(self) -> None:
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and cycle.more_body:
            self.close()  # still sending its body: it would hold up the exit
            return
        super().shutdown()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's 400 for a request h11 cannot parse, with the security headers."""
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"),
                   *SECURITY_HEADERS]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=msg.encode("ascii")), h11.EndOfMessage()):
            try:
                self.transport.write(self.conn.send(event) or b"")
            except h11.LocalProtocolError:  # h11 cannot answer in this state: just close
                break
        self.close()
