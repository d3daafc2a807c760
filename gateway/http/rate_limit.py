"""Per-client rate limits on /graphql: one hit per HTTP request (and more for a document the
gateway had not seen, by its size), 429 past the limit.

A client is its credentials (a SHA-256 of the Authorization it sends, when that is what goes
upstream) or, without them, its address (`scope["client"]`, which `ProxyHeadersMiddleware`
sets from X-Forwarded-For behind a trusted proxy). When the deployment sends its own token
upstream, every client's requests carry the same credentials there, and whatever a client
puts in its own Authorization header is not checked by anyone: keying on it would hand a
fresh budget to each made-up value, so the address is the key.

The counting is `limits`' sliding window counter: two counters per client and limit, wherever
they are kept, against one per request for a moving window; and unlike a fixed window it does
not let a client spend two windows' worth across a boundary (it weighs the previous window's
count by how much of it is still in the last minute, or second, ...).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence

import orjson
from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.document_cache import measured_work
from gateway.error_formatting import error_body
from gateway.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON, choose_media_type
from gateway.observability import metrics
from gateway.rate_limit_storage import BoundedMemoryStorage, SharedRedisStorage
from gateway.settings import Settings

logger = logging.getLogger(__name__)

RATE_LIMITED = "RATE_LIMITED"

# After the store fails, requests skip it for this long instead of each waiting for it to
# fail again (a Redis that does not answer costs its whole timeout).
STORE_RETRY_SECONDS = 1.0


def client_key(scope: Scope, *, by_credentials: bool) -> str:
    """Whose budget a request spends: its credentials' hash, or its address."""
    if by_credentials:
        authorization = Headers(scope=scope).get("authorization")
        if authorization:
            # Never the value itself: it is a secret, and the key may sit in a shared Redis.
            digest = hashlib.sha256(authorization.encode("latin-1")).hexdigest()
            return f"credentials:{digest}"
    client = scope.get("client")
    # No address (a Unix socket without a proxy in front): one budget for all such clients.
    return f"address:{client[0] if client else 'unknown'}"


class RateLimiter:
    """Each client's budget under one or more limits (`50/second;1000/minute`)."""

    def __init__(
        self,
        limits: Sequence[RateLimitItem],
        storage: Storage,
        *,
        close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._limits = limits
        self._strategy = SlidingWindowCounterRateLimiter(storage)
        self._close = close
        self._failing = False
        self._skip_until = 0.0

    async def retry_after(self, key: str) -> int | None:
        """Spend one request of `key`'s budget: `None` if allowed, else whole seconds to wait.

        Fails open: a store that cannot be reached lets every request through. The limits
        guard the gateway and its upstream from greedy clients; refusing everyone while Redis
        is down would turn its outage into the gateway's, for a risk no greater than running
        without limits for as long. One warning per outage, nothing of the request in it.
        """
        if self._failing and time.monotonic() < self._skip_until:
            return None
        try:
            wait = await self._spend(key)
        except StorageError as error:
            if not self._failing:
                logger.warning(
                    "rate limit store unreachable (%s); requests go through unlimited until "
                    "it answers",
                    type(error.storage_error).__name__,
                )
            self._failing = True
            self._skip_until = time.monotonic() + STORE_RETRY_SECONDS
            return None
        if self._failing:
            logger.info("rate limit store reachable again; limits apply")
            self._failing = False
        return wait

    async def charge(self, key: str, cost: int) -> None:
        """Spend `cost` more of `key`'s budget, as far as it goes, for work already done.

        A request is allowed before its cost is known; once it is, the rest is taken from the
        budget, down to nothing, so the client's next requests wait for it.
        """
        if cost < 1 or (self._failing and time.monotonic() < self._skip_until):
            return
        try:
            for item in self._limits:
                stats = await self._strategy.get_window_stats(item, key)
                if stats.remaining > 0:
                    await self._strategy.hit(item, key, cost=min(cost, stats.remaining))
        except StorageError:
            return  # the next `retry_after` notices and says so

    async def _spend(self, key: str) -> int | None:
        # In turn, stopping at the first limit that refuses: a refused request spends nothing
        # of that limit's budget, nor of the ones after it.
        for item in self._limits:
            if not await self._strategy.hit(item, key):
                stats = await self._strategy.get_window_stats(item, key)
                return max(1, math.ceil(stats.reset_time - time.time()))
        return None

    async def close(self) -> None:
        if self._close is not None:
            await self._close()


def rate_limiter_for(settings: Settings) -> RateLimiter | None:
    """The limiter `settings` asks for: `None` when off, in Redis when there is one."""
    if settings.rate_limit == "off":
        return None
    limits = parse_many(settings.rate_limit)
    if settings.redis_url is None:
        return RateLimiter(limits, BoundedMemoryStorage())
    shared = SharedRedisStorage(str(settings.redis_url))
    return RateLimiter(limits, shared.storage, close=shared.close)


# How long a refusal is held before it is sent (at most the Retry-After itself).
REFUSAL_PAUSE = 1.0
# Tokens of a new document that cost as much of the budget as one more request: about a
# millisecond of parse and validation (a documented createInvoice, 130 tokens, costs 5 more
# the first time; a hostile 1000-token document 40).
TOKENS_PER_REQUEST = 25


class RateLimited:
    """An ASGI app (the GraphQL endpoint) behind a `RateLimiter`.

    A refused request is answered before its body is read, so it costs next to nothing, and
    after `REFUSAL_PAUSE`, so refusals cannot be had as fast as a client can ask for them.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter, *, by_credentials: bool) -> None:
        self.app = app
        self._limiter = limiter
        self._by_credentials = by_credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = client_key(scope, by_credentials=self._by_credentials)
        wait = await self._limiter.retry_after(key)
        if wait is None:
            with measured_work() as work:
                await self.app(scope, receive, send)
            # A document the gateway had not seen costs one more request per
            # TOKENS_PER_REQUEST of its tokens: otherwise a client within its request budget
            # could spend the process's CPU on new costly documents (tens of ms each near the
            # token limit) and no request count would stop it. Cached documents cost nothing.
            await self._limiter.charge(key, work.tokens // TOKENS_PER_REQUEST)
            return
        # A client that honours Retry-After loses nothing by the pause; one that retries at
        # once, as fast as its refusals come back, is slowed to one try per pause, so its
        # refusals cost the process almost nothing (an idle coroutine on an open connection).
        metrics.rate_limited.inc()
        await asyncio.sleep(min(REFUSAL_PAUSE, wait))
        accept = Headers(scope=scope).get("accept")
        await too_many_requests(wait, accept)(scope, receive, send)


def too_many_requests(retry_after: int, accept: str | None) -> Response:
    media_type = (
        GRAPHQL_RESPONSE_JSON if choose_media_type(accept) == GRAPHQL_RESPONSE_JSON else JSON
    )
    unit = "second" if retry_after == 1 else "seconds"
    message = f"Too many requests; retry after {retry_after} {unit}."
    return Response(
        orjson.dumps(error_body(message, RATE_LIMITED, retryAfter=retry_after)),
        status_code=429,
        headers={"Retry-After": str(retry_after)},
        media_type=f"{media_type}; charset=utf-8",
    )
