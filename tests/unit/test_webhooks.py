"""Webhooks in, piece by piece: the signature, reading a delivery, remembering the ones seen
(in memory and in a real Redis), the bus's fan-out, and the settings."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import inspect
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.asyncio import Redis
from starlette.testclient import TestClient

import upstream_sandbox
from gateway.app import create_app, webhook_url
from gateway.errors import EventBusUnavailable, InvalidDelivery, SettingsError
from gateway.settings import Settings, load_settings
from gateway.webhooks.bus import MemoryEventBus, ReceivedEvent, RedisEventBus
from gateway.webhooks.dedup import (
    PREFIX,
    Claim,
    MemorySeenDeliveries,
    RedisSeenDeliveries,
    SeenDeliveries,
    delivery_key,
)
from gateway.webhooks.delivery import (
    INVOICE_EVENTS,
    InvoiceDelivery,
    OtherEvent,
    Ping,
    parse_delivery,
)
from gateway.webhooks.signature import sign, verify

SECRET = "webhook-unit-secret"


# --- signature ---------------------------------------------------------------------------


def test_the_signature_is_hmac_sha1_hex_over_the_request_id_then_the_body() -> None:
    body = b'{"event":"emit","object_id":"7"}'
    expected = hmac.new(SECRET.encode(), b"req-1" + body, hashlib.sha1).hexdigest()
    assert sign(SECRET, "req-1", body) == expected
    assert len(expected) == 40
    assert expected == expected.lower()


def test_verify_takes_the_secrets_signature_only() -> None:
    body = b'{"test": true}'
    good = sign(SECRET, "req-1", body)
    assert verify(SECRET, "req-1", body, good)
    assert not verify(SECRET, "req-2", body, good)  # the request id is signed too
    assert not verify(SECRET, "req-1", body + b" ", good)  # the raw bytes, not the JSON
    assert not verify("another-secret", "req-1", body, good)
    assert not verify(SECRET, "req-1", body, good.upper())  # lowercase hex, as documented
    assert not verify(SECRET, "req-1", body, "")
    assert not verify(SECRET, "req-1", body, "é" * 40)  # any header text compares unequal


def test_without_a_request_id_the_body_alone_is_signed() -> None:
    body = b'{"test": true}'
    assert verify(SECRET, "", body, hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest())


def test_verify_compares_in_constant_time() -> None:
    assert "compare_digest" in inspect.getsource(verify)


# --- reading a delivery -----------------------------------------------------------------


def test_a_documented_invoice_delivery_is_read() -> None:
    body = (
        b'{"event": "update", "object_type": "Invoice", "object_id": "id-do-objeto", '
        b'"contract_token": "token-do-contrato", "contract_id": "id-do-contrato"}'
    )
    assert parse_delivery(body) == InvoiceDelivery(
        event="update",
        object_id="id-do-objeto",
        contract_token="token-do-contrato",
        contract_id="id-do-contrato",
    )


def test_ids_may_be_numbers_and_contract_id_may_be_missing() -> None:
    delivery = parse_delivery(
        b'{"event": "emit", "object_type": "Invoice", "object_id": 42, "contract_token": "t"}'
    )
    assert delivery == InvoiceDelivery(event="emit", object_id="42", contract_token="t")
    numbered = parse_delivery(
        b'{"event": "cancel", "object_type": "Invoice", "object_id": 1, '
        b'"contract_token": "t", "contract_id": 3}'
    )
    assert isinstance(numbered, InvoiceDelivery)
    assert numbered.contract_id == "3"


def test_the_event_name_is_kept_raw_and_known_names_are_the_documented_eight() -> None:
    # RESOURCES.md, "Webhooks": the invoice events of the product's docs, nothing else.
    documented = "update emit undo_emission cancel undo_cancellation confirm_receival"
    assert sorted(INVOICE_EVENTS) == sorted(
        [*documented.split(), "undo_receival", "receivement_error"]
    )
    unknown = parse_delivery(
        b'{"event": "archive", "object_type": "Invoice", "object_id": "1", "contract_token": "t"}'
    )
    assert isinstance(unknown, InvoiceDelivery)
    assert (unknown.event, unknown.known) == ("archive", False)
    assert parse_delivery(
        b'{"event": "emit", "object_type": "Invoice", "object_id": "1", "contract_token": "t"}'
    ).known  # type: ignore[union-attr]


def test_the_ping_and_other_objects_events_are_no_invoice_deliveries() -> None:
    assert parse_delivery(b'{"test": true}') == Ping()
    assert parse_delivery(
        b'{"event": "change_plan", "plan_id": "p", "contract_token": "t"}'
    ) == OtherEvent("change_plan")
    assert parse_delivery(
        b'{"event": "payment_gateway_status", "status": "s", "contract_token": "t"}'
    ) == OtherEvent("payment_gateway_status")
    assert parse_delivery(
        b'{"event": "update", "object_type": "Contract", "object_id": "1"}'
    ) == OtherEvent("update")


@pytest.mark.parametrize(
    ("body", "path", "reason"),
    [
        (b"{not json", [], "not JSON"),
        (b'["event"]', [], "not a JSON object"),
        (b'{"test": false}', ["event"], "missing"),
        (b'{"event": 7}', ["event"], "must be a string"),
        (b'{"event": ""}', ["event"], "must not be empty"),
        (
            b'{"event": "emit", "object_type": "Invoice", "contract_token": "t"}',
            ["object_id"],
            "missing",
        ),
        (
            b'{"event": "emit", "object_id": true, "contract_token": "t"}',
            ["object_id"],
            "must be a string or an integer",
        ),
        (
            b'{"event": "emit", "object_id": 1.5, "contract_token": "t"}',
            ["object_id"],
            "must be a string or an integer",
        ),
        (b'{"event": "emit", "object_id": "1"}', ["contract_token"], "missing"),
        (
            b'{"event": "emit", "object_id": "1", "contract_token": "t", "contract_id": {}}',
            ["contract_id"],
            "must be a string or an integer",
        ),
        (
            b'{"event": "emit", "object_id": "' + b"9" * 300 + b'", "contract_token": "t"}',
            ["object_id"],
            "longer than 256 characters",
        ),
    ],
)
def test_a_body_that_is_no_delivery_names_the_path_and_reason_never_the_value(
    body: bytes, path: list[str], reason: str
) -> None:
    with pytest.raises(InvalidDelivery) as caught:
        parse_delivery(body)
    assert (caught.value.path, caught.value.reason) == (path, reason)
    assert caught.value.status == 400
    assert "999" not in caught.value.message
    assert "1.5" not in caught.value.message


# --- remembering deliveries -------------------------------------------------------------


def test_a_delivery_is_known_by_its_request_id_or_else_its_body() -> None:
    assert delivery_key("r1", b"a") == delivery_key("r1", b"b")
    assert delivery_key("r1", b"a") != delivery_key("r2", b"a")
    assert delivery_key(None, b"a") == delivery_key(None, b"a")
    assert delivery_key(None, b"a") != delivery_key(None, b"b")
    assert "r1" not in delivery_key("r1", b"a")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_remembers_a_delivery_for_the_ttl_only() -> None:
    clock = Clock()
    seen = MemorySeenDeliveries(ttl=100, lease=10, clock=clock)
    assert await seen.claim("k") is Claim.NEW
    assert await seen.claim("k") is Claim.IN_FLIGHT
    await seen.confirm("k")
    clock.now += 99
    assert await seen.claim("k") is Claim.SEEN
    clock.now += 2
    assert await seen.claim("k") is Claim.NEW  # past the TTL: the same delivery anew


async def test_memory_a_pending_mark_lapses_with_its_lease_and_release_forgets_it() -> None:
    clock = Clock()
    seen = MemorySeenDeliveries(ttl=100, lease=10, clock=clock)
    assert await seen.claim("k") is Claim.NEW
    clock.now += 11
    assert await seen.claim("k") is Claim.NEW
    await seen.release("k")
    assert await seen.claim("k") is Claim.NEW


async def test_memory_is_bounded_oldest_first() -> None:
    seen = MemorySeenDeliveries(ttl=100, max_entries=3)
    for key in "abcd":
        assert await seen.claim(key) is Claim.NEW
        await seen.confirm(key)
    assert len(seen) == 3
    assert await seen.claim("a") is Claim.NEW  # forgotten first
    assert await seen.claim("d") is Claim.SEEN


@pytest.fixture
async def redis_seen(redis_url: str) -> AsyncIterator[Callable[..., RedisSeenDeliveries]]:
    made: list[RedisSeenDeliveries] = []

    def make(**options: Any) -> RedisSeenDeliveries:
        made.append(RedisSeenDeliveries(Redis.from_url(redis_url), **options))
        return made[-1]

    yield make
    for store in made:
        await store.close()


async def test_redis_marks_with_set_nx_and_keeps_the_ttl(
    redis_seen: Callable[..., RedisSeenDeliveries], redis_url: str
) -> None:
    seen = redis_seen(ttl=120, lease=5)
    key = delivery_key(f"unit-{datetime.now(UTC).timestamp()}", b"")
    assert await seen.claim(key) is Claim.NEW
    assert await redis_seen(ttl=120, lease=5).claim(key) is Claim.IN_FLIGHT  # another process
    async with Redis.from_url(redis_url) as redis:
        assert 0 < await redis.pttl(PREFIX + key) <= 5000
        await seen.confirm(key)
        assert 5000 < await redis.pttl(PREFIX + key) <= 120_000
    assert await seen.claim(key) is Claim.SEEN
    await seen.release(key)
    assert await seen.claim(key) is Claim.NEW


async def test_redis_forgets_a_delivery_after_the_ttl(
    redis_seen: Callable[..., RedisSeenDeliveries],
) -> None:
    seen = redis_seen(ttl=0.2, lease=5)
    key = delivery_key(f"ttl-{datetime.now(UTC).timestamp()}", b"")
    assert await seen.claim(key) is Claim.NEW
    await seen.confirm(key)
    assert await seen.claim(key) is Claim.SEEN
    await asyncio.sleep(0.3)  # past the TTL, as Redis counts it
    assert await seen.claim(key) is Claim.NEW


async def test_an_unreachable_redis_is_event_bus_unavailable() -> None:
    seen = RedisSeenDeliveries.from_url("redis://127.0.0.1:1/0", ttl=10, timeout=1)
    with pytest.raises(EventBusUnavailable) as caught:
        await seen.claim("k")
    assert caught.value.status == 503
    await seen.close()


# --- the bus ----------------------------------------------------------------------------


def event(number: int = 1) -> ReceivedEvent:
    return ReceivedEvent(
        id=f"id:{number}",
        received_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        delivery=InvoiceDelivery(event="emit", object_id=str(number), contract_token="t"),
    )


def test_an_event_survives_its_encoding() -> None:
    assert ReceivedEvent.decode(event(3).encode()) == event(3)


async def test_memory_bus_fans_out_to_every_subscriber_from_subscription_on() -> None:
    bus = MemoryEventBus()
    await bus.publish(event(0))  # before anyone subscribed: nobody gets it
    first, second = bus.subscribe(), bus.subscribe()
    await bus.publish(event(1))
    assert await anext(first) == event(1)
    assert await anext(second) == event(1)
    await first.aclose()
    await bus.publish(event(2))
    assert await anext(second) == event(2)
    assert len(bus) == 1
    await bus.close()
    with pytest.raises(StopAsyncIteration):
        await anext(second)


async def test_a_subscriber_that_falls_behind_is_dropped_not_buffered() -> None:
    bus = MemoryEventBus(max_pending=2)
    slow, quick = bus.subscribe(), bus.subscribe()
    for number in range(3):
        await bus.publish(event(number))
        assert await anext(quick) == event(number)
    assert slow.overflowed
    assert len(bus) == 1
    with pytest.raises(StopAsyncIteration):
        await anext(slow)


async def test_redis_bus_delivers_across_buses_exactly_once(redis_url: str) -> None:
    one, other = RedisEventBus(redis_url), RedisEventBus(redis_url)
    await one.open()
    await other.open()
    try:
        await asyncio.wait_for(one.listening.wait(), 5)
        await asyncio.wait_for(other.listening.wait(), 5)
        mine, theirs = one.subscribe(), other.subscribe()
        await one.publish(event(7))
        assert await asyncio.wait_for(anext(mine), 5) == event(7)
        assert await asyncio.wait_for(anext(theirs), 5) == event(7)
        await one.publish(event(8))
        assert await asyncio.wait_for(anext(theirs), 5) == event(8)  # not a second 7
    finally:
        await one.close()
        await other.close()


async def test_redis_bus_unreachable_publishing_is_event_bus_unavailable() -> None:
    bus = RedisEventBus("redis://127.0.0.1:1/0", timeout=1)
    with pytest.raises(EventBusUnavailable):
        await bus.publish(event())
    await bus.close()


# --- the endpoint's bookkeeping ---------------------------------------------------------


class FailingBus(MemoryEventBus):
    def __init__(self) -> None:
        super().__init__()
        self.fail = True

    async def publish(self, event: ReceivedEvent) -> None:
        if self.fail:
            raise EventBusUnavailable("down")
        await super().publish(event)


DELIVERY = b'{"event": "emit", "object_type": "Invoice", "object_id": "5", "contract_token": "t"}'


def post(client: TestClient, body: bytes, request_id: str = "r-1") -> Any:
    return client.post(
        "/webhooks",
        content=body,
        headers={"X-Request-Id": request_id, "X-Signature": sign(SECRET, request_id, body)},
    )


@pytest.fixture
def failing() -> tuple[FailingBus, SeenDeliveries]:
    return FailingBus(), MemorySeenDeliveries(ttl=100)


def test_a_failed_publish_leaves_no_mark_so_the_retry_is_published(
    monkeypatch: pytest.MonkeyPatch, failing: tuple[FailingBus, SeenDeliveries]
) -> None:
    bus, seen = failing
    monkeypatch.setattr("gateway.app._event_bus", lambda settings: bus)
    monkeypatch.setattr("gateway.app._seen_deliveries", lambda settings: seen)
    app = create_app(Settings(upstream_url="http://upstream.test/api/v1", webhook_secret=SECRET))
    with TestClient(app) as client:
        subscription = bus.subscribe()
        refused = post(client, DELIVERY)
        assert refused.status_code == 503
        assert refused.json()["error"]["code"] == "EVENT_BUS_UNAVAILABLE"
        assert refused.headers["Retry-After"]
        bus.fail = False
        assert post(client, DELIVERY).json()["status"] == "published"
        assert post(client, DELIVERY).json()["status"] == "duplicate"
        assert client.portal is not None
        received = client.portal.call(anext, subscription)
        assert received.delivery.object_id == "5"
        assert subscription._queue.empty()  # published once


# --- settings and the embedded sandbox --------------------------------------------------


def test_webhook_settings_have_their_defaults() -> None:
    settings = Settings()
    assert settings.webhook_secret is None
    assert settings.webhook_signature_header == "X-Signature"
    assert settings.webhook_request_id_header == "X-Request-Id"
    assert settings.webhook_dedup_seconds == 5 * 24 * 3600


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("webhook_signature_header", "X Bad: secret-looking"),
        ("webhook_request_id_header", ""),
        ("webhook_dedup_seconds", "-1"),
        ("webhook_max_bytes", "12"),
    ],
)
def test_a_bad_webhook_setting_is_named_without_its_value(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(**{name: value})
    assert f"GATEWAY_{name.upper()}" in str(caught.value)
    if value:
        assert value not in str(caught.value)


def test_without_a_secret_webhooks_are_off_but_the_embedded_sandbox_makes_one() -> None:
    remote = Settings(upstream_url="http://upstream.test/api/v1")
    assert create_app(remote).state.webhook_secret is None
    first, second = create_app(Settings()), create_app(Settings())
    assert first.state.webhook_secret
    assert second.state.webhook_secret
    assert first.state.webhook_secret != second.state.webhook_secret
    configured = create_app(Settings(webhook_secret="mine"))
    assert configured.state.webhook_secret == "mine"


def test_the_embedded_sandbox_is_given_the_secret_and_url_when_it_takes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = upstream_sandbox.create_app
    given: list[dict[str, Any]] = []

    def taking(*, webhook_secret: str | None = None, webhook_url: str | None = None) -> Any:
        given.append({"webhook_secret": webhook_secret, "webhook_url": webhook_url})
        return real()

    def older() -> Any:
        given.append({})
        return real()

    settings = Settings(host="0.0.0.0", port=8123)
    monkeypatch.setattr(upstream_sandbox, "create_app", taking)
    app = create_app(settings)
    with TestClient(app):
        pass
    assert given == [
        {"webhook_secret": app.state.webhook_secret, "webhook_url": webhook_url(settings)}
    ]
    assert webhook_url(settings) == "http://127.0.0.1:8123/webhooks"
    monkeypatch.setattr(upstream_sandbox, "create_app", older)
    with TestClient(create_app(settings)):
        pass
    assert given[-1] == {}


def on(invoice: str, contract: str | None) -> ReceivedEvent:
    return ReceivedEvent(
        id=f"id:{invoice}:{contract}",
        received_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        delivery=InvoiceDelivery(
            event="emit", object_id=invoice, contract_token="t", contract_id=contract
        ),
    )


async def test_memory_bus_offers_an_event_only_to_the_subscribers_it_concerns() -> None:
    bus = MemoryEventBus(max_pending=1)
    everything = bus.subscribe()
    contract = bus.subscribe(contract_id="3")
    invoice = bus.subscribe(invoice_id="007")  # the same invoice as "7"
    both = bus.subscribe(contract_id="3", invoice_id="7")
    elsewhere = bus.subscribe(invoice_id="8")
    await bus.publish(on("7", "3"))
    for subscription in (everything, contract, invoice, both):
        assert (await anext(subscription)).id == "id:7:3"
    await bus.publish(on("7", None))  # an older delivery: no contract to match
    assert (await anext(everything)).id == "id:7:None"
    assert (await anext(invoice)).id == "id:7:None"
    # Not offered to the others: with room for one event, they would have overflowed.
    for _ in range(5):
        await bus.publish(on("9", "4"))
        await anext(everything)
    assert [s.overflowed for s in (contract, invoice, both, elsewhere)] == [False] * 4
    assert len(bus) == 5
    await elsewhere.aclose()
    assert len(bus) == 4
