"""SIGTERM on a real `python -m gateway`: readiness turns 503 at once while requests are still
served for the drain delay, then streams end cleanly (SSE completes, graphql-ws closes 1001),
and the process exits 0 with nothing at ERROR in its log."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time

import httpx
from websockets.exceptions import ConnectionClosed

from tests.support.processes import clean_env, started
from tests.support.subscription_clients import SUBSCRIBE, socket

DELAY = 3.0
WAIT = 10.0


async def test_sigterm_drains_then_ends_streams_cleanly_and_exits_0() -> None:
    env = clean_env(GATEWAY_SHUTDOWN_DELAY_SECONDS=str(DELAY), GATEWAY_SHUTDOWN_GRACE_SECONDS="5")
    with started(env=env) as gateway:
        async with (
            socket(gateway.url, authorization="Token token=sandbox") as ws,
            httpx.AsyncClient(base_url=gateway.url, timeout=WAIT) as http,
            http.stream(
                "POST",
                "/graphql",
                json={"query": SUBSCRIBE},
                headers={"Accept": "text/event-stream", "Authorization": "Token token=sandbox"},
            ) as sse,
        ):
            await ws.subscribe("live")
            await ws.listening()
            assert (await http.get("/readyz")).status_code == 200
            gateway.process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            give_up = signalled + DELAY
            while (ready := await http.get("/readyz")).status_code == 200:
                assert time.monotonic() < give_up, "readiness never turned 503"
            assert ready.json() == {"status": "draining"}
            # Still serving while the load balancer takes it out of rotation.
            answer = await http.post("/graphql", json={"query": "{ __typename }"})
            assert answer.json() == {"data": {"__typename": "Query"}}
            assert time.monotonic() - signalled < DELAY
            assert (await http.get("/healthz")).status_code == 200
            body = b"".join([chunk async for chunk in sse.aiter_bytes()])
            assert body == b"event: complete\ndata:\n\n"
            assert time.monotonic() - signalled >= DELAY
            with contextlib.suppress(ConnectionClosed):
                while True:
                    await asyncio.wait_for(ws.connection.recv(), WAIT)
            assert (ws.connection.close_code, ws.connection.close_reason) == (
                1001,
                "The gateway is restarting",
            )
        assert gateway.process.wait(WAIT) == 0
    log = [json.loads(line) for line in gateway.stderr().splitlines() if line.startswith("{")]
    assert [r["message"] for r in log if r["level"] in ("WARNING", "ERROR", "CRITICAL")] == []
    assert "Traceback" not in gateway.stderr()
    assert any("draining" in r["message"] for r in log)
