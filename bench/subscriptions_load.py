"""The load generator of the subscriptions benchmark: subscribers and the webhook poster.

Everything runs on one asyncio loop (uvloop) in one process, so the moment a delivery is
posted and the moment each subscriber reads its event are on the same monotonic clock.
Subscribers speak the gateway's three transports as their usual clients do: graphql-ws
(`graphql-transport-ws`, one WebSocket per subscriber, its `pong` as the sync point), GraphQL
over SSE and Apollo's multipart HTTP (the response head as the sync point: the gateway sends
it once the subscription listens).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
import orjson

Transport = Literal["ws", "sse", "multipart"]

SUBSCRIPTION = """
subscription Watch($invoiceId: ID) {
  invoiceEvents(invoiceId: $invoiceId) {
    id event eventName invoiceId contractId receivedAt
    invoice { id state grossValue paymentValue issueDate description approvalStatus }
  }
}
"""
# Webhooks cycle through the product's invoice events, as an invoice's life goes.
EVENTS = ("update", "emit", "confirm_receival", "undo_receival", "undo_emission")
MULTIPART_ACCEPT = "multipart/mixed;subscriptionSpec=1.0, application/json"
PART_SEPARATOR = b"\r\n--graphql"
SETUP_TIMEOUT = 30.0


def event_id(request_id: str) -> str:
    """The id the gateway gives a delivery (gateway/webhooks/dedup.py's `delivery_key`)."""
    return "id:" + hashlib.sha256(request_id.encode()).hexdigest()


@dataclass
class Subscriber:
    index: int
    transport: Transport
    authorization: str
    invoice_id: int | None  # None: every event
    received: list[str] = field(default_factory=list)  # event ids, in arrival order
    latencies: list[float] = field(default_factory=list)  # seconds since the POST was sent
    wrong: list[str] = field(default_factory=list)  # results that are not the expected event
    ended: str | None = None  # how the gateway ended the stream, if it did before we did
    ended_at: float | None = None
    last_at: float = 0.0  # when the last event was read

    def variables(self) -> dict[str, Any]:
        return {} if self.invoice_id is None else {"invoiceId": str(self.invoice_id)}


@dataclass
class Delivery:
    request_id: str
    event_id: str
    invoice_id: int
    body: bytes
    sent_at: float = 0.0
    answered_at: float = 0.0
    status: int = 0
    answer: str = ""  # the gateway's `status`: published, duplicate...
    retries: list[tuple[int, str]] = field(default_factory=list)  # (HTTP status, answer)

    @property
    def published(self) -> int:
        """How many of its attempts the gateway said it published: exactly one is right."""
        return (self.answer == "published") + sum(said == "published" for _, said in self.retries)


class Clock:
    """When each delivery was sent, by event id: what a received event is timed against."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.late_lookups = 0


def _record(subscriber: Subscriber, clock: Clock, result: Any, now: float) -> None:
    data = result.get("data") if isinstance(result, dict) else None
    event = data.get("invoiceEvents") if isinstance(data, dict) else None
    if not isinstance(event, dict) or result.get("errors"):
        subscriber.wrong.append(orjson.dumps(result).decode()[:300])
        return
    identifier = event.get("id")
    invoice = event.get("invoice") or {}
    if subscriber.invoice_id is not None and invoice.get("id") != str(subscriber.invoice_id):
        subscriber.wrong.append(f"invoice {invoice.get('id')} for a subscriber of another")
    subscriber.received.append(str(identifier))
    subscriber.last_at = now
    sent = clock.sent.get(str(identifier))
    if sent is None:
        clock.late_lookups += 1
    else:
        subscriber.latencies.append(now - sent)


class Subscribers:
    """Opens every subscriber's stream, reads them until `close()`."""

    def __init__(self, graphql_url: str, clock: Clock) -> None:
        self._url = graphql_url
        self._clock = clock
        # Every subscriber holds its connection: no pool limit.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, force_close=False),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=30),
        )
        self._tasks: list[asyncio.Task[None]] = []
        self.failed: list[str] = []  # subscribers that never got subscribed, and why

    async def open(self, subscribers: Iterable[Subscriber], *, at_once: int = 50) -> None:
        """Every subscriber subscribed (listening to the bus) when this returns."""
        gate = asyncio.Semaphore(at_once)
        pending = []
        for subscriber in subscribers:
            ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._tasks.append(asyncio.create_task(self._run(subscriber, ready, gate)))
            pending.append(ready)
        for outcome in await asyncio.gather(*pending, return_exceptions=True):
            if isinstance(outcome, BaseException):
                self.failed.append(f"{type(outcome).__name__}: {outcome}")

    async def _run(self, subscriber: Subscriber, ready: asyncio.Future[None], gate: Any) -> None:
        try:
            read = {"ws": self._websocket, "sse": self._sse, "multipart": self._multipart}
            await read[subscriber.transport](subscriber, ready, gate)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # one subscriber's failure is a finding, not a crash
            if not ready.done():
                ready.set_exception(error)
            elif subscriber.ended is None:
                subscriber.ended = f"{type(error).__name__}: {error}"
                subscriber.ended_at = time.monotonic()

    async def _websocket(
        self, subscriber: Subscriber, ready: asyncio.Future[None], gate: asyncio.Semaphore
    ) -> None:
        clock = self._clock
        async with gate:
            socket = await self._session.ws_connect(
                self._url, protocols=("graphql-transport-ws",), max_msg_size=0
            )
            init = {"Authorization": subscriber.authorization}
            await socket.send_str(
                orjson.dumps({"type": "connection_init", "payload": init}).decode()
            )
            subscribe = {"query": SUBSCRIPTION, "variables": subscriber.variables()}
            async with asyncio.timeout(SETUP_TIMEOUT):
                ack = orjson.loads(await socket.receive_str())
                if ack.get("type") != "connection_ack":
                    raise RuntimeError(f"no connection_ack: {ack}")
                message = {"type": "subscribe", "id": "1", "payload": subscribe}
                await socket.send_str(orjson.dumps(message).decode())
                await socket.send_str('{"type":"ping"}')
                while True:
                    answer = orjson.loads(await socket.receive_str())
                    if answer.get("type") == "pong":
                        break
                    if answer.get("type") != "ping":
                        raise RuntimeError(f"before the pong: {answer}")
        ready.set_result(None)
        try:
            async for frame in socket:
                now = time.monotonic()
                if frame.type != aiohttp.WSMsgType.TEXT:
                    break
                message = orjson.loads(frame.data)
                kind = message.get("type")
                if kind == "next":
                    _record(subscriber, clock, message.get("payload"), now)
                elif kind == "ping":
                    await socket.send_str('{"type":"pong"}')
                elif kind in ("error", "complete"):
                    subscriber.ended = f"{kind}: {orjson.dumps(message).decode()[:200]}"
                    subscriber.ended_at = now
                    return
            if subscriber.ended is None:
                subscriber.ended = f"closed {socket.close_code}"
                subscriber.ended_at = time.monotonic()
        finally:
            await socket.close()

    async def _http_stream(
        self, subscriber: Subscriber, accept: str, gate: asyncio.Semaphore
    ) -> aiohttp.ClientResponse:
        body = {"query": SUBSCRIPTION, "variables": subscriber.variables()}
        headers = {
            "Accept": accept,
            "Content-Type": "application/json",
            "Authorization": subscriber.authorization,
        }
        async with gate, asyncio.timeout(SETUP_TIMEOUT):
            response = await self._session.post(self._url, data=orjson.dumps(body), headers=headers)
        if response.status != 200:
            text = await response.text()
            response.release()
            raise RuntimeError(f"HTTP {response.status}: {text[:200]}")
        return response

    async def _sse(
        self, subscriber: Subscriber, ready: asyncio.Future[None], gate: asyncio.Semaphore
    ) -> None:
        response = await self._http_stream(subscriber, "text/event-stream", gate)
        ready.set_result(None)
        kind = b""
        with contextlib.closing(response):
            async for line in response.content:
                now = time.monotonic()
                if line.startswith(b"event:"):
                    kind = line[6:].strip()
                elif line.startswith(b"data:") and kind == b"next":
                    _record(subscriber, self._clock, orjson.loads(line[5:]), now)
                elif line.startswith(b"data:") and kind == b"complete":
                    subscriber.ended, subscriber.ended_at = "complete", now
                    return
        subscriber.ended, subscriber.ended_at = "stream ended", time.monotonic()

    async def _multipart(
        self, subscriber: Subscriber, ready: asyncio.Future[None], gate: asyncio.Semaphore
    ) -> None:
        response = await self._http_stream(subscriber, MULTIPART_ACCEPT, gate)
        ready.set_result(None)
        buffer = b""
        with contextlib.closing(response):
            async for chunk in response.content.iter_any():
                now = time.monotonic()
                buffer += chunk
                *parts, buffer = buffer.split(PART_SEPARATOR)
                for part in parts:
                    if (body := _part_body(part)) is None:
                        continue
                    if "payload" not in body:
                        continue  # the heartbeat, {}
                    if body["payload"] is None:
                        subscriber.ended = f"transport error: {orjson.dumps(body).decode()[:200]}"
                        subscriber.ended_at = now
                        return
                    _record(subscriber, self._clock, body["payload"], now)
                if buffer.startswith(b"--"):
                    break  # the closing delimiter
        subscriber.ended, subscriber.ended_at = "stream ended", time.monotonic()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._session.close()


def _part_body(part: bytes) -> dict[str, Any] | None:
    _head, separator, body = part.partition(b"\r\n\r\n")
    if not separator or not body.strip():
        return None
    parsed = orjson.loads(body)
    return parsed if isinstance(parsed, dict) else None


def sign(secret: str, request_id: str, body: bytes) -> str:
    return hmac.new(secret.encode(), request_id.encode() + body, hashlib.sha1).hexdigest()


class Poster:
    """Posts signed deliveries at a fixed rate, open loop: a slow answer delays no other."""

    def __init__(self, webhooks_url: str, secret: str, clock: Clock, *, run: str) -> None:
        self._url = webhooks_url
        self._secret = secret
        self._clock = clock
        self._run = run  # in each request id, so runs against one gateway never collide
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=64),
            timeout=aiohttp.ClientTimeout(total=30),
        )
        self._numbers = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self.deliveries: list[Delivery] = []
        self.failures: list[str] = []

    def delivery(self, invoice_id: int, contract_id: int, contract_token: str) -> Delivery:
        number = next(self._numbers)
        request_id = f"bench-{self._run}-{number}"
        body = orjson.dumps(
            {
                "event": EVENTS[number % len(EVENTS)],
                "object_type": "Invoice",
                "object_id": str(invoice_id),
                "contract_token": contract_token,
                "contract_id": str(contract_id),
            }
        )
        return Delivery(request_id, event_id(request_id), invoice_id, body)

    async def post(self, delivery: Delivery, *, retry: bool = False) -> None:
        headers = {
            "Content-Type": "application/json",
            "X-Request-Id": delivery.request_id,
            "X-Signature": sign(self._secret, delivery.request_id, delivery.body),
        }
        if not retry:
            delivery.sent_at = time.monotonic()
            self._clock.sent[delivery.event_id] = delivery.sent_at
        try:
            async with self._session.post(self._url, data=delivery.body, headers=headers) as answer:
                payload = await answer.read()
                status = answer.status
        except (aiohttp.ClientError, TimeoutError) as error:
            self.failures.append(f"{delivery.request_id}: {type(error).__name__}: {error}")
            return
        try:
            said = str(orjson.loads(payload).get("status", ""))
        except orjson.JSONDecodeError:
            said = payload[:100].decode(errors="replace")
        if retry:
            delivery.retries.append((status, said))
        else:
            delivery.answered_at = time.monotonic()
            delivery.status, delivery.answer = status, said

    def spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run(
        self,
        targets: Callable[[int], tuple[int, int, str]],
        *,
        rate: float,
        duration: float,
        retry_every: int,
        retry_after: float,
    ) -> float:
        """Posts `rate` deliveries a second for `duration` s; every `retry_every`-th is posted
        again `retry_after` s later with the same request id. The seconds it took."""
        total = round(rate * duration)
        started = time.monotonic()
        for number in range(total):
            due = started + number / rate
            if (wait := due - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            delivery = self.delivery(*targets(number))
            self.deliveries.append(delivery)
            if retry_every and number % retry_every == retry_every - 1:
                self.spawn(self._post_and_retry(delivery, retry_after))
            else:
                self.spawn(self.post(delivery))
        elapsed = time.monotonic() - started
        await self.settle()
        return elapsed

    async def _post_and_retry(self, delivery: Delivery, after: float) -> None:
        # As the product retries: after the first attempt's answer, never racing it.
        await self.post(delivery)
        await asyncio.sleep(after)
        await self.post(delivery, retry=True)

    async def settle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        await self.settle()
        await self._session.close()
