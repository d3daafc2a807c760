"""One request and its whole answer, below the upstream client: the shape both transports share.

`UpstreamClient` sends through an `Exchange`: a method, a URL, the headers and the body in;
an `Answer` (status, headers, the body read whole and decoded from any content coding) out,
or an `httpx.TransportError` for a failure (a body cut short or in a content coding that does
not decode is an `httpx.RemoteProtocolError`). The aiohttp transport is one directly
(`AiohttpTransport.exchange`), with no `httpx.Request` or `httpx.Response` built per call:
those two objects and their header normalisation cost as much CPU as aiohttp's own request
(bench/README.md). Any other httpx transport (the embedded sandbox's `ASGITransport`, a
test's `MockTransport`) is adapted by `HttpxExchange`, which builds them as httpx would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx

from gateway.remembered import Remembered

# Each cache of URLs (built or parsed) starts over when it holds this many.
MAX_CACHED_URLS = 1024


@dataclass(frozen=True, slots=True)
class Answer:
    """An upstream answer: status, headers (looked up case-insensitively) and body bytes."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class Exchange(Protocol):
    async def __call__(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None
    ) -> Answer: ...


class HttpxExchange:
    """Any httpx transport as an `Exchange`, with the client's timeouts as its extensions."""

    def __init__(self, transport: httpx.AsyncBaseTransport, timeout: httpx.Timeout) -> None:
        self._transport = transport
        self._extensions = {"timeout": timeout.as_dict()}
        # httpx parses and validates a URL string on every request; the gateway's repeat.
        self._url = Remembered(httpx.URL, size=MAX_CACHED_URLS)

    async def __call__(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None
    ) -> Answer:
        request = httpx.Request(
            method, self._url(url), content=content, headers=headers, extensions=self._extensions
        )
        try:
            response = await self._transport.handle_async_request(request)
            try:
                body = await response.aread()
            finally:
                await response.aclose()
        except httpx.DecodingError as error:
            # Not a transport error in httpx's tree (a response made from content is decoded
            # as it is made); aiohttp's exchange reports a body it cannot decode as a broken
            # answer, and so does this one.
            raise httpx.RemoteProtocolError(str(error), request=request) from error
        return Answer(status=response.status_code, headers=response.headers, body=body)
