"""Webhooks in, across two gateway processes sharing one real Redis.

Two `python -m gateway` processes on loopback with `GATEWAY_REDIS_URL` on the same
`redis-server`. A delivery posted to one must reach the bus of the other exactly once, and
its retry posted to the other must be recognised there and published nowhere.

How the other process's bus is observed: each process's bus logs, at DEBUG, one line per
event it receives from Redis (`event bus: event received`, with the event's id). The test runs
both with `GATEWAY_LOG_LEVEL=debug` and counts those lines, which needs no test-only hook or
setting in the gateway; it also subscribes to the Redis channel itself and sees one message.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis

from gateway.webhooks.bus import CHANNEL
from gateway.webhooks.signature import sign
from tests.support.processes import RunningProcess, clean_env, started

SECRET = "shared-webhooks-secret"
RECEIVED = "event bus: event received"
WAIT = 10.0


@pytest.fixture(scope="module")
def gateways(redis_url: str) -> Iterator[tuple[RunningProcess, RunningProcess]]:
    env = clean_env(
        GATEWAY_UPSTREAM_URL="http://127.0.0.1:1/api/v1",  # webhooks in never call it
        GATEWAY_REDIS_URL=redis_url,
        GATEWAY_WEBHOOK_SECRET=SECRET,
        GATEWAY_LOG_LEVEL="debug",
    )
    with started(env=env) as first, started(env=env) as second:
        yield first, second


def received_lines(process: RunningProcess, event_id: str) -> list[dict[str, object]]:
    lines = []
    for line in process.stderr().splitlines():
        if RECEIVED in line:
            record = json.loads(line)
            if record.get("event_id") == event_id:
                lines.append(record)
    return lines


def post(url: str, body: bytes, request_id: str) -> httpx.Response:
    headers = {"X-Request-Id": request_id, "X-Signature": sign(SECRET, request_id, body)}
    return httpx.post(f"{url}/webhooks", content=body, headers=headers, timeout=WAIT)


def test_a_delivery_to_one_process_reaches_the_others_bus_exactly_once(
    gateways: tuple[RunningProcess, RunningProcess], redis_url: str
) -> None:
    first, second = gateways
    with redis.Redis.from_url(redis_url) as client, client.pubsub() as channel:
        channel.subscribe(CHANNEL)
        # Both processes' listeners (and this one) are on the channel before anything is sent.
        give_up = time.monotonic() + WAIT
        while dict(client.pubsub_numsub(CHANNEL))[CHANNEL.encode()] < 3:
            assert time.monotonic() < give_up, "the gateways never listened on the channel"
            time.sleep(0.05)
        body = json.dumps(
            {
                "event": "confirm_receival",
                "object_type": "Invoice",
                "object_id": uuid.uuid4().hex,
                "contract_token": "t",
                "contract_id": "3",
            }
        ).encode()
        request_id = uuid.uuid4().hex
        answer = post(first.url, body, request_id)
        assert answer.status_code == 200, answer.text
        event_id = answer.json()["id"]
        # The product's retry lands on the other process: known there through Redis.
        retry = post(second.url, body, request_id)
        assert (retry.status_code, retry.json()["status"]) == (200, "duplicate")

        messages = []
        give_up = time.monotonic() + 2
        while time.monotonic() < give_up:
            message = channel.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if message is not None:
                messages.append(json.loads(message["data"]))
    assert [m["id"] for m in messages] == [event_id]
    assert messages[0]["object_id"] == json.loads(body)["object_id"]
    for process in (second, first):  # the other process's bus, and the receiving one's own
        give_up = time.monotonic() + WAIT
        while not received_lines(process, event_id) and time.monotonic() < give_up:
            time.sleep(0.05)
        assert len(received_lines(process, event_id)) == 1, process.stderr()[-4000:]
    # Received once, not twice, and nothing about the body in either process's logs.
    for process in gateways:
        assert json.loads(body)["object_id"] not in process.stderr()
