"""The transport under the upstream's `httpx.AsyncClient`: aiohttp's connection pool, with
failures classified by when they happened.

httpx's own transport spends more CPU in its connection pool than a plain proxy spends in
total (see bench/README.md); aiohttp's does the same work for a fraction of it, and the rest
of the gateway keeps the httpx API. The upstream answers small JSON documents that are always
read whole, so each answer is read here in one go and handed to httpx as content, with no
stream adapters in between (`httpx-aiohttp`, which this replaces, cost about 8% of the
gateway's CPU in streaming wrappers and per-request URL and header conversions).

A failure is classified from the aiohttp exception itself, because the gateway retries only
what was certainly never sent: only a connection that was never made is a connect error;
anything after it is a read error, and a POST is then never retried.
"""

from __future__ import annotations

import aiohttp
import httpx
import yarl

MAX_CACHED_URLS = 1024


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


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through one `aiohttp.ClientSession`, made on first use (it must
    be made inside the running event loop) and closed with the client."""

    def __init__(self, *, limits: httpx.Limits) -> None:
        self._limits = limits
        self._session: aiohttp.ClientSession | None = None
        self._urls: dict[str, yarl.URL] = {}

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,
            keepalive_timeout=self._limits.keepalive_expiry,
        )
        # aiohttp would add `Content-Type: application/octet-stream` to a bodiless PATCH; the
        # upstream documents none, and httpx sets it whenever there is a body. httpx already
        # sets `Accept-Encoding` and `User-Agent`, and decodes the body itself.
        self._session = aiohttp.ClientSession(
            connector=connector,
            skip_auto_headers=("Content-Type", "Accept-Encoding", "User-Agent"),
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self._session

    def _url(self, url: httpx.URL) -> yarl.URL:
        # The gateway calls a handful of paths; parsing each once spares yarl's work per call.
        text = str(url)
        parsed = self._urls.get(text)
        if parsed is None:
            if len(self._urls) >= MAX_CACHED_URLS:
                self._urls.clear()
            parsed = self._urls[text] = yarl.URL(text, encoded=True)
        return parsed

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session or self._open()
        timeout = request.extensions.get("timeout", {})
        try:
            content = request.content
        except httpx.RequestNotRead:
            content = await request.aread()
        try:
            async with session.request(
                request.method,
                self._url(request.url),
                headers=request.headers.multi_items(),
                data=content or None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(
                    # aiohttp's `connect` includes waiting for a pooled connection.
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as answer:
                body = await answer.read()
        except (TimeoutError, aiohttp.ClientError) as error:
            raise (classified(error) or error) from error
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
