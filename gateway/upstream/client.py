"""The one place that talks HTTP to the upstream.

`UpstreamClient.request` sends a request with the caller's credentials and either returns the
decoded JSON of a success or raises one of `gateway.upstream.errors`, keeping status, body and
`X-Request-Id`. Transport and status failures are caught here and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TypedDict

import httpx

from gateway import logs
from gateway.errors import (
    UpstreamBadResponse,
    UpstreamBusy,
    UpstreamCircuitOpen,
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
from gateway.observability import metrics, tracing
from gateway.observability.tracing import Span, SpanKind
from gateway.remembered import Remembered
from gateway.upstream import codec
from gateway.upstream.breaker import CircuitBreaker
from gateway.upstream.exchange import MAX_CACHED_URLS, Answer, Exchange, HttpxExchange
from gateway.upstream.transport import AiohttpTransport

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = logs.REQUEST_ID_HEADER


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    """A successful answer: its status, decoded JSON (`None` when empty) and request id."""

    status: int
    data: object
    request_id: str | None


class UpstreamClient:
    """Sends requests to the upstream through one shared `httpx.AsyncClient`'s pool.

    Requests are built from the client's base URL, headers and timeouts, and handed straight
    to its transport as an `Exchange` (`transport` must be the one `http` was built with;
    `http` stays the pool's owner and closes it). `AsyncClient.send` would wrap every call in
    auth flows, redirect handling, cookie extraction and event hooks, and the gateway wants
    none of them: credentials are each caller's header, a POST must never follow a redirect,
    and a cookie one caller's call received must never go out with another's. Skipping it
    took 10% off the gateway's CPU per request, and skipping httpx's request and response
    objects on the aiohttp transport more again (bench/README.md).

    `deadline` bounds the whole exchange (connect, send, wait, read, and any retry), on top of
    httpx's per-phase timeouts, so a server that trickles bytes cannot hold a request forever.
    A request is retried only when no connection could be made (`connect_retries` times):
    then it certainly never reached the upstream, which matters for a POST that creates an
    invoice. The circuit breaker fails calls fast while the upstream keeps failing.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        transport: httpx.AsyncBaseTransport,
        deadline: float,
        connect_retries: int = 2,
        retry_backoff: float = 0.05,
        breaker: CircuitBreaker | None = None,
        max_concurrent: int | None = None,
        queue_timeout: float = 5.0,
    ) -> None:
        self._base_url = http.base_url
        self._exchange: Exchange = (
            transport.exchanger(http.timeout)
            if isinstance(transport, AiohttpTransport)
            else HttpxExchange(transport, http.timeout)
        )
        # Lower-cased names, so a call's own headers replace the client's by plain dict merge.
        self._headers = {name.lower(): value for name, value in http.headers.items()}
        self._deadline = deadline
        # Bounds calls in flight whatever the transport's own pool does, so an exhausted
        # upstream makes requests wait `queue_timeout` and then fail with UpstreamBusy.
        self._slots = asyncio.Semaphore(max_concurrent) if max_concurrent else None
        self.in_use = 0  # calls holding a slot (the pool's connections in use)
        self._queue_timeout = queue_timeout
        # httpx parses and validates the whole URL again for every request made with a path
        # (its IPv4 check alone was 8% of the gateway's CPU), and again to add a query; paths
        # and queries repeat (the same search page, asked again and again), so each once.
        self._urls = Remembered(self._built_url, kinds=(str, tuple), size=MAX_CACHED_URLS)
        self._connect_retries = connect_retries
        self._retry_backoff = retry_backoff
        self.breaker = breaker or CircuitBreaker(failure_threshold=5, reset_after=30.0)

    async def request(
        self,
        method: str,
        path: str,
        *,
        authorization: str | None,
        json: object = None,
        params: Mapping[str, str] | None = None,
        decode: Callable[[bytes], object] = codec.decode,
    ) -> UpstreamResponse:
        """One call. A success's body is read by `decode` (`codec.decode`, or a decoder of
        the shape the caller expects, which must read any JSON as `codec.decode` would)."""
        headers = {**self._headers, "accept": "application/json"}
        if authorization:
            headers["authorization"] = authorization
        if (current := logs.request_id.get()) is not None:
            headers[REQUEST_ID_HEADER.lower()] = current
        route = metrics.route_template(path)
        content = None
        if json is not None:
            content = codec.encode(json)
            headers["content-type"] = "application/json"
        if not self.breaker.allow():
            raise UpstreamCircuitOpen(
                "The upstream API keeps failing; calls are paused briefly. Retry later."
            )
        url = self._urls((path, tuple(params.items())) if params else path)
        with tracing.span(
            f"{method} {route}", kind=SpanKind.CLIENT, attributes=_span_attributes(method, route)
        ) as span:
            tracing.inject(headers)  # the upstream's span is a child of this one
            started = time.perf_counter()
            try:
                async with self._slot():
                    answer = await self._send(method, url, headers, content)
            except UpstreamError as error:
                self.breaker.record_failure()
                metrics.observe_upstream(route, method, None, _count(started))
                tracing.fail(span, error.code)
                _log_failure(method, path, error)
                raise
            except BaseException:
                self.breaker.record_neutral()  # e.g. the client went away: proves nothing
                raise
            status = answer.status
            if status >= 500:
                self.breaker.record_failure()
            else:
                self.breaker.record_success()
            elapsed = _count(started)
            metrics.observe_upstream(route, method, status, elapsed)
            if span.is_recording():
                _record_answer(span, answer)
            try:
                return _read(method, path, answer, elapsed=elapsed, decode=decode)
            except (UpstreamServerError, UpstreamBadResponse) as error:
                _log_failure(method, path, error)
                raise

    def _built_url(self, key: str | tuple[str, tuple[tuple[str, str], ...]]) -> str:
        path, params = (key, ()) if isinstance(key, str) else key
        # What httpx does with a relative URL: the path appended to the base URL's.
        base = self._base_url
        url = base.copy_with(raw_path=base.raw_path + path.lstrip("/").encode("ascii"))
        return str(url.copy_merge_params(dict(params)) if params else url)

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        if self._slots is None:
            yield
            return
        if self._slots.locked():
            try:
                async with asyncio.timeout(self._queue_timeout):
                    await self._slots.acquire()
            except TimeoutError:
                raise UpstreamBusy(
                    "All connections to the upstream API are busy; retry later."
                ) from None
        else:
            await self._slots.acquire()  # a free slot: taken at once
        self.in_use += 1
        try:
            yield
        finally:
            self.in_use -= 1
            self._slots.release()

    async def _send(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None
    ) -> Answer:
        attempt = 0
        try:
            async with asyncio.timeout(self._deadline):
                while True:
                    try:
                        return await self._exchange(method, url, headers, content)
                    except (httpx.ConnectError, httpx.ConnectTimeout):
                        # Never connected, so never sent: the one case safe to retry.
                        if attempt >= self._connect_retries:
                            raise
                        attempt += 1
                        await asyncio.sleep(self._retry_backoff * attempt)
        except httpx.PoolTimeout as error:
            raise UpstreamBusy(
                "All connections to the upstream API are busy; retry later."
            ) from error
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


def _span_attributes(method: str, route: str) -> dict[str, str]:
    return {"http.request.method": method, "url.template": route}


def _record_answer(span: Span, answer: Answer) -> None:
    status = answer.status
    span.set_attribute("http.response.status_code", status)
    if (upstream_id := answer.headers.get(REQUEST_ID_HEADER)) is not None:
        span.set_attribute("http.response.header.x-request-id", [upstream_id])
    if status >= 400:
        # Semantic conventions: a client span's 4xx is an error too (the call did not succeed).
        tracing.fail(span, str(status))


def _timeout_message(method: str, error: BaseException) -> str:
    if isinstance(error, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "The upstream API could not be reached in time."
    if method == "GET":
        return "The upstream API did not answer in time."
    return "The upstream API did not answer in time; the request may have been processed."


def _log_failure(method: str, path: str, error: UpstreamError) -> None:
    # The upstream failing is an operator's business; a 4xx is an answer, not logged here.
    logger.warning(
        "upstream call failed",
        extra={
            "method": method,
            "path": path,
            "code": error.code,
            "status": error.status,
            "upstream_request_id": error.request_id,
        },
    )


def _count(started: float) -> float:
    """Add a call to this request's upstream figures; its duration in seconds."""
    elapsed = time.perf_counter() - started
    if (stats := logs.upstream_stats.get()) is not None:
        stats.calls += 1
        stats.milliseconds += elapsed * 1000
    return elapsed


def _read(
    method: str,
    path: str,
    answer: Answer,
    *,
    elapsed: float,
    decode: Callable[[bytes], object],
) -> UpstreamResponse:
    status = answer.status
    body = answer.body
    request_id = answer.headers.get(REQUEST_ID_HEADER)
    logger.debug(
        "upstream answered",
        extra={
            "method": method,
            "path": path,
            "status": status,
            "upstream_request_id": request_id,
            "duration_ms": round(elapsed * 1000, 1),
        },
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
            data = decode(body)
        except ValueError as error:
            raise UpstreamBadResponse(
                _unreadable(status, "a body that is not JSON"),
                status=status,
                body=body,
                request_id=request_id,
            ) from error
        return UpstreamResponse(status=status, data=data, request_id=request_id)
    raise _status_error(answer)


def _unreadable(status: int, what: str) -> str:
    if status == 201:
        # The upstream did create the resource: the client must not retry blindly.
        return f"The upstream API created the resource but answered with {what}."
    return f"The upstream API answered with {what}."


class _Kept(TypedDict):
    status: int
    body: bytes
    request_id: str | None


def _status_error(answer: Answer) -> UpstreamError:
    status = answer.status
    body = answer.body
    request_id = answer.headers.get(REQUEST_ID_HEADER)
    kept: _Kept = {"status": status, "body": body, "request_id": request_id}
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
            retry_after=answer.headers.get("Retry-After"),
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
