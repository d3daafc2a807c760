"""A response that streams a run's results (SSE, multipart HTTP) until it ends or the client
goes, with a heartbeat while nothing happens.

The client's disconnect is watched while writing, so a subscriber that goes away frees its
subscription at once rather than at the next heartbeat. A client that stops reading holds
its writes (uvicorn waits for the socket to drain); its subscription falls behind the event
bus and is ended there, so what it holds stays bounded by the socket's buffers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping

from starlette.types import Receive, Scope, Send

from gateway.http.results import Result
from gateway.http.shutdown import Shutdown
from gateway.http.streams import Run

# What each transport makes of a result (or of `None`: a heartbeat).
Encode = Callable[[Result | None], bytes]


class StreamResponse:
    def __init__(
        self,
        run: Run,
        *,
        media_type: str,
        encode: Encode,
        heartbeat: float,
        opening: bytes = b"",
        closing: bytes = b"",
        headers: Mapping[str, str] | None = None,
        shutdown: Shutdown | None = None,
    ) -> None:
        self._run = run
        self._shutdown = shutdown
        self._media_type = media_type
        self._encode = encode
        self._heartbeat = heartbeat
        self._opening = opening
        self._closing = closing
        self._headers = dict(headers or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"content-type", self._media_type.encode("latin-1")),
            # Proxies must pass each event on as it comes, not buffer or cache the stream.
            (b"cache-control", b"no-cache, no-transform"),
            (b"x-accel-buffering", b"no"),
            *(
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in self._headers.items()
            ),
        ]
        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            writer = asyncio.ensure_future(self._write(send))
            gone = asyncio.ensure_future(_disconnect(receive))
            tasks: list[asyncio.Future[None]] = [writer, gone]
            if self._shutdown is not None:
                tasks.append(asyncio.ensure_future(self._shutdown.stopped()))
            stopped = tasks[2:]
            try:
                finished, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, OSError):
                        await task
            if finished and finished <= set(stopped):
                # The process stops: the stream ends as the protocol ends it, so the client
                # resubscribes (elsewhere) rather than seeing a broken connection.
                with contextlib.suppress(OSError):
                    await send(
                        {"type": "http.response.body", "body": self._closing, "more_body": False}
                    )
        finally:
            await self._run.aclose()

    async def _write(self, send: Send) -> None:
        if self._opening:
            await send({"type": "http.response.body", "body": self._opening, "more_body": True})
        async for result in self._run.results(self._heartbeat):
            body = self._encode(result)
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": self._closing, "more_body": False})


async def _disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
