"""The transport under the upstream's `httpx.AsyncClient`: aiohttp, with failures classified
by when they happened.

httpx's own transport spends more CPU in its connection pool than a plain proxy spends in
total (see bench/README.md); aiohttp's, through `httpx-aiohttp`, does the same work for a
fraction of it, and the rest of the gateway keeps the httpx API.

`httpx-aiohttp` maps every `aiohttp.ClientConnectionError` to `httpx.ConnectTimeout`, which
includes a server closing the connection after the request was sent. The gateway retries a
`ConnectTimeout` (it means "never sent"), so here each failure is reclassified from the
aiohttp exception itself: only a connection that was never made is a connect error; anything
after it is a read error, and a POST is then never retried.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport as _AiohttpTransport


def _classified(error: BaseException) -> httpx.TransportError | None:
    """The httpx error an aiohttp failure stands for, or `None` if it is not aiohttp's."""
    cause = error.__cause__ if isinstance(error, httpx.TransportError) else error
    message = str(cause) or type(cause).__name__
    if isinstance(cause, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)  # refused, unreachable, DNS: nothing was sent
    if isinstance(cause, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)  # waiting for a connection: nothing was sent
    if isinstance(cause, aiohttp.ServerTimeoutError):
        return httpx.ReadTimeout(message)
    if isinstance(cause, aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(message)
    if isinstance(cause, aiohttp.ClientError):
        return httpx.ReadError(message)  # after connecting: the request may have been sent
    return None


class _Stream(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except (httpx.TransportError, aiohttp.ClientError) as error:
            raise (_classified(error) or error) from error

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        except (httpx.TransportError, aiohttp.ClientError) as error:
            raise (_classified(error) or error) from error


class AiohttpTransport(httpx.AsyncBaseTransport):
    """`httpx_aiohttp.AiohttpTransport` with failures classified by when they happened."""

    def __init__(self, *, limits: httpx.Limits) -> None:
        def session() -> aiohttp.ClientSession:
            connector = aiohttp.TCPConnector(
                limit=limits.max_connections or 0, keepalive_timeout=limits.keepalive_expiry
            )
            # aiohttp would add `Content-Type: application/octet-stream` to a bodiless PATCH;
            # the upstream documents none, and httpx sets it whenever there is a body.
            return aiohttp.ClientSession(connector=connector, skip_auto_headers=("Content-Type",))

        self._transport = _AiohttpTransport(client=session)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._transport.handle_async_request(request)
        except (httpx.TransportError, aiohttp.ClientError) as error:
            raise (_classified(error) or error) from error
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Stream(response.stream)
        return response

    async def aclose(self) -> None:
        await self._transport.aclose()
