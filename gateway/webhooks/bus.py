"""The event bus: invoice events published once, delivered to every subscriber.

`MemoryEventBus` fans each event out to this process's subscribers. `RedisEventBus` publishes
on a Redis pub/sub channel that one listener per process reads and fans out locally, so a
delivery received by any process reaches the subscribers of every process; an event reaches
its own process through Redis too, so each subscriber gets it once. Pub/sub keeps nothing:
a process whose listener is reconnecting misses what is published meanwhile, which suits
live subscriptions (a client reads the invoice fresh when it resubscribes).

A subscriber has a bounded queue: one that falls `max_pending` events behind is dropped (its
iterator ends, with `overflowed` set) rather than buffered without bound.
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

    def subscribe(self) -> Subscription:
        """Every event published from now on (subscribed at the call, not at the first read)."""
        ...

    async def close(self) -> None: ...


_END = object()


class Subscription(AsyncIterator[ReceivedEvent]):
    """One subscriber's events; `aclose()` (or the bus closing) ends it."""

    def __init__(self, bus: MemoryEventBus, max_pending: int) -> None:
        self._bus = bus
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


class MemoryEventBus:
    """Fan-out to this process's subscribers."""

    def __init__(self, *, max_pending: int = MAX_PENDING) -> None:
        self._subscriptions: set[Subscription] = set()
        self._max_pending = max_pending

    def __len__(self) -> int:
        return len(self._subscriptions)

    async def open(self) -> None:
        return None

    async def publish(self, event: ReceivedEvent) -> None:
        self.fan_out(event)

    def fan_out(self, event: ReceivedEvent) -> None:
        event = replace(event, arrived=time.monotonic())
        for subscription in list(self._subscriptions):
            if not subscription._offer(event):
                logger.warning("a subscriber fell behind the event bus and was dropped")
                self._drop(subscription)

    def subscribe(self) -> Subscription:
        subscription = Subscription(self, self._max_pending)
        self._subscriptions.add(subscription)
        return subscription

    def _drop(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    async def close(self) -> None:
        for subscription in list(self._subscriptions):
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

    def subscribe(self) -> Subscription:
        return self._local.subscribe()

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
