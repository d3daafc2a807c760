"""The way down on SIGTERM: drain, then stop, so a rolling restart loses no request.

1. **Draining** (at SIGTERM): `/readyz` answers 503, so the load balancer takes the process out
   of rotation, while everything is still served as usual for `GATEWAY_SHUTDOWN_DELAY_SECONDS`
   (the balancer's health checks need that long to notice).
2. **Stopping** (after the delay): streams end cleanly (SSE completes, multipart ends,
   graphql-ws closes with 1001 "going away", which its clients reconnect after), and uvicorn
   stops: it closes its listeners and idle connections, and lets requests in flight finish
   for up to `GATEWAY_SHUTDOWN_GRACE_SECONDS` (`timeout_graceful_shutdown`).
3. The process exits 0. A second SIGTERM, or SIGINT, stops at once.

uvicorn installs its own SIGTERM handler before the application starts; `install_drain`
(called from the lifespan, in each worker process too) wraps it. That handler being uvicorn's
`Server.handle_exit` is the internal this relies on: if it is not, the wrapped handler is
called as it was, which stops the process at once (no delay), and one WARNING says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

import uvicorn

logger = logging.getLogger(__name__)


class Shutdown:
    """One process's way down, shared by every event loop that waits on it."""

    def __init__(self) -> None:
        self.draining = False
        self.stopping = False
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = set()

    def drain(self) -> None:
        self.draining = True

    def stop(self) -> None:
        with self._lock:
            self.draining = self.stopping = True
            waiters = list(self._waiters)
        for loop, future in waiters:
            with contextlib.suppress(RuntimeError):  # that loop is closed already
                loop.call_soon_threadsafe(_settle, future)

    async def stopped(self) -> None:
        """Returns once the process stops (at once if it has)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if self.stopping:
                return
            self._waiters.add((loop, future))
        try:
            await future
        finally:
            with self._lock:
                self._waiters.discard((loop, future))


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


Handler = Callable[[int, FrameType | None], object]


@contextlib.contextmanager
def drain_on_sigterm(shutdown: Shutdown, *, delay: float) -> Iterator[None]:
    """Within it, SIGTERM drains for `delay` seconds before the server stops."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread: a server run in a thread (tests)
        return
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous):
        yield
        return
    server = getattr(previous, "__self__", None)
    if not isinstance(server, uvicorn.Server):
        logger.warning(
            "SIGTERM is not handled by uvicorn's server as expected: it stops the process "
            "without draining first"
        )
        yield
        return
    loop = asyncio.get_running_loop()

    def stop() -> None:
        shutdown.stop()
        # uvicorn's own way to stop a server from code: no signal is recorded, so it is not
        # raised again once the server has stopped, and the process exits 0.
        server.should_exit = True

    def on_sigterm(sig: int, frame: FrameType | None) -> None:
        if shutdown.draining:  # a second SIGTERM: stop now
            loop.call_soon_threadsafe(stop)
            return
        shutdown.drain()
        logger.info("SIGTERM: draining for %gs (readiness 503), then stopping", delay)
        loop.call_soon_threadsafe(loop.call_later, delay, stop)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)
