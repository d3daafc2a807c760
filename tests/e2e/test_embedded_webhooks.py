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
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import redis

from examples.seed import UPDATE_INVOICE
from gateway.webhooks.bus import CHANNEL
from tests.support.processes import ROOT, RunningProcess, clean_env

WAIT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def gateway_on(port: int, env: dict[str, str]) -> Iterator[RunningProcess]:
    """`python -m gateway --port <port>`: unlike `processes.started`, on a port known before
    it starts, which is what the sandbox is told."""
    process = RunningProcess(
        subprocess.Popen(
            [sys.executable, "-m", "gateway", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    )
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
