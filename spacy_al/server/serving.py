"""Running the app with uvicorn: the access rules, a clean exit on SIGINT and SIGTERM."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import uvicorn

from .app import make_app
from .controller import Controller
from .guard import Access


class _Server(uvicorn.Server):
    """uvicorn's server, but a signal ends it with status 0 once shut down.

    uvicorn finishes the requests in flight (an answer being committed is
    acknowledged), then re-raises the signal it caught, which kills the process
    with -15 before the caller closes the database; here the shutdown is the end.
    """

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
                            timeout_graceful_shutdown=30)
    _Server(config).run()
