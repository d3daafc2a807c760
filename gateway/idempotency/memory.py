"""Idempotency keys in this process's memory: the embedded default."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from gateway.errors import IdempotencyKeyReused
from gateway.idempotency import Claim


@dataclass
class _Entry:
    fingerprint: str
    expires_at: float
    outcome: bytes | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)


# Expired entries are swept at most this often, so a claim costs O(1) however many keys live.
PURGE_INTERVAL = 1.0
# What an entry costs besides its key, fingerprint and outcome: the objects holding them.
ENTRY_OVERHEAD = 256


class MemoryIdempotencyStore:
    """Keys in a dict, kept for their time to live but at most `max_entries` of them, and
    at most `max_bytes` of keys and outcomes.

    Past either bound the oldest recorded outcomes go first (a retry of one of those would
    call the upstream again), so memory stays bounded however many keys clients send; calls
    in flight are never dropped. Several processes, or more keys than fit: use Redis.
    """

    def __init__(
        self,
        *,
        max_entries: int = 10_000,
        max_bytes: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: dict[str, _Entry] = {}
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._clock = clock
        self._next_purge = float("-inf")

    @property
    def size(self) -> int:
        """Bytes the entries are estimated to take."""
        return self._bytes

    def _remove(self, key: str) -> _Entry:
        entry = self._entries.pop(key)
        self._bytes -= _cost(key, entry)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def _purge(self, now: float) -> None:
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_INTERVAL
        expired = [key for key, entry in self._entries.items() if entry.expires_at <= now]
        for key in expired:
            self._remove(key).changed.set()

    async def claim(self, key: str, fingerprint: str, *, lease: float) -> Claim:
        now = self._clock()
        self._purge(now)
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at <= now:
            self._remove(key).changed.set()
            entry = None
        if entry is None:
            entry = self._entries[key] = _Entry(fingerprint=fingerprint, expires_at=now + lease)
            self._bytes += _cost(key, entry)
            self._evict()
            return Claim(owned=True)
        if entry.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This idempotency key was already used for a different request."
            )
        return Claim(owned=False, outcome=entry.outcome)

    def _evict(self) -> None:
        excess_entries = len(self._entries) - self._max_entries
        excess_bytes = 0 if self._max_bytes is None else self._bytes - self._max_bytes
        if excess_entries <= 0 and excess_bytes <= 0:
            return
        # Dicts keep insertion order: the first recorded outcomes are the oldest claims, so the
        # scan stops as soon as enough are found instead of walking every key on each claim.
        doomed: list[str] = []
        for key, entry in self._entries.items():
            if entry.outcome is None:
                continue
            doomed.append(key)
            excess_entries -= 1
            excess_bytes -= _cost(key, entry)
            if excess_entries <= 0 and excess_bytes <= 0:
                break
        for key in doomed:
            self._remove(key)

    async def complete(self, key: str, outcome: bytes, *, ttl: float) -> None:
        entry = self._entries.get(key)
        if entry is None:
            return
        self._bytes -= _cost(key, entry)
        entry.outcome = outcome
        entry.expires_at = self._clock() + ttl
        self._bytes += _cost(key, entry)
        entry.changed.set()
        self._evict()

    async def release(self, key: str) -> None:
        if key in self._entries:
            self._remove(key).changed.set()

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
        self._bytes = 0


def _cost(key: str, entry: _Entry) -> int:
    return ENTRY_OVERHEAD + len(key) + len(entry.fingerprint) + len(entry.outcome or b"")
