"""Upstream writes made at most once per idempotency key.

What a keyed write records is the upstream's answer itself (an `UpstreamResponse`, or the
`UpstreamError` it raised), encoded as JSON with exact decimals, so a replay goes through the
same mapping as the first answer. Nothing but these known shapes is ever decoded from the
store: a shared Redis must not be able to make the gateway run code.

Which failures are recorded is the point of it all (see `gateway.idempotency`): any answer
after which the upstream may have created something is recorded; failures that prove the
request never took effect release the key so the client can retry with it.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from gateway.errors import (
    UpstreamBadResponse,
    UpstreamConnectionLost,
    UpstreamError,
    UpstreamForbidden,
    UpstreamNotFound,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamServerError,
    UpstreamTimeout,
    UpstreamUnauthenticated,
)
from gateway.idempotency import (
    IdempotencyStore,
    Recorded,
    fingerprint,
    run_once,
    scoped_key,
)
from gateway.upstream import codec
from gateway.upstream.client import UpstreamResponse

# Failures after which the upstream may have acted, or that it decided: replayed as they were.
_RECORDED: dict[str, type[UpstreamError]] = {
    cls.__name__: cls
    for cls in (
        UpstreamBadResponse,
        UpstreamConnectionLost,
        UpstreamNotFound,
        UpstreamRejected,
        UpstreamServerError,
        UpstreamTimeout,
    )
}
# Answers that say the request was refused before it did anything.
_NOT_PROCESSED = (UpstreamUnauthenticated, UpstreamForbidden, UpstreamRateLimited)
_SERVICE_UNAVAILABLE = 503


def may_have_taken_effect(error: BaseException) -> bool:
    """Whether a failed write must be recorded rather than retried with the same key.

    Connection failures before sending (`UpstreamUnavailable`, an open circuit), an exhausted
    pool (`UpstreamBusy`), 401, 403, 429 and 503 prove nothing happened; anything else
    unexpected (a bug on our side before sending) did not reach the upstream either.
    """
    if isinstance(error, _NOT_PROCESSED):
        return False
    if isinstance(error, UpstreamServerError):
        return error.status != _SERVICE_UNAVAILABLE
    return type(error) in _RECORDED.values()


def encode_outcome(outcome: object) -> bytes:
    # Compressed: a stored invoice shrinks about threefold, in memory and in Redis alike.
    return zlib.compress(_encoded(outcome), level=1)


def _encoded(outcome: object) -> bytes:
    if isinstance(outcome, UpstreamResponse):
        return codec.encode(
            {"response": {"status": outcome.status, "data": outcome.data, "id": outcome.request_id}}
        )
    if isinstance(outcome, UpstreamError):
        record: dict[str, Any] = {
            "type": type(outcome).__name__,
            "message": outcome.message,
            "status": outcome.status,
            "body": base64.b64encode(outcome.body).decode("ascii"),
            "id": outcome.request_id,
        }
        if isinstance(outcome, UpstreamRejected):
            record["errors"] = outcome.errors
        return codec.encode({"error": record})
    raise TypeError(f"cannot record {type(outcome).__name__}")


def decode_outcome(data: bytes) -> UpstreamResponse | UpstreamError:
    record = codec.decode(zlib.decompress(data))
    if not isinstance(record, dict):
        raise ValueError("not a recorded outcome")
    if "response" in record:
        response = record["response"]
        return UpstreamResponse(
            status=response["status"], data=response["data"], request_id=response["id"]
        )
    error = record["error"]
    kept: dict[str, Any] = {
        "status": error["status"],
        "body": base64.b64decode(error["body"]),
        "request_id": error["id"],
    }
    cls = _RECORDED[error["type"]]
    if cls is UpstreamRejected:
        return UpstreamRejected(error["message"], errors=error.get("errors"), **kept)
    return cls(error["message"], **kept)


UPSTREAM_OUTCOMES = Recorded(
    encode=encode_outcome, decode=decode_outcome, record_failure=may_have_taken_effect
)


class IdempotentWrites:
    """Runs keyed upstream writes through a shared store, one upstream call per key."""

    def __init__(self, store: IdempotencyStore, *, lease: float, ttl: float) -> None:
        self.store = store
        self._lease = lease
        self._ttl = ttl

    async def run(
        self,
        *,
        key: str,
        credentials: str | None,
        method: str,
        path: str,
        body: object,
        send: Callable[[], Awaitable[UpstreamResponse]],
    ) -> UpstreamResponse:
        # The request as the upstream would see it: two inputs that translate to the same
        # REST call are the same request.
        sent = fingerprint(method, path, b"" if body is None else codec.encode(body))
        return await run_once(
            self.store,
            key=scoped_key(key, credentials=credentials),
            fingerprint=sent,
            call=send,
            recorded=UPSTREAM_OUTCOMES,
            lease=self._lease,
            ttl=self._ttl,
        )
