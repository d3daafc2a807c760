"""Fault injection: the gateway against an upstream that misbehaves at the socket level.

For each fault the client gets the documented error code without hanging past the
configured deadline, the gateway stays healthy, and its next request succeeds.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from examples.seed import seed_response
from gateway.app import create_app
from gateway.settings import Settings
from tests.support.faulty_upstream import Behaviour, FaultyUpstream
from tests.support.servers import serve

READ_TIMEOUT = 0.5
DEADLINE = 2.0
# Slack for a loaded 2-core machine; what matters is that nothing waits for ever.
SLACK = 5.0

MUTATION = """
mutation Create($input: CreateInvoiceInput!) {
  createInvoice(input: $input) { invoice { id state grossValue } userErrors { field code } }
}
"""
VARIABLES = {
    "input": {
        "contractId": "3",
        "description": "faults",
        "receivables": [{"dueDate": "2025-06-10", "grossValue": "700.00"}],
    }
}


@pytest.fixture(scope="module")
def upstream() -> Iterator[FaultyUpstream]:
    with FaultyUpstream().running() as upstream:
        yield upstream


@pytest.fixture(scope="module")
def gateway(upstream: FaultyUpstream) -> Iterator[str]:
    settings = Settings(
        upstream_url=upstream.url,
        read_timeout=READ_TIMEOUT,
        connect_timeout=1.0,
        request_timeout=DEADLINE,
        breaker_failures=1000,
    )
    with serve(create_app(settings)) as url:
        yield url


def create(url: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    response = httpx.post(
        f"{url}/graphql",
        json={"query": MUTATION, "variables": VARIABLES},
        headers={"Authorization": "Token token=t"},
        timeout=DEADLINE + SLACK,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result, time.monotonic() - started


def broken_invoice() -> bytes:
    body = seed_response()
    del body["invoice"]["services"]
    body["invoice"]["gross_value"] = ["not", "a", "number"]
    body["invoice"]["created_at"] = 12
    return json.dumps(body, default=str).encode()


FAULTS = [
    ("slow answer", Behaviour(delay=READ_TIMEOUT * 3), "UPSTREAM_TIMEOUT"),
    ("stall after headers", Behaviour(stall_after_headers=DEADLINE * 2), "UPSTREAM_TIMEOUT"),
    ("connection reset", Behaviour(reset=True), "UPSTREAM_CONNECTION_LOST"),
    ("closed mid-body", Behaviour(body_bytes=100), "UPSTREAM_CONNECTION_LOST"),
    ("500 with a body", Behaviour(status=500, body=b"<h1>boom</h1>"), "UPSTREAM_SERVER_ERROR"),
    ("503 without a body", Behaviour(status=503, body=b""), "UPSTREAM_SERVER_ERROR"),
    ("201 not JSON", Behaviour(body=b"<html>created</html>"), "UPSTREAM_BAD_RESPONSE"),
    ("201 truncated JSON", Behaviour(body=b'{"invoice": {"id": 61, "sta'), "UPSTREAM_BAD_RESPONSE"),
    (
        "429 with Retry-After",
        Behaviour(status=429, body=b"", headers={"Retry-After": "7"}),
        "UPSTREAM_RATE_LIMITED",
    ),
]


@pytest.mark.parametrize(("name", "behaviour", "code"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_gets_its_code_in_time_and_the_next_request_succeeds(
    upstream: FaultyUpstream, gateway: str, name: str, behaviour: Behaviour, code: str
) -> None:
    upstream.next(behaviour)
    result, elapsed = create(gateway)
    assert result["data"] is None, name
    (error,) = result["errors"]
    assert error["extensions"]["code"] == code
    assert elapsed < DEADLINE + SLACK
    if code == "UPSTREAM_RATE_LIMITED":
        assert error["extensions"]["retryAfter"] == "7"

    assert httpx.get(f"{gateway}/healthz").json() == {"status": "ok"}
    after, _ = create(gateway)
    assert after["data"]["createInvoice"]["invoice"]["id"] == "61"


def test_a_201_with_missing_and_mistyped_fields_still_delivers_the_invoice(
    upstream: FaultyUpstream, gateway: str
) -> None:
    upstream.next(Behaviour(body=broken_invoice()))
    result, _ = create(gateway)
    invoice = result["data"]["createInvoice"]["invoice"]
    assert invoice == {"id": "61", "state": "TO_EMIT", "grossValue": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UPSTREAM_INVALID_VALUE"]
    assert result["errors"][0]["path"] == ["createInvoice", "invoice", "grossValue"]


def test_a_post_that_may_have_arrived_is_never_retried(
    upstream: FaultyUpstream, gateway: str
) -> None:
    before = len(upstream.requests)
    upstream.next(Behaviour(reset=True))
    result, _ = create(gateway)
    assert result["errors"][0]["extensions"]["code"] == "UPSTREAM_CONNECTION_LOST"
    assert len(upstream.requests) == before + 1


async def test_an_exhausted_pool_fails_cleanly_instead_of_piling_up(
    upstream: FaultyUpstream,
) -> None:
    settings = Settings(
        upstream_url=upstream.url,
        max_connections=1,
        pool_timeout=0.2,
        read_timeout=5,
        request_timeout=10,
        breaker_failures=1000,
    )
    upstream.next(Behaviour(delay=3))
    with serve(create_app(settings)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=20) as client:
            body = {"query": MUTATION, "variables": VARIABLES}
            first = asyncio.create_task(client.post("/graphql", json=body))
            # The slow request holds the only connection once the upstream has it.
            assert await asyncio.to_thread(upstream.received.wait, 10)
            second = await client.post("/graphql", json=body)
            assert second.json()["errors"][0]["extensions"]["code"] == "UPSTREAM_BUSY"
            assert (await first).json()["data"]["createInvoice"]["invoice"]["id"] == "61"


def test_the_circuit_opens_after_repeated_failures_and_readyz_reports_it(
    upstream: FaultyUpstream,
) -> None:
    settings = Settings(upstream_url=upstream.url, breaker_failures=2, breaker_reset_seconds=600)
    with serve(create_app(settings)) as url:
        upstream.next(Behaviour(status=500, body=b""), Behaviour(status=502, body=b""))
        assert create(url)[0]["errors"][0]["extensions"]["code"] == "UPSTREAM_SERVER_ERROR"
        assert create(url)[0]["errors"][0]["extensions"]["code"] == "UPSTREAM_SERVER_ERROR"
        seen = len(upstream.requests)
        paused, _ = create(url)
        assert paused["errors"][0]["extensions"]["code"] == "UPSTREAM_CIRCUIT_OPEN"
        assert len(upstream.requests) == seen  # failed fast: the upstream was spared
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 503
        assert ready.json()["circuit"] == "open"
        assert httpx.get(f"{url}/healthz").status_code == 200
