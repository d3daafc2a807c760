"""Real servers on loopback for tests: uvicorn in a background thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT = 20.0


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        await super().startup(sockets=sockets)  # type: ignore[arg-type]
        self._ready.set()


@contextlib.contextmanager
def serve(app: ASGIApp, *, lifespan: str = "on") -> Iterator[str]:
    """Serve `app` on a free loopback port; yield its base URL; stop it afterwards."""
    ready = threading.Event()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan=lifespan, log_level="warning", access_log=False
    )
    server = _Server(config, ready)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    if not ready.wait(STARTUP_TIMEOUT) or not server.started:
        server.should_exit = True
        thread.join(5)
        raise RuntimeError("the test server did not start")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
