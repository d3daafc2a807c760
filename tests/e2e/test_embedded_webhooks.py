"""The embedded default, end to end: `python -m gateway` on its built-in sandbox, on a known
port, so that the sandbox is given the gateway's own /webhooks URL and the secret the gateway
made at start-up. A mutation through /graphql changes an invoice in the sandbox; the sandbox
signs and POSTs the product's webhook to the gateway, which verifies it and publishes it.

The event is read where it is published: the gateway runs with a Redis (allowed with the
embedded sandbox for one worker), and the test subscribes to the bus's channel.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator

import httpx
import redis

from examples.seed import UPDATE_INVOICE
from gateway.webhooks.bus import CHANNEL
from tests.support.processes import RunningProcess, clean_env, free_port, spawn
from tests.support.subscription_clients import socket as graphql_ws

WAIT = 15.0


@contextlib.contextmanager
def gateway_on(port: int, env: dict[str, str]) -> Iterator[RunningProcess]:
    """`python -m gateway --port <port>`: unlike `processes.started`, on a port known before
    it starts, which is what the sandbox is told."""
    process = spawn(env=env, port=port)
    try:
        process.wait_until_listening()
        yield process
    finally:
        process.stop()


def test_the_sandboxs_own_signed_webhook_reaches_the_gateways_bus(redis_url: str) -> None:
    port = free_port()
    env = clean_env(GATEWAY_REDIS_URL=redis_url)
    with (
        redis.Redis.from_url(redis_url) as client,
        client.pubsub() as channel,
    ):
        channel.subscribe(CHANNEL)
        with gateway_on(port, env) as gateway:
            give_up = time.monotonic() + WAIT
            while dict(client.pubsub_numsub(CHANNEL))[CHANNEL.encode()] < 2:
                assert time.monotonic() < give_up, "the gateway never listened on the channel"
                time.sleep(0.05)
            answer = httpx.post(
                f"{gateway.url}/graphql",
                json={
                    "query": UPDATE_INVOICE,
                    "variables": {
                        "input": {"contractId": "3", "id": "3", "description": "watched"}
                    },
                },
                timeout=WAIT,
            ).json()
            assert answer["data"]["updateInvoice"]["userErrors"] == [], answer
            message = None
            give_up = time.monotonic() + WAIT
            while message is None and time.monotonic() < give_up:
                message = channel.get_message(ignore_subscribe_messages=True, timeout=0.2)
            assert message is not None, gateway.stderr()[-4000:]
            event = json.loads(message["data"])
            assert (event["event"], event["object_id"], event["contract_id"]) == (
                "update",
                "3",
                "3",
            )
            assert "webhook delivery refused" not in gateway.stderr()


async def test_the_readmes_demo_a_subscriber_watches_the_product_ui_emit_an_invoice() -> None:
    """`python -m gateway`, a graphql-ws subscriber (as GraphiQL subscribes) on invoice 3, and
    the sandbox's product UI reached through the gateway: emit, then confirm receipt."""
    with gateway_on(free_port(), clean_env()) as gateway:
        async with graphql_ws(gateway.url, authorization="Token token=sandbox") as client:
            await client.subscribe("demo", {"invoice": "3"})
            await client.listening()
            async with httpx.AsyncClient(base_url=gateway.url, timeout=WAIT) as http:
                emitted = await http.post(
                    "/sandbox/invoices/3/emit", headers={"Authorization": "Token token=sandbox"}
                )
                assert emitted.status_code == 200, emitted.text
                assert emitted.json()["invoice"]["state"] == "to_receive"
                event = (await client.receive())["payload"]["data"]["invoiceEvents"]
                assert (event["event"], event["invoiceId"]) == ("EMIT", "3")
                assert event["invoice"]["state"] in ("TO_RECEIVE", "RECEIVED")
                refused = await http.post("/sandbox/invoices/3/emit")  # already emitted
                assert refused.status_code in (401, 422)
        assert "Traceback" not in gateway.stderr()
