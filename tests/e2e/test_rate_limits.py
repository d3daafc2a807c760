"""Rate limits over real sockets: uvicorn serving the gateway, clients on loopback.

Limits are per day: the sliding window weighs the last window's requests by how much of it is
still within a window of now, so a test straddling a window's end could see one more request
through; across a day's end that is one run in a million.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import redis

from gateway.app import create_app
from gateway.rate_limit_storage import REDIS_KEY_PREFIX
from gateway.settings import Settings
from tests.e2e.conftest import AUTHORIZATION
from tests.support.recorder import Recorder
from tests.support.servers import serve

QUERY = {"query": "{ __typename }"}
# Loopback is a whole /8: a second client, from another address.
OTHER_ADDRESS = "127.0.0.2"


def post(url: str, *, local_address: str = "127.0.0.1", **headers: str) -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=local_address)
    with httpx.Client(base_url=url, transport=transport, timeout=10) as client:
        return client.post("/graphql", json=QUERY, headers=headers)


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])
    assert retry_after >= 1
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": retry_after}


def passed(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def fresh_redis(redis_url: str) -> str:
    """The session's Redis without any rate-limit counters (other tests share it)."""
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{REDIS_KEY_PREFIX}*"):
        client.delete(key)
    client.close()
    return redis_url


def test_the_embedded_gateway_limits_each_address() -> None:
    with serve(create_app(Settings(rate_limit="5/day"))) as url:
        for _ in range(5):
            assert passed(post(url)) == {"data": {"__typename": "Query"}}
        assert_rate_limited(post(url))
        # The embedded sandbox's token goes upstream for everyone: a client's own
        # Authorization is no identity, and a new one buys no budget.
        assert_rate_limited(post(url, Authorization="Token token=another"))
        assert passed(post(url, local_address=OTHER_ADDRESS))
        for _ in range(10):
            assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200


def test_a_forwarding_gateway_limits_each_credentials(upstream: tuple[str, Recorder]) -> None:
    sandbox, _ = upstream
    settings = Settings(upstream_url=f"{sandbox}/api/v1", rate_limit="5/day")
    with serve(create_app(settings)) as url:
        for _ in range(5):
            passed(post(url, Authorization=AUTHORIZATION))
        assert_rate_limited(post(url, Authorization=AUTHORIZATION))
        # Another client's credentials, sent on as they are, from the same address.
        passed(post(url, Authorization="Token token=someone-else"))
        passed(post(url))  # anonymous: its address's budget


def test_gateways_sharing_a_redis_share_each_budget(fresh_redis: str) -> None:
    settings = Settings(rate_limit="4/day", redis_url=fresh_redis)
    with serve(create_app(settings)) as first, serve(create_app(settings)) as second:
        for url in (first, second, first, second):
            passed(post(url))
        assert_rate_limited(post(first))
        assert_rate_limited(post(second))
        passed(post(second, local_address=OTHER_ADDRESS))
