"""Running the app with uvicorn: the access rules, bounded connections
(:mod:`.connections`), a clean exit on SIGINT and SIGTERM."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator, Sequence

import uvicorn

from .app import make_app
from .connections import (
    BACKLOG,
    KEEP_ALIVE_TIMEOUT,
    SHUTDOWN_TIMEOUT,
    BoundedH11Protocol,
    widen_listen_queue,
)
from .controller import Controller
from .guard import Access


class _Server(uvicorn.Server):
    """uvicorn's server, but a signal ends it with status 0 once shut down.

    It listens with a wide kernel queue (:func:`.connections.widen_listen_queue`).
    uvicorn finishes the requests in flight (an answer being committed is
    acknowledged), then re-raises the signal it caught, which kills the process
    with -15 before the caller closes the database; here the shutdown is the end.
    """

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        for server in getattr(self, "servers", []):
            widen_listen_queue(server.sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()


def serve(controller: Controller, host: str = "127.0.0.1", port: int = 8080, *,
          log_level: str = "warning", token: str | None = None,
          allowed_hosts: Sequence[str] = ()) -> None:
    """Serve ``controller`` until SIGINT or SIGTERM; return after the last answer is committed."""
    access = Access(bound_host=host, token=token or None, allowed_hosts=list(allowed_hosts))
    config = uvicorn.Config(make_app(controller, access=access), host=host, port=port,
                            log_level=log_level, access_log=False, lifespan="off",
                            http=BoundedH11Protocol, backlog=BACKLOG,
                            timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
                            timeout_graceful_shutdown=SHUTDOWN_TIMEOUT)
    _Server(config).run()
