"""Upstream reads shared across requests: one read answers every caller that asked before it
started, so a burst of events for one invoice costs at most two reads per credentials.

A caller asks for a key (the credentials and the invoice) *as of* a moment: the moment its event
arrived. A read that started at or after that moment answers it, whether still running or
done; otherwise the caller waits for the next read, which starts when the running one ends and
answers everyone who asked meanwhile. So per key at most one read runs and one waits, however
many events arrive, and a read never answers an event that came after it started (it could
predate the change the event announces).

Each read runs in a task of its own, so a caller that goes away (a subscriber disconnecting)
cancels its wait, never the read the others wait for. Finished reads are kept for a while
(`keep_seconds`), bounded in number (`max_keys`), for the callers still to come.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from cachetools import TTLCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Load = Callable[[], Awaitable[V]]


@dataclass(eq=False)
class _Read(Generic[V]):
    started: float
    task: asyncio.Task[V]


@dataclass(eq=False)
class _Entry(Generic[V]):
    latest: _Read[V] | None = None
    # The read that starts when `latest` ends, for callers `latest` cannot answer.
    waiting: asyncio.Future[V] | None = None
    waiters_load: Load[V] | None = field(default=None, repr=False)


class SharedReads(Generic[K, V]):
    def __init__(
        self,
        *,
        max_keys: int = 10_000,
        keep_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: TTLCache[K, _Entry[V]] = TTLCache(
            maxsize=max_keys, ttl=keep_seconds, timer=clock
        )
        self._clock = clock
        self.reads = 0  # how many loads ran: what the bound is about

    async def read(self, key: K, since: float, load: Load[V]) -> V:
        """The value for `key` from a read started at `since` or later; `load` makes one."""
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry()
        latest = entry.latest
        if latest is not None and latest.started >= since:
            return await asyncio.shield(latest.task)
        if latest is None or latest.task.done():
            return await asyncio.shield(self._start(entry, load).task)
        if entry.waiting is None:
            entry.waiting = asyncio.get_running_loop().create_future()
            entry.waiters_load = load
            latest.task.add_done_callback(lambda _: self._start_waiting(entry))
        return await asyncio.shield(entry.waiting)

    def _start(self, entry: _Entry[V], load: Load[V]) -> _Read[V]:
        self.reads += 1
        read = _Read(self._clock(), asyncio.ensure_future(load()))
        read.task.add_done_callback(_retrieve)
        entry.latest = read
        return read

    def _start_waiting(self, entry: _Entry[V]) -> None:
        waiting, load = entry.waiting, entry.waiters_load
        entry.waiting = entry.waiters_load = None
        assert waiting is not None
        assert load is not None
        read = self._start(entry, load)
        read.task.add_done_callback(lambda task: _settle(waiting, task))


def _retrieve(task: asyncio.Task[object]) -> None:
    # Whoever waits gets the exception; with nobody waiting, asyncio must not log it.
    if not task.cancelled():
        task.exception()


def _settle(future: asyncio.Future[V], task: asyncio.Task[V]) -> None:
    if future.done():
        return
    if task.cancelled():
        future.cancel()
    elif (error := task.exception()) is not None:
        future.set_exception(error)
    else:
        future.set_result(task.result())
    with contextlib.suppress(asyncio.CancelledError, Exception):
        future.exception()  # retrieved, for the same reason as `_retrieve`
