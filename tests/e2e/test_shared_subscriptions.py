"""Subscriptions across two gateway processes sharing one real Redis: a delivery posted to
one reaches a graphql-ws subscriber of the other, exactly once, and the product's retry of it
posted to the second is a duplicate there and reaches nobody."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from gateway.webhooks.bus import CHANNEL
from tests.e2e.conftest import AUTHORIZATION
from tests.support.processes import RunningProcess, clean_env, started
from tests.support.recorder import Recorder
from tests.support.subscription_clients import SECRET, deliver, socket

WAIT = 10.0


@pytest.fixture(scope="module")
def gateways(
    redis_url: str, upstream: tuple[str, Recorder]
) -> Iterator[tuple[RunningProcess, RunningProcess]]:
    env = clean_env(
        GATEWAY_UPSTREAM_URL=f"{upstream[0]}/api/v1",
        GATEWAY_REDIS_URL=redis_url,
        GATEWAY_WEBHOOK_SECRET=SECRET,
    )
    with started(env=env) as first, started(env=env) as second:
        with redis.Redis.from_url(redis_url) as client:
            # Both processes' bus listeners are on the channel before anything is posted.
            give_up = time.monotonic() + WAIT
            while dict(client.pubsub_numsub(CHANNEL))[CHANNEL.encode()] < 2:
                assert time.monotonic() < give_up, "the gateways never listened on the channel"
                time.sleep(0.05)
        yield first, second


async def test_a_delivery_to_one_process_reaches_a_subscriber_of_the_other_once(
    gateways: tuple[RunningProcess, RunningProcess], recorder: Recorder
) -> None:
    first, second = gateways
    async with socket(second.url) as client:
        await client.subscribe("shared", {"invoice": "3"})
        await client.listening()
        request_id = uuid.uuid4().hex
        delivered = await deliver(first.url, event="emit", request_id=request_id)
        retry = await deliver(second.url, event="emit", request_id=request_id)
        assert retry.json()["status"] == "duplicate"
        later = await deliver(first.url, event="cancel")
        # One Redis channel carries them in order: a second copy of the first would come
        # before the last.
        received = [(await client.receive())["payload"]["data"]["invoiceEvents"] for _ in "12"]
    assert [(e["id"], e["event"]) for e in received] == [
        (delivered.json()["id"], "EMIT"),
        (later.json()["id"], "CANCEL"),
    ]
    # The subscriber's process read the invoice with the subscriber's credentials.
    reads = [
        request
        for request in recorder.requests
        if (request.method, request.path) == ("GET", "/api/v1/contracts/3/invoices/3")
    ]
    assert [request.headers["authorization"] for request in reads] == [AUTHORIZATION] * 2
