"""Per-client rate limits: whose budget a request spends, the 429, the stores behind them."""

from __future__ import annotations

import hashlib
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis
from limits import parse_many
from limits.errors import StorageError
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from gateway.app import create_app
from gateway.errors import SettingsError
from gateway.http import rate_limit
from gateway.http.rate_limit import RateLimited, RateLimiter, client_key
from gateway.rate_limit_storage import REDIS_KEY_PREFIX, BoundedMemoryStorage, SharedRedisStorage
from gateway.settings import Settings, load_settings
from tests.support.gateway import UPSTREAM_URL, answer

GRAPHQL_RESPONSE = "application/graphql-response+json"
QUERY = {"query": "{ __typename }"}
# Per day, so that no test straddles a window's end (the previous window's weight would drop).
TWO_A_DAY = "2/day"


def scope(client: tuple[str, int] | None = ("203.0.113.7", 5000), **headers: str) -> Scope:
    return {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": client,
    }


def limiter(limit: str = TWO_A_DAY, **options: Any) -> RateLimiter:
    return RateLimiter(parse_many(limit), BoundedMemoryStorage(**options))


# --- whose budget ---------------------------------------------------------------------------


def test_credentials_are_keyed_by_their_hash_never_their_value() -> None:
    key = client_key(scope(Authorization="Token token=secret"), by_credentials=True)
    assert key == "credentials:" + hashlib.sha256(b"Token token=secret").hexdigest()
    assert "secret" not in key


def test_without_credentials_the_address_is_the_key() -> None:
    assert client_key(scope(), by_credentials=True) == "address:203.0.113.7"
    assert client_key(scope(client=None), by_credentials=True) == "address:unknown"


def test_an_imposed_upstream_token_keys_on_the_address_whatever_the_client_sends() -> None:
    key = client_key(scope(Authorization="Token token=made-up"), by_credentials=False)
    assert key == "address:203.0.113.7"


def gateway(settings: Settings, client: tuple[str, int] = ("198.51.100.1", 5000)) -> TestClient:
    app = create_app(settings, upstream_transport=httpx.MockTransport(answer(200, {})))
    return TestClient(app, client=client, raise_server_exceptions=False)


def statuses(client: TestClient, *headers: dict[str, str]) -> list[int]:
    return [client.post("/graphql", json=QUERY, headers=each).status_code for each in headers]


def test_x_forwarded_for_names_the_client_behind_a_trusted_proxy() -> None:
    settings = Settings(rate_limit="1/day", trusted_proxies=["10.0.0.1"])
    with gateway(settings, client=("10.0.0.1", 5000)) as proxied:
        # The right-most address the proxy did not add: what a client prepends is not believed.
        assert statuses(
            proxied,
            {"X-Forwarded-For": "203.0.113.5"},
            {"X-Forwarded-For": "203.0.113.6"},
            {"X-Forwarded-For": "192.0.2.99, 203.0.113.5"},
        ) == [200, 200, 429]


def test_x_forwarded_for_from_anyone_else_is_ignored() -> None:
    settings = Settings(rate_limit="1/day", trusted_proxies=["10.0.0.1"])
    with gateway(settings, client=("198.51.100.2", 5000)) as direct:
        assert statuses(
            direct, {"X-Forwarded-For": "203.0.113.5"}, {"X-Forwarded-For": "203.0.113.6"}
        ) == [200, 429]


def test_different_credentials_have_their_own_budgets() -> None:
    with gateway(Settings(upstream_url=UPSTREAM_URL, rate_limit="1/day")) as client:
        assert statuses(
            client,
            {"Authorization": "Token token=a"},
            {"Authorization": "Token token=b"},
            {"Authorization": "Token token=a"},
            {},
            {},
        ) == [200, 200, 429, 200, 429]


def test_made_up_credentials_buy_no_budget_when_the_gateway_sends_its_own_token() -> None:
    settings = Settings(upstream_url=UPSTREAM_URL, upstream_token="deployment", rate_limit="1/day")
    with gateway(settings) as client:
        assert statuses(
            client, {"Authorization": "Token token=a"}, {"Authorization": "Token token=b"}
        ) == [200, 429]


def test_off_by_default_and_only_graphql_is_limited() -> None:
    assert Settings().rate_limit == "off"
    with gateway(Settings(rate_limit="1/day")) as client:
        assert statuses(client, {}, {}) == [200, 429]
        assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
        assert client.get("/graphql/assets/graphiql.min.css").status_code == 200


# --- the answer -----------------------------------------------------------------------------


def test_past_the_limit_the_answer_is_429_rate_limited_with_retry_after() -> None:
    with gateway(Settings(rate_limit=TWO_A_DAY)) as client:
        assert statuses(client, {}, {}) == [200, 200]
        response = client.post("/graphql", json=QUERY)
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 24 * 3600
    assert response.json() == {
        "errors": [
            {
                "message": f"Too many requests; retry after {retry_after} seconds.",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after},
            }
        ]
    }
    assert "x-request-id" in response.headers  # the access log has a line for it


def test_the_429_is_in_the_graphql_response_type_when_the_client_prefers_it() -> None:
    with gateway(Settings(rate_limit="1/day")) as client:
        client.post("/graphql", json=QUERY)
        response = client.post("/graphql", json=QUERY, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 429
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # `limits` reads `time.time()` itself; one clock for it and the storage alike.
    fake = Clock(now=1_800_000_000.0)
    monkeypatch.setattr(time, "time", fake)
    return fake


async def test_retry_after_is_a_whole_second_at_least(clock: Clock) -> None:
    limits = limiter("1/minute")
    minute = 1_800_000_000.0  # a minute's start
    clock.now = minute - 30
    assert await limits.retry_after("address:a") is None
    # The last minute's request still weighs in whole, and `limits` expects it to go now.
    clock.now = minute
    assert await limits.retry_after("address:a") == 1
    clock.now = minute + 0.5
    assert await limits.retry_after("address:a") is None


async def test_a_refused_request_reads_nothing_and_reaches_nothing() -> None:
    reached: list[Scope] = []
    received: list[Message] = []
    sent: list[Message] = []

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope)

    async def receive() -> Message:
        message: Message = {"type": "http.request", "body": b"{}", "more_body": False}
        received.append(message)
        return message

    async def send(message: Message) -> None:
        sent.append(message)

    app = RateLimited(endpoint, limiter("1/day"), by_credentials=True)
    await app(scope(), receive, send)
    await app(scope(), receive, send)
    assert len(reached) == 1
    assert received == []
    assert sent[0]["status"] == 429


async def test_a_refusal_is_held_for_the_pause_before_it_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[object] = []

    async def pause(seconds: float) -> None:
        events.append(("pause", seconds))

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        events.append("served")

    async def receive() -> Message:
        raise AssertionError("a refusal reads nothing")

    async def send(message: Message) -> None:
        events.append(message.get("status", "body"))

    monkeypatch.setattr(rate_limit.asyncio, "sleep", pause)
    app = RateLimited(endpoint, limiter("1/day"), by_credentials=True)
    await app(scope(), receive, send)
    await app(scope(), receive, send)
    assert events == ["served", ("pause", rate_limit.REFUSAL_PAUSE), 429, "body"]


async def test_a_new_documents_work_is_charged_to_the_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gateway import document_cache

    async def no_pause(seconds: float) -> None:
        return None

    statuses: list[int] = []

    async def costly(scope: Scope, receive: Receive, send: Send) -> None:
        # What the document cache records for a new document of 250 tokens.
        work = document_cache._work.get()
        assert work is not None
        work.tokens += 10 * rate_limit.TOKENS_PER_REQUEST
        statuses.append(200)

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def receive() -> Message:
        raise AssertionError("nothing is read here")

    monkeypatch.setattr(rate_limit.asyncio, "sleep", no_pause)
    app = RateLimited(costly, limiter("12/day"), by_credentials=True)
    for _ in range(3):
        await app(scope(), receive, send)
    # 1 + 10 for the first, 1 (and what is left, 0) for the second, the third refused.
    assert statuses == [200, 200, 429]


async def test_a_charge_takes_what_is_left_and_never_more() -> None:
    budget = limiter("5/day")
    assert await budget.retry_after("k") is None
    await budget.charge("k", 100)
    assert await budget.retry_after("k") is not None
    assert await budget.retry_after("other") is None  # nobody else pays for it


# --- the stores -----------------------------------------------------------------------------


async def test_memory_holds_at_most_its_bound_whatever_keys_come() -> None:
    storage = BoundedMemoryStorage(max_counters=10)
    limits = RateLimiter(parse_many("5/second;2/day"), storage)
    for number in range(200):
        await limits.retry_after(f"credentials:{number}")
        assert len(storage) <= 10
    # The newest clients are still counted.
    assert await limits.retry_after("credentials:199") is None
    assert await limits.retry_after("credentials:199") is not None


async def test_memory_forgets_counters_two_windows_old(clock: Clock) -> None:
    storage = BoundedMemoryStorage()
    limits = RateLimiter(parse_many("1/second"), storage)
    for number in range(50):
        await limits.retry_after(f"address:{number}")
    assert len(storage) == 50
    clock.now += 2.5
    await limits.retry_after("address:new")
    assert len(storage) == 1
    assert await limits.retry_after("address:0") is None  # its budget is whole again


class FlakyStorage(BoundedMemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.down = True

    async def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        if self.down:
            raise StorageError(ConnectionError("refused"))
        return await super().acquire_sliding_window_entry(key, limit, expiry, amount)


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


async def test_an_unreachable_store_lets_requests_through_and_warns_once_per_outage(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rate_limit, "STORE_RETRY_SECONDS", 0.0)  # every request tries it
    storage = FlakyStorage()
    limits = RateLimiter(parse_many("1/day"), storage)
    key = client_key(scope(Authorization="Token token=secret"), by_credentials=True)
    with caplog.at_level(logging.INFO, logger="gateway.http.rate_limit"):
        assert [await limits.retry_after(key) for _ in range(3)] == [None, None, None]
        assert len(warnings(caplog)) == 1
        storage.down = False
        assert await limits.retry_after(key) is None
        assert await limits.retry_after(key) is not None  # limits apply again
        storage.down = True
        await limits.retry_after(key)
    assert len(warnings(caplog)) == 2  # a second outage, a second warning
    assert all("secret" not in line and key not in line for line in caplog.messages)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_a_redis_nobody_answers_on_fails_open(caplog: pytest.LogCaptureFixture) -> None:
    shared = SharedRedisStorage(f"redis://127.0.0.1:{free_port()}/0")
    limits = RateLimiter(parse_many("1/day"), shared.storage, close=shared.close)
    with caplog.at_level(logging.WARNING, logger="gateway.http.rate_limit"):
        assert [await limits.retry_after("address:a") for _ in range(3)] == [None, None, None]
    await limits.close()
    assert warnings(caplog) == [
        "rate limit store unreachable (ConnectionError); requests go through unlimited until "
        "it answers"
    ]


@pytest.fixture
def clean_redis(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{REDIS_KEY_PREFIX}*"):
        client.delete(key)
    yield client
    client.close()


async def test_redis_counters_are_shared_and_hold_no_credentials(
    redis_url: str, clean_redis: redis.Redis
) -> None:
    first, second = SharedRedisStorage(redis_url), SharedRedisStorage(redis_url)
    one = RateLimiter(parse_many(TWO_A_DAY), first.storage, close=first.close)
    other = RateLimiter(parse_many(TWO_A_DAY), second.storage, close=second.close)
    key = client_key(scope(Authorization="Token token=secret"), by_credentials=True)
    try:
        assert [
            await one.retry_after(key),
            await other.retry_after(key),
            await one.retry_after("address:someone-else"),
        ] == [None, None, None]
        assert await other.retry_after(key) is not None
        assert await one.retry_after(key) is not None
    finally:
        await one.close()
        await other.close()
    stored = [name.decode() for name in clean_redis.scan_iter(f"{REDIS_KEY_PREFIX}*")]
    assert any(hashlib.sha256(b"Token token=secret").hexdigest() in name for name in stored)
    assert not any("secret" in name for name in stored)
    assert all(0 < clean_redis.ttl(name) <= 2 * 24 * 3600 for name in stored)


# --- the setting ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["lots", "0/second", "5/minute;x", "", "5/fortnight"])
def test_a_rate_limit_not_in_limits_notation_is_refused_by_name(value: str) -> None:
    with pytest.raises(SettingsError, match="GATEWAY_RATE_LIMIT") as raised:
        load_settings(rate_limit=value)
    assert "50/second;1000/minute" in str(raised.value)  # and how to write one


def test_the_environment_is_read_and_the_production_profile_turns_limits_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GATEWAY_RATE_LIMIT", "10/second; 100/minute")
    assert load_settings().rate_limit == "10/second; 100/minute"
    monkeypatch.delenv("GATEWAY_RATE_LIMIT")
    production = Settings(profile="production", trusted_documents_mode="off")
    assert production.rate_limit == "50/second;1000/minute"
