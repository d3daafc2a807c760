"""The product's signed webhooks, as the sandbox sends them (RESOURCES.md, section 19).

Each delivery is `{"event", "object_type": "Invoice", "object_id", "contract_token",
"contract_id"}` (ids as strings, as the product's docs show them), POSTed as JSON with
`X-Request-Id` (a fresh UUID per delivery, the same on each of its retries) and `X-Signature`
(HMAC-SHA1, lowercase hex, of the request id followed by the raw body, keyed with the secret).
Before every attempt a signed `{"test": true}` availability ping goes first, with a request id
of its own. A failed attempt (a non-2xx answer or no answer, to the ping or the delivery) is
retried at most 5 times; the product waits hours between them, the sandbox `retry_delays`.

Sending never blocks the REST call that caused it: deliveries are queued and sent, in order, by
a background task, started on the first delivery and stopped by `aclose` (the app's lifespan);
a delivery that failed waits for its retries in a task of its own, so one dead receiver does not
hold back the ones after it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from .models import Invoice

logger = logging.getLogger(__name__)

# The product's documented ceiling; its delays are 2 h, 6 h, 12 h, 24 h and 48 h.
MAX_RETRIES = 5
DEFAULT_RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)
SIGNATURE_HEADER = "X-Signature"
REQUEST_ID_HEADER = "X-Request-Id"
PING_BODY = json.dumps({"test": True}).encode()
# Deliveries waiting for their first attempt; beyond, new ones are dropped with a warning.
QUEUE_SIZE = 1000
TIMEOUT = 5.0
# A connection per POST, closed after it: deliveries are few, and a sender left on a loop that
# is gone (an app served anew without its lifespan) then leaves no socket open behind it.
NO_KEEPALIVE = httpx.Limits(max_keepalive_connections=0)


def sign(secret: str, request_id: str, body: bytes) -> str:
    """The product's signature: HMAC-SHA1 of the request id immediately followed by the body."""
    return hmac.new(secret.encode(), request_id.encode() + body, hashlib.sha1).hexdigest()


def payload(event: str, invoice: Invoice) -> bytes:
    contract = invoice.contract
    body = {
        "event": event,
        "object_type": "Invoice",
        "object_id": str(invoice.id),
        "contract_token": contract.token,
        "contract_id": str(contract.id),
    }
    return json.dumps(body).encode()


@dataclass(frozen=True)
class Delivery:
    request_id: str
    body: bytes


class WebhookSender:
    """Sends one sandbox's deliveries to one URL; `deliver` only queues."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if len(retry_delays) > MAX_RETRIES:
            raise ValueError(f"the product retries at most {MAX_RETRIES} times")
        if any(delay < 0 for delay in retry_delays):
            raise ValueError("retry delays cannot be negative")
        self.url = url
        self._secret = secret
        self.retry_delays = tuple(retry_delays)
        self._transport = transport
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Delivery] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self._retrying: set[asyncio.Task[None]] = set()

    def deliver(self, event: str, invoice: Invoice) -> None:
        """Queues the event's delivery; called from the request's event loop."""
        try:
            queue = self._started(asyncio.get_running_loop())
        except RuntimeError:
            logger.warning("webhook dropped: no event loop to send it from")
            return
        delivery = Delivery(str(uuid.uuid4()), payload(event, invoice))
        try:
            queue.put_nowait(delivery)
        except asyncio.QueueFull:
            logger.warning("webhook dropped: %d deliveries already waiting", QUEUE_SIZE)

    async def aclose(self) -> None:
        """Stops sending: what is queued or waiting for a retry is dropped."""
        if self._loop is not asyncio.get_running_loop():
            # Started on another loop, or never: nothing of it can be awaited from this one.
            self._loop = self._worker = self._queue = self._client = None
            self._retrying = set()
            return
        tasks = [t for t in (self._worker, *self._retrying) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._retrying.clear()
        self._worker = self._queue = None
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def _started(self, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[Delivery]:
        if self._loop is not loop:
            # Another loop than the one sending so far (an app served anew): what belonged to
            # the old one cannot be used from this one.
            self._loop, self._client, self._worker = loop, None, None
            self._retrying = set()
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue(QUEUE_SIZE)
            if self._client is None:
                self._client = httpx.AsyncClient(
                    transport=self._transport, timeout=TIMEOUT, limits=NO_KEEPALIVE
                )
            self._worker = loop.create_task(self._run(self._queue))
        return self._queue

    async def _run(self, queue: asyncio.Queue[Delivery]) -> None:
        while True:
            delivery = await queue.get()
            if not await self._attempt(delivery) and self.retry_delays:
                task = asyncio.get_running_loop().create_task(self._retry(delivery))
                self._retrying.add(task)
                task.add_done_callback(self._retrying.discard)

    async def _retry(self, delivery: Delivery) -> None:
        for delay in self.retry_delays:
            await asyncio.sleep(delay)
            if await self._attempt(delivery):
                return
        logger.warning(
            "webhook %s given up after %d retries", delivery.request_id, len(self.retry_delays)
        )

    async def _attempt(self, delivery: Delivery) -> bool:
        """The availability ping, then the delivery; True when both were answered 2xx."""
        return await self._post(str(uuid.uuid4()), PING_BODY) and await self._post(
            delivery.request_id, delivery.body
        )

    async def _post(self, request_id: str, body: bytes) -> bool:
        assert self._client is not None
        headers = {
            "Content-Type": "application/json",
            REQUEST_ID_HEADER: request_id,
            SIGNATURE_HEADER: sign(self._secret, request_id, body),
        }
        try:
            response = await self._client.post(self.url, content=body, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            logger.info("webhook %s not delivered: %s", request_id, type(error).__name__)
            return False
        if not response.is_success:
            logger.info("webhook %s answered %d", request_id, response.status_code)
        return response.is_success
