"""The one place that talks HTTP to the upstream.

`UpstreamClient.request` sends a request with the caller's credentials and either returns the
decoded JSON of a success or raises one of `gateway.upstream.errors`, keeping status, body and
`X-Request-Id`. Transport and status failures are caught here and nowhere else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from gateway.upstream import codec
from gateway.upstream.errors import (
    UpstreamBadResponse,
    UpstreamConnectionLost,
    UpstreamError,
    UpstreamForbidden,
    UpstreamNotFound,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamServerError,
    UpstreamTimeout,
    UpstreamUnauthenticated,
    UpstreamUnavailable,
)

logger = logging.getLogger("gateway.upstream")

REQUEST_ID_HEADER = "X-Request-Id"


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    """A successful answer: its status, decoded JSON (`None` when empty) and request id."""

    status: int
    data: object
    request_id: str | None


class UpstreamClient:
    """Sends requests to the upstream through one shared `httpx.AsyncClient`.

    `deadline` bounds the whole exchange (connect, send, wait, read), on top of httpx's
    per-phase timeouts, so a server that trickles bytes cannot hold a request forever.
    """

    def __init__(self, http: httpx.AsyncClient, *, deadline: float) -> None:
        self._http = http
        self._deadline = deadline

    async def request(
        self,
        method: str,
        path: str,
        *,
        authorization: str | None,
        json: object = None,
        params: Mapping[str, str] | None = None,
    ) -> UpstreamResponse:
        headers = {"Accept": "application/json"}
        if authorization:
            headers["Authorization"] = authorization
        content = None
        if json is not None:
            content = codec.encode(json)
            headers["Content-Type"] = "application/json"
        try:
            async with asyncio.timeout(self._deadline):
                response = await self._http.request(
                    method, path, content=content, headers=headers, params=params
                )
        except (TimeoutError, httpx.TimeoutException) as error:
            raise UpstreamTimeout(_timeout_message(method, error)) from error
        except httpx.ConnectError as error:
            raise UpstreamUnavailable("The upstream API could not be reached.") from error
        except httpx.TransportError as error:
            raise UpstreamConnectionLost(
                "The connection to the upstream API failed"
                + (
                    " after the request was sent; it may have been processed."
                    if method != "GET"
                    else "."
                )
            ) from error
        return _read(method, path, response)


def _timeout_message(method: str, error: BaseException) -> str:
    if isinstance(error, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "The upstream API could not be reached in time."
    if method == "GET":
        return "The upstream API did not answer in time."
    return "The upstream API did not answer in time; the request may have been processed."


def _read(method: str, path: str, response: httpx.Response) -> UpstreamResponse:
    status = response.status_code
    body = response.content
    request_id = response.headers.get(REQUEST_ID_HEADER)
    logger.info(
        "upstream answered",
        extra={"method": method, "path": path, "status": status, "upstream_request_id": request_id},
    )
    if 200 <= status < 300:
        if not body.strip():
            if status == 204:
                return UpstreamResponse(status=status, data=None, request_id=request_id)
            raise UpstreamBadResponse(
                _unreadable(status, "an empty body"),
                status=status,
                body=body,
                request_id=request_id,
            )
        try:
            data = codec.decode(body)
        except ValueError as error:
            raise UpstreamBadResponse(
                _unreadable(status, "a body that is not JSON"),
                status=status,
                body=body,
                request_id=request_id,
            ) from error
        return UpstreamResponse(status=status, data=data, request_id=request_id)
    raise _status_error(response)


def _unreadable(status: int, what: str) -> str:
    if status == 201:
        # The upstream did create the resource: the client must not retry blindly.
        return f"The upstream API created the resource but answered with {what}."
    return f"The upstream API answered with {what}."


def _status_error(response: httpx.Response) -> UpstreamError:
    status = response.status_code
    body = response.content
    request_id = response.headers.get(REQUEST_ID_HEADER)
    kept = {"status": status, "body": body, "request_id": request_id}
    if status == 401:
        return UpstreamUnauthenticated(
            "The upstream API rejected the credentials (missing or wrong token).", **kept
        )
    if status == 403:
        return UpstreamForbidden("The upstream API refused access.", **kept)
    if status == 404:
        return UpstreamNotFound("Not found.", **kept)
    if status == 429:
        return UpstreamRateLimited(
            "The upstream API is rate limiting requests; retry later.",
            retry_after=response.headers.get("Retry-After"),
            **kept,
        )
    if status in (400, 422):
        try:
            decoded = codec.decode(body)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict) and "errors" in decoded:
            return UpstreamRejected(
                "The upstream API rejected the request.", errors=decoded["errors"], **kept
            )
        return UpstreamBadResponse(
            f"The upstream API answered {status} without the documented error body.", **kept
        )
    if status >= 500:
        return UpstreamServerError(f"The upstream API failed ({status}).", **kept)
    return UpstreamBadResponse(f"The upstream API answered an unexpected status {status}.", **kept)
