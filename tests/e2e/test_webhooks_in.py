"""`POST /webhooks` over real sockets: uvicorn serving the gateway, deliveries signed as the
product signs them, and the published events read from the gateway's own bus in-process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.settings import Settings
from gateway.webhooks.bus import ReceivedEvent, Subscription
from gateway.webhooks.signature import sign
from tests.support.loop_capture import LoopCapture
from tests.support.redis_server import redis_server
from tests.support.servers import serve

SECRET = "e2e-webhook-secret"
UPSTREAM = "http://127.0.0.1:1/api/v1"  # never called: webhooks in make no upstream call
WAIT = 5.0
NOTHING_WAIT = 0.3


@dataclass
class Served:
    url: str
    app: Starlette
    capture: LoopCapture

    def run(self, coroutine: Any) -> Any:
        assert self.capture.loop is not None
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, self.capture.loop)
        return future.result(WAIT + 1)

    def subscribe(self) -> Subscription:
        async def subscribe() -> Subscription:
            subscription: Subscription = self.app.state.events.subscribe()
            return subscription

        subscription: Subscription = self.run(subscribe())
        return subscription

    def next_event(self, subscription: Subscription, wait: float = WAIT) -> ReceivedEvent | None:
        async def read() -> ReceivedEvent | None:
            try:
                return await asyncio.wait_for(anext(subscription), wait)
            except TimeoutError:
                return None

        event: ReceivedEvent | None = self.run(read())
        return event

    def nothing_more(self, subscription: Subscription) -> bool:
        """No event comes within a short while (publishing happens before the 200)."""
        return self.next_event(subscription, NOTHING_WAIT) is None

    def pending(self, subscription: Subscription) -> int:
        return subscription._queue.qsize()


@contextlib.contextmanager
def served(**settings: Any) -> Iterator[Served]:
    app = create_app(Settings(**settings))
    capture = LoopCapture(app)
    with serve(capture) as url:
        yield Served(url, app, capture)


@pytest.fixture(scope="module")
def gateway() -> Iterator[Served]:
    with served(upstream_url=UPSTREAM, webhook_secret=SECRET) as running:
        yield running


def delivery(**fields: Any) -> bytes:
    body = {
        "event": "emit",
        "object_type": "Invoice",
        "object_id": uuid.uuid4().hex,
        "contract_token": "token-do-contrato",
        "contract_id": 3,
        **fields,
    }
    return json.dumps(body).encode()


def post(
    url: str,
    body: bytes,
    *,
    request_id: str | None = "new",
    signature: str | None = "good",
    secret: str = SECRET,
) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if request_id == "new":
        request_id = uuid.uuid4().hex
    if request_id is not None:
        headers["X-Request-Id"] = request_id
    if signature == "good":
        signature = sign(secret, request_id or "", body)
    if signature is not None:
        headers["X-Signature"] = signature
    return httpx.post(f"{url}/webhooks", content=body, headers=headers, timeout=WAIT)


def test_a_signed_delivery_is_published_then_answered_200(gateway: Served) -> None:
    subscription = gateway.subscribe()
    body = delivery(object_id=41, contract_id=3)
    answer = post(gateway.url, body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "published"
    event = gateway.next_event(subscription)
    assert event is not None
    assert (event.delivery.event, event.delivery.object_id, event.delivery.contract_id) == (
        "emit",
        "41",
        "3",
    )
    assert event.delivery.contract_token == "token-do-contrato"
    assert event.id == answer.json()["id"]
    assert gateway.pending(subscription) == 0


def test_an_older_delivery_without_contract_id_is_published(gateway: Served) -> None:
    subscription = gateway.subscribe()
    body = json.dumps(
        {"event": "update", "object_type": "Invoice", "object_id": "9", "contract_token": "t"}
    ).encode()
    assert post(gateway.url, body).status_code == 200
    event = gateway.next_event(subscription)
    assert event is not None
    assert event.delivery.contract_id is None


@pytest.mark.parametrize(
    ("signature", "why"),
    [(None, "no signature header"), ("0" * 40, "wrong signature"), ("bad", "wrong signature")],
)
def test_an_unsigned_or_wrongly_signed_delivery_is_401_with_one_warning(
    gateway: Served, caplog: pytest.LogCaptureFixture, signature: str | None, why: str
) -> None:
    subscription = gateway.subscribe()
    body = delivery()
    with caplog.at_level(logging.INFO, logger="gateway.webhooks"):
        answer = post(gateway.url, body, signature=signature)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "WEBHOOK_SIGNATURE_INVALID"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [f"webhook delivery refused: {why}"]
    assert warnings[0].exc_info is None
    assert body.decode() not in caplog.text
    assert (signature or "\x00") not in caplog.text
    assert gateway.nothing_more(subscription)


def test_a_delivery_signed_with_another_secret_is_401(gateway: Served) -> None:
    assert post(gateway.url, delivery(), secret="not-the-secret").status_code == 401


def test_the_availability_ping_is_200_and_publishes_nothing(gateway: Served) -> None:
    subscription = gateway.subscribe()
    answer = post(gateway.url, b'{"test": true}')
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    assert post(gateway.url, b'{"test": true}', signature=None).status_code == 401
    assert gateway.nothing_more(subscription)


def test_a_retry_with_the_same_request_id_is_200_and_published_once(gateway: Served) -> None:
    subscription = gateway.subscribe()
    request_id = uuid.uuid4().hex
    body = delivery()
    answers = [post(gateway.url, body, request_id=request_id) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["status"] for a in answers] == ["published", "duplicate", "duplicate"]
    assert gateway.next_event(subscription) is not None
    assert gateway.nothing_more(subscription)


def test_a_retry_without_request_id_is_known_by_its_body(gateway: Served) -> None:
    subscription = gateway.subscribe()
    body = delivery()
    answers = [post(gateway.url, body, request_id=None) for _ in range(2)]
    assert [a.json()["status"] for a in answers] == ["published", "duplicate"]
    other = post(gateway.url, delivery(), request_id=None)  # another body: another delivery
    assert other.json()["status"] == "published"
    assert gateway.next_event(subscription) is not None
    assert gateway.next_event(subscription) is not None
    assert gateway.nothing_more(subscription)


def test_other_objects_events_are_200_and_not_published(gateway: Served) -> None:
    subscription = gateway.subscribe()
    body = b'{"event": "change_plan", "plan_id": "p", "contract_token": "t"}'
    answer = post(gateway.url, body)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ignored", "reason": "not an invoice event"}
    assert gateway.nothing_more(subscription)


@pytest.mark.parametrize(
    ("body", "path", "reason"),
    [
        (b"{not json: secret-looking", [], "not JSON"),
        (b'{"event": "emit", "object_id": [1], "contract_token": "t"}', ["object_id"], None),
        (b'{"event": "emit", "object_id": "1"}', ["contract_token"], "missing"),
        (b"x" * (64 * 1024 + 1), [], "larger than 65536 bytes"),
    ],
)
def test_a_signed_body_that_is_no_delivery_is_400_naming_path_and_reason(
    gateway: Served, body: bytes, path: list[str], reason: str | None
) -> None:
    answer = post(gateway.url, body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["path"]) == ("INVALID_DELIVERY", path)
    if reason is not None:
        assert error["reason"] == reason
    assert "secret-looking" not in answer.text
    assert "[1]" not in answer.text


def test_without_a_secret_webhooks_are_404() -> None:
    with served(upstream_url=UPSTREAM) as running:
        assert post(running.url, delivery()).status_code == 404


def test_the_embedded_sandbox_shares_a_secret_made_at_start_up() -> None:
    with served(port=0) as running:
        secret = running.app.state.webhook_secret
        assert secret
        assert post(running.url, delivery(), secret=secret).status_code == 200
        assert post(running.url, delivery()).status_code == 401


def test_a_delivery_while_redis_is_unreachable_is_503_and_never_marked_seen() -> None:
    redis: contextlib.AbstractContextManager[str] | None = redis_server()
    assert redis is not None
    redis_url = redis.__enter__()
    try:
        with served(upstream_url=UPSTREAM, webhook_secret=SECRET, redis_url=redis_url) as running:
            assert post(running.url, delivery()).status_code == 200
            subscription = running.subscribe()
            redis.__exit__(None, None, None)  # Redis stops under the running gateway
            redis = None
            body, request_id = delivery(), uuid.uuid4().hex
            for _ in range(2):  # and its retry: still not taken, still nothing published
                answer = post(running.url, body, request_id=request_id)
                assert answer.status_code == 503, answer.text
                assert answer.json()["error"]["code"] == "EVENT_BUS_UNAVAILABLE"
                assert answer.headers["Retry-After"]
            assert running.nothing_more(subscription)
            # The ping needs no Redis: it still answers 200.
            assert post(running.url, b'{"test": true}').status_code == 200
    finally:
        if redis is not None:
            redis.__exit__(None, None, None)
