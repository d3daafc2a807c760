"""Real servers on loopback for tests: uvicorn in a background thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Literal

import uvicorn
from starlette.types import ASGIApp

from gateway.http.server import server_options
from gateway.settings import Settings

STARTUP_TIMEOUT = 20.0


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        await super().startup(sockets=sockets)  # type: ignore[arg-type]
        self._ready.set()


@contextlib.contextmanager
def serve(
    app: ASGIApp,
    *,
    lifespan: Literal["auto", "on", "off"] = "on",
    protected_by: Settings | None = None,
) -> Iterator[str]:
    """Serve `app` on a free loopback port; yield its base URL; stop it afterwards.

    `protected_by`: serve it as the gateway is served, with the connection limits of these
    settings (`gateway.http.server`); without, on plain uvicorn.
    """
    ready = threading.Event()
    options = {} if protected_by is None else server_options(protected_by)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan=lifespan,
        log_level="warning",
        access_log=False,
        **options,
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
