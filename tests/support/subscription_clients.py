"""Clients of the gateway's subscriptions, as tests drive them: signed deliveries to
`/webhooks`, and a graphql-transport-ws client speaking the protocol as graphql-ws does."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from gateway.webhooks.signature import sign
from tests.e2e.conftest import AUTHORIZATION

SECRET = "subscriptions-secret"
WAIT = 10.0
NOTHING_WAIT = 0.5  # how long an event that must not come is waited for
FIELDS = "id event eventName invoiceId contractId receivedAt invoice { id state description }"
SUBSCRIBE = (
    "subscription Watch($contract: ID, $invoice: ID) {"
    f" invoiceEvents(contractId: $contract, invoiceId: $invoice) {{ {FIELDS} }} }}"
)


async def deliver(
    url: str,
    *,
    event: str = "emit",
    invoice: str = "3",
    contract: str | None = "3",
    request_id: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {
        "event": event,
        "object_type": "Invoice",
        "object_id": invoice,
        "contract_token": "token-do-contrato",
    }
    if contract is not None:
        body["contract_id"] = contract
    raw = json.dumps(body).encode()
    request_id = request_id or uuid.uuid4().hex
    async with httpx.AsyncClient(timeout=WAIT) as http:
        answer = await http.post(
            f"{url}/webhooks",
            content=raw,
            headers={
                "Content-Type": "application/json",
                "X-Request-Id": request_id,
                "X-Signature": sign(SECRET, request_id, raw),
            },
        )
    assert answer.status_code == 200, answer.text
    return answer


async def post(url: str, **options: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=WAIT) as http:
        return await http.post(url, **options)


def ws_url(url: str) -> str:
    return url.replace("http://", "ws://") + "/graphql"


class Socket:
    """A graphql-transport-ws client, as graphql-ws speaks it."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, wait: float = WAIT) -> dict[str, Any]:
        while True:
            message: dict[str, Any] = json.loads(
                await asyncio.wait_for(self.connection.recv(), wait)
            )
            if message["type"] == "ping":  # the server's heartbeat
                await self.send({"type": "pong"})
                continue
            return message

    async def subscribe(
        self, id: str, variables: dict[str, Any] | None = None, query: str = SUBSCRIBE
    ) -> None:
        await self.send(
            {"type": "subscribe", "id": id, "payload": {"query": query, "variables": variables}}
        )

    async def listening(self) -> None:
        """Returns once every subscription sent so far listens (the pong's promise)."""
        await self.send({"type": "ping"})
        assert await self.receive() == {"type": "pong"}

    async def nothing(self) -> bool:
        try:
            message = await self.receive(NOTHING_WAIT)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message {message}")

    async def closed_with(self) -> tuple[int | None, str | None]:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(self.connection.recv(), WAIT)
        assert self.connection.close_code is not None
        return self.connection.close_code, self.connection.close_reason


@contextlib.asynccontextmanager
async def socket(
    url: str, *, authorization: str | None = AUTHORIZATION, init: bool = True, **options: Any
) -> AsyncIterator[Socket]:
    options.setdefault("subprotocols", ["graphql-transport-ws"])
    async with connect(ws_url(url), **options) as connection:
        client = Socket(connection)
        if init:
            payload = {} if authorization is None else {"Authorization": authorization}
            await client.send({"type": "connection_init", "payload": payload})
            assert await client.receive() == {"type": "connection_ack"}
        yield client
