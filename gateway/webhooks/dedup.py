"""Which deliveries were already published, so that the product's retries are published once.

A delivery is known by its request id or, without one, by a hash of its body. `claim` marks
it pending for a short lease; `confirm` keeps it for the dedup TTL once it is on the bus;
`release` forgets it when publishing failed, so the retry is published. A pending mark that
could not be released (Redis gone in between) lapses with its lease rather than stay set.
In this process's memory (bounded) or in Redis (`SET NX PX`) with `GATEWAY_REDIS_URL`.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.errors import EventBusUnavailable

PREFIX = "gateway:webhooks:seen:"
PENDING = b"pending"
DONE = b"done"
# How long a delivery may take from its claim to the bus before another copy may try.
LEASE_SECONDS = 30.0


class Claim(enum.Enum):
    NEW = "new"  # publish it, then `confirm` (or `release` on failure)
    SEEN = "seen"  # published before: answer 200, publish nothing
    IN_FLIGHT = "in_flight"  # another copy is being published right now


def delivery_key(request_id: str | None, body: bytes) -> str:
    """What a delivery and its retries are known by: a digest, so keys stay short."""
    if request_id:
        return "id:" + hashlib.sha256(request_id.encode("utf-8", "replace")).hexdigest()
    return "body:" + hashlib.sha256(body).hexdigest()


class SeenDeliveries(Protocol):
    async def claim(self, key: str) -> Claim: ...

    async def confirm(self, key: str) -> None: ...

    async def release(self, key: str) -> None: ...

    async def close(self) -> None: ...


class MemorySeenDeliveries:
    """Keys in insertion order, each for its lease then the TTL, at most `max_entries`: past
    it the oldest go first (a retry of one of those would be published again)."""

    def __init__(
        self,
        *,
        ttl: float,
        max_entries: int = 100_000,
        lease: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[str, tuple[bool, float]] = OrderedDict()  # done, expires
        self._ttl = ttl
        self._lease = lease
        self._max_entries = max_entries
        self._clock = clock

    def __len__(self) -> int:
        return len(self._entries)

    def _purge(self, now: float) -> None:
        # Oldest first; a lease shorter than the TTL may leave a few expired ones behind the
        # first live one, which `claim` still sees as expired.
        while self._entries:
            key, (_, expires_at) = next(iter(self._entries.items()))
            if expires_at > now:
                return
            del self._entries[key]

    async def claim(self, key: str) -> Claim:
        now = self._clock()
        self._purge(now)
        entry = self._entries.get(key)
        if entry is not None and entry[1] > now:
            return Claim.SEEN if entry[0] else Claim.IN_FLIGHT
        self._entries.pop(key, None)
        self._entries[key] = (False, now + self._lease)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return Claim.NEW

    async def confirm(self, key: str) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (True, self._clock() + self._ttl)

    async def release(self, key: str) -> None:
        self._entries.pop(key, None)

    async def close(self) -> None:
        self._entries.clear()


@contextlib.contextmanager
def reaching_redis() -> Iterator[None]:
    try:
        yield
    except (RedisError, OSError) as error:
        raise EventBusUnavailable(
            "The event store is unavailable; the delivery was not taken. Retry later."
        ) from error


class RedisSeenDeliveries:
    """Keys in Redis, shared by every gateway process: `SET NX PX` claims a delivery."""

    def __init__(self, redis: Redis, *, ttl: float, lease: float = LEASE_SECONDS) -> None:
        self._redis = redis
        self._ttl = ttl
        self._lease = lease

    @classmethod
    def from_url(cls, url: str, *, ttl: float, timeout: float = 5.0) -> RedisSeenDeliveries:
        redis = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        return cls(redis, ttl=ttl)

    async def claim(self, key: str) -> Claim:
        with reaching_redis():
            if await self._redis.set(PREFIX + key, PENDING, nx=True, px=_ms(self._lease)):
                return Claim.NEW
            state = await self._redis.get(PREFIX + key)
        if state is None:  # lapsed or released in between
            return await self.claim(key)
        return Claim.SEEN if state == DONE else Claim.IN_FLIGHT

    async def confirm(self, key: str) -> None:
        with reaching_redis():
            await self._redis.set(PREFIX + key, DONE, px=_ms(self._ttl))

    async def release(self, key: str) -> None:
        with reaching_redis():
            await self._redis.delete(PREFIX + key)

    async def close(self) -> None:
        await self._redis.aclose()


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))
