"""Idempotency keys in Redis, shared by every gateway process and machine.

A claim is an atomic `SET NX` of a pending record with a lease; the outcome replaces it with
the key's time to live. Waiting claimants poll, which keeps the store a plain Redis with
nothing but keys in it.
"""

from __future__ import annotations

import asyncio
import base64
import json

from redis.asyncio import Redis

from gateway.idempotency import Claim, IdempotencyKeyReused

PREFIX = "gateway:idempotency:"
POLL_INTERVAL = 0.02


class RedisIdempotencyStore:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    @classmethod
    def from_url(cls, url: str) -> RedisIdempotencyStore:
        return cls(Redis.from_url(url))

    async def claim(self, key: str, fingerprint: str, *, lease: float) -> Claim:
        pending = json.dumps({"fingerprint": fingerprint})
        if await self._redis.set(PREFIX + key, pending, nx=True, px=int(lease * 1000)):
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
        raw = await self._redis.get(PREFIX + key)
        if raw is None:
            return
        record = json.loads(raw)
        record["outcome"] = base64.b64encode(outcome).decode()
        await self._redis.set(PREFIX + key, json.dumps(record), px=int(ttl * 1000))

    async def release(self, key: str) -> None:
        await self._redis.delete(PREFIX + key)

    async def wait(self, key: str) -> None:
        while True:
            raw = await self._redis.get(PREFIX + key)
            if raw is None or "outcome" in json.loads(raw):
                return
            await asyncio.sleep(POLL_INTERVAL)

    async def close(self) -> None:
        await self._redis.aclose()
