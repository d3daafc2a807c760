"""The transport under the upstream's `httpx.AsyncClient`: aiohttp's connection pool, with
failures classified by when they happened.

httpx's own transport spends more CPU in its connection pool than a plain proxy spends in
total (see bench/README.md); aiohttp's does the same work for a fraction of it. The upstream
answers small JSON documents that are always read whole, so each answer is read here in one
go, with no stream adapters in between (`httpx-aiohttp`, which this replaced, cost about 8%
of the gateway's CPU in streaming wrappers and per-request URL and header conversions). The
upstream client calls `exchanger()`'s function, which skips httpx's request and response
objects too; `handle_async_request` serves anything else that holds an `httpx.AsyncClient`
over this transport.

A failure is classified from the aiohttp exception itself, because the gateway retries only
what was certainly never sent: only a connection that was never made is a connect error;
anything after it is a read error, and a POST is then never retried.
"""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
import httpx
import yarl

from gateway.remembered import Remembered
from gateway.upstream.exchange import MAX_CACHED_URLS, Answer, Exchange


def classified(error: BaseException) -> httpx.TransportError | None:
    """The httpx error an aiohttp failure stands for, or `None` if it is not aiohttp's."""
    message = str(error) or type(error).__name__
    if isinstance(error, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)  # refused, unreachable, DNS: nothing was sent
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)  # waiting for a connection: nothing was sent
    if isinstance(error, aiohttp.ServerTimeoutError):
        return httpx.ReadTimeout(message)
    if isinstance(error, aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(message)
    if isinstance(error, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(message)
    if isinstance(error, aiohttp.ClientError):
        return httpx.ReadError(message)  # after connecting: the request may have been sent
    if isinstance(error, TimeoutError):
        return httpx.ReadTimeout(message)
    return None


def _parsed(text: str) -> yarl.URL:
    return yarl.URL(text, encoded=True)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through one `aiohttp.ClientSession`, made on first use (it must
    be made inside the running event loop) and closed with the client."""

    def __init__(self, *, limits: httpx.Limits) -> None:
        self._limits = limits
        self._session: aiohttp.ClientSession | None = None
        # The gateway calls a handful of paths; parsing each once spares yarl's work per call.
        self._url = Remembered(_parsed, size=MAX_CACHED_URLS)

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,
            keepalive_timeout=self._limits.keepalive_expiry,
        )
        # aiohttp would add `Content-Type: application/octet-stream` to a bodiless PATCH; the
        # upstream documents none, and the caller sets it whenever there is a body. The caller
        # sets `Accept-Encoding` and `User-Agent` too. Bodies are decoded by aiohttp for an
        # `Exchange`, by httpx for an `httpx.Request`.
        self._session = aiohttp.ClientSession(
            connector=connector,
            skip_auto_headers=("Content-Type", "Accept-Encoding", "User-Agent"),
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self._session

    @staticmethod
    def _timeout(timeout: Mapping[str, float | None]) -> aiohttp.ClientTimeout:
        # aiohttp's `connect` includes waiting for a pooled connection.
        return aiohttp.ClientTimeout(
            connect=timeout.get("pool"),
            sock_connect=timeout.get("connect"),
            sock_read=timeout.get("read"),
        )

    async def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | list[tuple[str, str]],
        content: bytes | None,
        timeouts: aiohttp.ClientTimeout,
        *,
        decompress: bool,
    ) -> tuple[aiohttp.ClientResponse, bytes]:
        session = self._session or self._open()
        try:
            async with session.request(
                method,
                self._url(url),
                headers=headers,
                data=content or None,
                allow_redirects=False,
                timeout=timeouts,
                auto_decompress=decompress,
            ) as answer:
                return answer, await answer.read()
        except (TimeoutError, aiohttp.ClientError) as error:
            raise (classified(error) or error) from error

    def exchanger(self, timeout: httpx.Timeout) -> Exchange:
        """This transport as the upstream client's `Exchange`, with the client's timeouts."""
        client_timeout = self._timeout(timeout.as_dict())

        async def exchange(
            method: str, url: str, headers: dict[str, str], content: bytes | None
        ) -> Answer:
            answer, body = await self._send(
                method, url, headers, content, client_timeout, decompress=True
            )
            return Answer(status=answer.status, headers=answer.headers, body=body)

        return exchange

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            content = request.content
        except httpx.RequestNotRead:
            content = await request.aread()
        # httpx decodes the body itself, from the headers as they came.
        answer, body = await self._send(
            request.method,
            str(request.url),
            request.headers.multi_items(),
            content,
            self._timeout(request.extensions.get("timeout", {})),
            decompress=False,
        )
        extensions: dict[str, object] = {"http_version": b"HTTP/1.1"}
        if answer.reason:
            extensions["reason_phrase"] = answer.reason.encode()
        return httpx.Response(
            answer.status,
            headers=answer.raw_headers,
            content=body,
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
