"""Where rate-limit counters live: this process's memory, or a Redis every process shares.

Both are `limits` storages for its sliding-window-counter strategy. Redis is reached through
redis-py (the client the gateway already uses for idempotency keys), not `limits`' default
coredis. Counters in Redis expire on their own (each key's TTL is two windows).
"""

from __future__ import annotations

import heapq
import time
from typing import Any

from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from redis.asyncio import ConnectionPool

# About 300 bytes each: some 30 MB, room for 50,000 clients under two limits at once.
MAX_MEMORY_COUNTERS = 100_000

# Every request waits for the limiter, so a slow Redis must not hold requests for long: past
# this they go through unlimited (see `RateLimiter`).
REDIS_TIMEOUT_SECONDS = 0.5

REDIS_KEY_PREFIX = "gateway:rate-limit"


class BoundedMemoryStorage(MemoryStorage):
    """`limits`' memory storage with cheap expiry and a bound on how many counters it holds.

    `MemoryStorage` starts a sweep over every counter after each hit (measured: 1 ms a request
    with 10,000 counters), and holds as many counters as there are keys. Here expired counters
    go from a heap ordered by expiry as new ones come, and past `max_counters` the counters
    closest to expiring go first. So a client sending a new Authorization with every request
    costs a bounded amount of memory; what it can do to others is reset counters early, that
    is let some clients through a little more than their limit, while the flood lasts.

    Only the counters the sliding-window-counter strategy uses are handled here (`incr`,
    `decr`); the library's reading of them (`get`, lazy expiry included) is kept.
    """

    def __init__(self, max_counters: int = MAX_MEMORY_COUNTERS) -> None:
        super().__init__()
        self._max_counters = max_counters
        # (expiry time, key); an entry whose key has since expired or been created anew is
        # stale, and dropped when it comes up.
        self._deadlines: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self.expirations)

    async def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        self._drop_expired(now)
        if self.expirations.get(key, 0) <= now:
            self.storage.pop(key, None)
            while len(self.expirations) >= self._max_counters:
                self._drop_first()
            self.expirations[key] = now + expiry
            heapq.heappush(self._deadlines, (now + expiry, key))
        self.storage[key] += amount
        return self.storage[key]

    async def decr(self, key: str, amount: int = 1) -> int:
        if key in self.storage:
            self.storage[key] = max(self.storage[key] - amount, 0)
        return self.storage.get(key, 0)

    def _drop_expired(self, now: float) -> None:
        while self._deadlines and self._deadlines[0][0] <= now:
            self._drop_first()

    def _drop_first(self) -> None:
        deadline, key = heapq.heappop(self._deadlines)
        if self.expirations.get(key) == deadline:
            self.storage.pop(key, None)
            del self.expirations[key]


class SharedRedisStorage:
    """A `limits` Redis storage on redis-py, with a connection pool this gateway closes."""

    def __init__(self, url: str) -> None:
        self._pool = ConnectionPool.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        # `limits` types its client options as scalars; a pool is one it documents.
        options: dict[str, Any] = {"connection_pool": self._pool}
        self.storage: Storage = RedisStorage(
            url,
            implementation="redispy",
            key_prefix=REDIS_KEY_PREFIX,
            wrap_exceptions=True,
            **options,
        )

    async def close(self) -> None:
        await self._pool.aclose()
