"""The event bus: invoice events published once, delivered to every subscriber.

`MemoryEventBus` fans each event out to this process's subscribers. `RedisEventBus` publishes
on a Redis pub/sub channel that one listener per process reads and fans out locally, so a
delivery received by any process reaches the subscribers of every process; an event reaches
its own process through Redis too, so each subscriber gets it once. Pub/sub keeps nothing:
a process whose listener is reconnecting misses what is published meanwhile, which suits
live subscriptions (a client reads the invoice fresh when it resubscribes).

A subscriber may ask only for one contract's or one invoice's events: the fan-out finds the
subscribers an event is for by those keys (four lookups), so an event costs in proportion to
the subscribers it concerns, not to all of them. Each subscriber has a bounded queue of its
own events: one that falls `max_pending` of them behind is dropped (its iterator ends, with
`overflowed` set) rather than buffered without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.webhooks.dedup import reaching_redis
from gateway.webhooks.delivery import InvoiceDelivery

logger = logging.getLogger(__name__)

CHANNEL = "gateway:webhooks:events"
MAX_PENDING = 256
RECONNECT_SECONDS = 1.0
POLL_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    """A delivery taken: `id` is the same for all its retries, `received_at` when first taken.

    `arrived` is this process's monotonic clock when the event reached its subscribers here:
    a read of the invoice started after it sees the change the event announces.
    """

    id: str
    received_at: datetime
    delivery: InvoiceDelivery
    arrived: float = field(default=0.0, compare=False)

    @property
    def event(self) -> str:
        return self.delivery.event

    @property
    def invoice_id(self) -> str:
        return self.delivery.object_id

    @property
    def contract_id(self) -> str | None:
        return self.delivery.contract_id

    def encode(self) -> bytes:
        return orjson.dumps(
            {"id": self.id, "received_at": self.received_at.isoformat(), **self.delivery.to_json()}
        )

    @classmethod
    def decode(cls, raw: bytes) -> ReceivedEvent:
        data = orjson.loads(raw)
        return cls(
            id=data["id"],
            received_at=datetime.fromisoformat(data["received_at"]),
            delivery=InvoiceDelivery(
                event=data["event"],
                object_id=data["object_id"],
                contract_token=data["contract_token"],
                contract_id=data["contract_id"],
            ),
        )


def received_now(event_id: str, delivery: InvoiceDelivery) -> ReceivedEvent:
    return ReceivedEvent(id=event_id, received_at=datetime.now(UTC), delivery=delivery)


class EventBus(Protocol):
    async def open(self) -> None: ...

    async def publish(self, event: ReceivedEvent) -> None:
        """Return once the event is on the bus; `EventBusUnavailable` when it is not."""
        ...

    def subscribe(
        self, *, contract_id: str | None = None, invoice_id: str | None = None
    ) -> Subscription:
        """Every event published from now on (subscribed at the call, not at the first read),
        only the contract's or the invoice's if given."""
        ...

    async def close(self) -> None: ...


_END = object()


class Subscription(AsyncIterator[ReceivedEvent]):
    """One subscriber's events; `aclose()` (or the bus closing) ends it."""

    def __init__(self, bus: MemoryEventBus, max_pending: int, key: Key) -> None:
        self._bus = bus
        self.key = key
        self._queue: asyncio.Queue[object] = asyncio.Queue(max_pending)
        self._ended = False
        self.overflowed = False

    def _offer(self, event: ReceivedEvent) -> bool:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            self._end()
            return False
        return True

    def _end(self) -> None:
        self._ended = True
        with contextlib.suppress(asyncio.QueueFull):  # full: the reader is not waiting
            self._queue.put_nowait(_END)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> ReceivedEvent:
        if self.overflowed or (self._ended and self._queue.empty()):
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is _END or self.overflowed:
            raise StopAsyncIteration
        assert isinstance(item, ReceivedEvent)
        return item

    async def aclose(self) -> None:
        self._bus._drop(self)
        self._end()


# What a subscriber asked for: (contract id, invoice id), either None for any.
Key = tuple[str | None, str | None]


def canonical_id(value: str) -> str:
    """An id as the index keeps it: `"007"` and `"7"` name the same upstream object."""
    return str(int(value)) if value.isascii() and value.isdigit() else value


class MemoryEventBus:
    """Fan-out to this process's subscribers."""

    def __init__(self, *, max_pending: int = MAX_PENDING) -> None:
        self._subscriptions: dict[Key, set[Subscription]] = {}
        self._count = 0
        self._max_pending = max_pending

    def __len__(self) -> int:
        return self._count

    async def open(self) -> None:
        return None

    async def publish(self, event: ReceivedEvent) -> None:
        self.fan_out(event)

    def fan_out(self, event: ReceivedEvent) -> None:
        event = replace(event, arrived=time.monotonic())
        invoice = canonical_id(event.invoice_id)
        contract = None if event.contract_id is None else canonical_id(event.contract_id)
        keys: list[Key] = [(None, None), (None, invoice)]
        if contract is not None:
            keys += [(contract, None), (contract, invoice)]
        for key in keys:
            for subscription in list(self._subscriptions.get(key, ())):
                if not subscription._offer(event):
                    # The subscriber's own reading is slow: its client's doing, not ours.
                    logger.info("a subscriber fell behind its events and was dropped")
                    self._drop(subscription)

    def subscribe(
        self, *, contract_id: str | None = None, invoice_id: str | None = None
    ) -> Subscription:
        key = (
            None if contract_id is None else canonical_id(contract_id),
            None if invoice_id is None else canonical_id(invoice_id),
        )
        subscription = Subscription(self, self._max_pending, key)
        self._subscriptions.setdefault(key, set()).add(subscription)
        self._count += 1
        return subscription

    def _drop(self, subscription: Subscription) -> None:
        held = self._subscriptions.get(subscription.key)
        if held is None or subscription not in held:
            return
        held.discard(subscription)
        self._count -= 1
        if not held:
            del self._subscriptions[subscription.key]

    async def close(self) -> None:
        for held in list(self._subscriptions.values()):
            for subscription in list(held):
                await subscription.aclose()


class RedisEventBus:
    """Redis pub/sub across processes, with one listener per process feeding the local fan-out."""

    def __init__(self, url: str, *, timeout: float = 5.0, max_pending: int = MAX_PENDING) -> None:
        # Publishing fails fast; the listener waits for messages with no read timeout.
        self._publisher = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._listener = Redis.from_url(url, socket_connect_timeout=timeout)
        self._local = MemoryEventBus(max_pending=max_pending)
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        self._warned = False

    async def open(self) -> None:
        # In the background: a Redis down at start-up delays events, not the gateway.
        self._task = asyncio.create_task(self._listen(), name="webhook-event-listener")

    async def publish(self, event: ReceivedEvent) -> None:
        with reaching_redis():
            await self._publisher.publish(CHANNEL, event.encode())

    def subscribe(
        self, *, contract_id: str | None = None, invoice_id: str | None = None
    ) -> Subscription:
        return self._local.subscribe(contract_id=contract_id, invoice_id=invoice_id)

    async def _listen(self) -> None:
        while True:
            pubsub = self._listener.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CHANNEL)
                if self._warned:
                    logger.info("event bus: Redis reachable again; listening")
                    self._warned = False
                self.listening.set()
                while True:
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=POLL_SECONDS
                    )
                    if message is not None:
                        self._received(message["data"])
            except (RedisError, OSError):
                # Once per outage, not once per attempt.
                if not self._warned:
                    logger.warning("event bus: Redis unreachable; listening again shortly")
                    self._warned = True
                self.listening.clear()
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _received(self, raw: bytes) -> None:
        try:
            event = ReceivedEvent.decode(raw)
        except (ValueError, KeyError, TypeError):
            logger.warning("event bus: a message on the channel is no invoice event; skipped")
            return
        logger.debug("event bus: event received", extra={"event_id": event.id})
        self._local.fan_out(event)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._local.close()
        await self._publisher.aclose()
        await self._listener.aclose()
