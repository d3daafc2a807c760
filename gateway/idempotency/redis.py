"""Idempotency keys in Redis, shared by every gateway process and machine.

A claim is an atomic `SET NX` of a pending record with a lease; the outcome replaces it with
the key's time to live. Waiting claimants poll, which keeps the store a plain Redis with
nothing but keys in it. Redis failures become `IdempotencyStoreUnavailable`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import Iterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.errors import IdempotencyKeyReused, IdempotencyStoreUnavailable
from gateway.idempotency import Claim

PREFIX = "gateway:idempotency:"
POLL_INTERVAL = 0.02


@contextlib.contextmanager
def _reaching_redis() -> Iterator[None]:
    try:
        yield
    except RedisError as error:
        raise IdempotencyStoreUnavailable(
            "The idempotency store is unavailable; nothing was sent. Retry later."
        ) from error


class RedisIdempotencyStore:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    @classmethod
    def from_url(cls, url: str, *, timeout: float = 5.0) -> RedisIdempotencyStore:
        # Timeouts so an unreachable Redis fails a request instead of hanging it.
        return cls(Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout))

    async def claim(self, key: str, fingerprint: str, *, lease: float) -> Claim:
        pending = json.dumps({"fingerprint": fingerprint})
        with _reaching_redis():
            if await self._redis.set(PREFIX + key, pending, nx=True, px=_ms(lease)):
                return Claim(owned=True)
            raw = await self._redis.get(PREFIX + key)
        if raw is None:  # completed and expired, or released, in between
            return await self.claim(key, fingerprint, lease=lease)
        record = json.loads(raw)
        if record["fingerprint"] != fingerprint:
            raise IdempotencyKeyReused(
                "This idempotency key was already used for a different request."
            )
        outcome = record.get("outcome")
        return Claim(owned=False, outcome=None if outcome is None else base64.b64decode(outcome))

    async def complete(self, key: str, outcome: bytes, *, ttl: float) -> None:
        with _reaching_redis():
            raw = await self._redis.get(PREFIX + key)
            if raw is None:
                return
            record = json.loads(raw)
            record["outcome"] = base64.b64encode(outcome).decode()
            await self._redis.set(PREFIX + key, json.dumps(record), px=_ms(ttl))

    async def release(self, key: str) -> None:
        with _reaching_redis():
            await self._redis.delete(PREFIX + key)

    async def wait(self, key: str) -> None:
        while True:
            with _reaching_redis():
                raw = await self._redis.get(PREFIX + key)
            if raw is None or "outcome" in json.loads(raw):
                return
            await asyncio.sleep(POLL_INTERVAL)

    async def ping(self) -> None:
        with _reaching_redis():
            await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))
