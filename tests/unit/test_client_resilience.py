"""The upstream client's retry rule and circuit breaker, and request id propagation."""

from __future__ import annotations

import httpx
import pytest

from gateway import logs
from gateway.errors import UpstreamCircuitOpen, UpstreamConnectionLost, UpstreamUnavailable
from gateway.upstream.breaker import CircuitBreaker, CircuitState
from gateway.upstream.client import UpstreamClient


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client_with(handler: httpx.MockTransport, **options: object) -> UpstreamClient:
    http = httpx.AsyncClient(transport=handler, base_url="http://upstream.test/api/v1")
    return UpstreamClient(http, transport=handler, deadline=5, retry_backoff=0, **options)  # type: ignore[arg-type]


async def test_a_call_that_never_connected_is_retried() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) < 3:
            raise httpx.ConnectError("refused")
        return httpx.Response(201, json={"ok": True})

    client = client_with(httpx.MockTransport(handler), connect_retries=2)
    response = await client.request("POST", "x", authorization=None, json={"a": 1})
    assert response.data == {"ok": True}
    assert len(calls) == 3


async def test_retries_are_bounded() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused")

    client = client_with(httpx.MockTransport(handler), connect_retries=1)
    with pytest.raises(UpstreamUnavailable):
        await client.request("POST", "x", authorization=None, json={})
    assert len(calls) == 2


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadError("reset"), httpx.RemoteProtocolError("closed"), httpx.WriteError("x")],
)
async def test_a_call_that_may_have_been_sent_is_never_retried(failure: Exception) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise failure

    client = client_with(httpx.MockTransport(handler), connect_retries=5)
    with pytest.raises(UpstreamConnectionLost):
        await client.request("POST", "x", authorization=None, json={})
    assert len(calls) == 1


async def test_the_request_id_is_sent_upstream() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-request-id"))
        return httpx.Response(200, json={})

    client = client_with(httpx.MockTransport(handler))
    token = logs.request_id.set("req-abc")
    try:
        await client.request("GET", "x", authorization=None)
    finally:
        logs.request_id.reset(token)
    assert seen == ["req-abc"]


def test_breaker_opens_after_the_threshold_and_half_opens_after_the_pause() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, reset_after=30, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow()
    clock.now += 30
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.allow()  # one trial
    assert not breaker.allow()  # and only one
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    clock.now += 30
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.allow()


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, reset_after=30, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED


async def test_an_open_circuit_fails_fast_and_4xx_counts_as_healthy() -> None:
    statuses = iter([500, 500, 404])
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(next(statuses))

    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=2, reset_after=10, clock=clock)
    client = client_with(httpx.MockTransport(handler), breaker=breaker)
    for _ in range(2):
        with pytest.raises(Exception, match="failed"):
            await client.request("GET", "x", authorization=None)
    with pytest.raises(UpstreamCircuitOpen):
        await client.request("GET", "x", authorization=None)
    assert len(calls) == 2
    clock.now += 10
    with pytest.raises(Exception, match="Not found"):
        await client.request("GET", "x", authorization=None)
    assert breaker.state is CircuitState.CLOSED
