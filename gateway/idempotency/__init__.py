"""Idempotency keys: one upstream call per key, however often or concurrently it is retried.

`run_once` claims the key in a store shared by every gateway process (memory by default,
Redis when configured). The first claimant makes the call and records its outcome; a retry
with the same key and the same request gets that outcome without calling; the same key with
a different request is refused; concurrent claimants wait for the first one's outcome.

Which outcomes are recorded matters as much as the call itself. A success, an upstream
rejection, and any failure after which the request may have been processed (a timeout, a
broken connection, a 500) are recorded, so a retry can never create a second invoice. A
failure that certainly happened before the upstream processed anything (no connection, the
circuit open, no free connection, 503, 429) releases the key, so the client may retry.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from gateway.errors import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    IdempotencyStoreUnavailable,
)
from gateway.observability import metrics, tracing

T = TypeVar("T")

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Claim:
    """The store's answer to a claim: run the call (`owned`), or here is its `outcome`."""

    owned: bool
    outcome: bytes | None = None


class IdempotencyStore(Protocol):
    async def claim(self, key: str, fingerprint: str, *, lease: float) -> Claim:
        """Take the key (`owned`), or report its recorded outcome, or neither (in flight).

        Raises `IdempotencyKeyReused` when the key was taken with another fingerprint.
        """
        ...

    async def complete(self, key: str, outcome: bytes, *, ttl: float) -> None: ...

    async def release(self, key: str) -> None: ...

    async def wait(self, key: str) -> None:
        """Return once the key's state may have changed (completed, released or expired)."""
        ...

    async def ping(self) -> None:
        """Raise `IdempotencyStoreUnavailable` when the store cannot be used right now."""
        ...

    async def close(self) -> None: ...


def scoped_key(key: str, *, credentials: str | None) -> str:
    # Keys live per account: one client's key can never replay another client's invoice.
    scope = hashlib.sha256((credentials or "").encode()).hexdigest()[:24]
    return f"{scope}:{key}"


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


@dataclass(frozen=True, kw_only=True)
class Recorded:
    """How to turn a call's result or exception into stored bytes and back."""

    encode: Callable[[object], bytes]
    decode: Callable[[bytes], object]
    # For an exception: True to record it (the call may have had effects), False to release.
    record_failure: Callable[[BaseException], bool]


async def run_once(
    store: IdempotencyStore,
    *,
    key: str,
    fingerprint: str,
    call: Callable[[], Awaitable[T]],
    recorded: Recorded,
    lease: float,
    ttl: float,
) -> T:
    """Run `call` at most once per key; return (or raise) its recorded outcome otherwise.

    `lease` bounds how long a claimant may hold the key without an outcome (longer than the
    call's own deadline); waiting claimants give up after it.
    """
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + lease
    attributes = {"gateway.idempotency.store": type(store).__name__}
    while True:
        try:
            with tracing.span("idempotency.claim", attributes=attributes):
                claim = await store.claim(key, fingerprint, lease=lease)
        except IdempotencyKeyReused:
            metrics.idempotency.labels("key_reused").inc()
            raise
        if claim.outcome is not None:
            metrics.idempotency.labels("replayed").inc()
            return _replay(recorded.decode(claim.outcome))  # type: ignore[return-value]
        if claim.owned:
            break
        remaining = give_up_at - loop.time()
        if remaining <= 0:
            metrics.idempotency.labels("in_progress").inc()
            raise IdempotencyInProgress(
                "A request with this idempotency key is still in progress; retry shortly."
            )
        try:
            async with asyncio.timeout(remaining):
                await store.wait(key)
        except TimeoutError:
            pass  # the next claim decides
    try:
        result = await call()
    except asyncio.CancelledError:
        # The client went away mid-call: the outcome is unknown, so keep the key until the
        # lease lapses rather than let a retry call again.
        raise
    except Exception as error:
        if recorded.record_failure(error):
            await _settle(store.complete(key, recorded.encode(error), ttl=ttl), "recorded")
        else:
            await _settle(store.release(key), "released")
        raise
    # The call happened: whatever the store does now, its result reaches the caller.
    await _settle(store.complete(key, recorded.encode(result), ttl=ttl), "recorded")
    return result


# What the store is told for each outcome.
_SPANS = {"recorded": "idempotency.complete", "released": "idempotency.release"}


async def _settle(update: Awaitable[None], outcome: str) -> None:
    metrics.idempotency.labels(outcome).inc()
    try:
        with tracing.span(_SPANS[outcome]):
            await update
    except IdempotencyStoreUnavailable:
        # The key stays claimed until its lease lapses, so a retry waits, then may call
        # again; failing a call that already happened would be worse.
        logger.warning("idempotency store unavailable; outcome not recorded", exc_info=True)


def _replay(outcome: object) -> object:
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome
