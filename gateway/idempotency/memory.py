"""Idempotency keys in this process's memory: the embedded default."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from gateway.idempotency import Claim, IdempotencyKeyReused


@dataclass
class _Entry:
    fingerprint: str
    expires_at: float
    outcome: bytes | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)


# Expired entries are swept at most this often, so a claim costs O(1) however many keys live.
PURGE_INTERVAL = 1.0


class MemoryIdempotencyStore:
    """Keys in a dict, kept for their time to live but at most `max_entries` of them.

    Past `max_entries` the oldest recorded outcomes go first (a retry of one of those would
    call the upstream again), so memory stays bounded however many keys clients send; calls
    in flight are never dropped. Several processes, or more keys than fit: use Redis.
    """

    def __init__(
        self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: dict[str, _Entry] = {}
        self._max_entries = max_entries
        self._clock = clock
        self._next_purge = float("-inf")

    def __len__(self) -> int:
        return len(self._entries)

    def _purge(self, now: float) -> None:
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_INTERVAL
        expired = [key for key, entry in self._entries.items() if entry.expires_at <= now]
        for key in expired:
            self._entries.pop(key).changed.set()

    async def claim(self, key: str, fingerprint: str, *, lease: float) -> Claim:
        now = self._clock()
        self._purge(now)
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at <= now:
            self._entries.pop(key).changed.set()
            entry = None
        if entry is None:
            self._entries[key] = _Entry(fingerprint=fingerprint, expires_at=now + lease)
            self._evict()
            return Claim(owned=True)
        if entry.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This idempotency key was already used for a different request."
            )
        return Claim(owned=False, outcome=entry.outcome)

    def _evict(self) -> None:
        excess = len(self._entries) - self._max_entries
        if excess <= 0:
            return
        # Dicts keep insertion order: the first recorded outcomes are the oldest claims, so the
        # scan stops after `excess` of them instead of walking every key on each claim.
        recorded = (key for key, entry in self._entries.items() if entry.outcome is not None)
        for key in list(itertools.islice(recorded, excess)):
            del self._entries[key]

    async def complete(self, key: str, outcome: bytes, *, ttl: float) -> None:
        entry = self._entries.get(key)
        if entry is None:
            return
        entry.outcome = outcome
        entry.expires_at = self._clock() + ttl
        entry.changed.set()

    async def release(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            entry.changed.set()

    async def wait(self, key: str) -> None:
        entry = self._entries.get(key)
        if entry is None or entry.outcome is not None:
            return
        # Wake at the lease's end too: an owner that vanished never signals.
        remaining = max(0.0, entry.expires_at - self._clock())
        try:
            async with asyncio.timeout(remaining):
                await entry.changed.wait()
        except TimeoutError:
            return

    async def ping(self) -> None:
        return None  # always usable

    async def close(self) -> None:
        self._entries.clear()
