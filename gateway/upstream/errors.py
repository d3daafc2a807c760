"""The gateway's exceptions for upstream failures.

They are raised only at the upstream boundary (`gateway.upstream.client`), keep the status,
body and `X-Request-Id` of what the upstream answered, and carry a `code` and a message that
are safe to show a client: never the body, never a header value.
"""

from __future__ import annotations

from typing import ClassVar


class GatewayError(Exception):
    """An error with a client-safe message and a stable `extensions.code`."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id

    @property
    def extensions(self) -> dict[str, object]:
        extensions: dict[str, object] = {"code": self.code}
        if self.request_id is not None:
            extensions["upstreamRequestId"] = self.request_id
        return extensions


class UpstreamError(GatewayError):
    """The upstream could not be reached or answered something other than success."""

    code: ClassVar[str] = "UPSTREAM_ERROR"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: bytes = b"",
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.status = status
        self.body = body

    @property
    def extensions(self) -> dict[str, object]:
        extensions = super().extensions
        if self.status is not None:
            extensions["upstreamStatus"] = self.status
        return extensions


class UpstreamUnavailable(UpstreamError):
    """No connection could be made: the request certainly did not reach the upstream."""

    code: ClassVar[str] = "UPSTREAM_UNAVAILABLE"


class UpstreamCircuitOpen(UpstreamUnavailable):
    """The upstream kept failing; calls are paused for a while rather than piling up."""

    code: ClassVar[str] = "UPSTREAM_CIRCUIT_OPEN"


class UpstreamBusy(UpstreamError):
    """Every upstream connection stayed in use for longer than the pool timeout."""

    code: ClassVar[str] = "UPSTREAM_BUSY"


class UpstreamConnectionLost(UpstreamError):
    """The connection failed after the request may have been sent."""

    code: ClassVar[str] = "UPSTREAM_CONNECTION_LOST"


class UpstreamTimeout(UpstreamError):
    code: ClassVar[str] = "UPSTREAM_TIMEOUT"


class UpstreamServerError(UpstreamError):
    """A 5xx answer."""

    code: ClassVar[str] = "UPSTREAM_SERVER_ERROR"


class UpstreamBadResponse(UpstreamError):
    """An answer the gateway cannot read: not JSON, or not the documented shape."""

    code: ClassVar[str] = "UPSTREAM_BAD_RESPONSE"


class UpstreamUnauthenticated(UpstreamError):
    """401: the token is missing or wrong."""

    code: ClassVar[str] = "UNAUTHENTICATED"


class UpstreamForbidden(UpstreamError):
    code: ClassVar[str] = "FORBIDDEN"


class UpstreamRateLimited(UpstreamError):
    """429: the upstream asks the client to slow down."""

    code: ClassVar[str] = "UPSTREAM_RATE_LIMITED"

    def __init__(
        self,
        message: str,
        *,
        retry_after: str | None = None,
        status: int | None = None,
        body: bytes = b"",
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, body=body, request_id=request_id)
        self.retry_after = retry_after

    @property
    def extensions(self) -> dict[str, object]:
        extensions = super().extensions
        if self.retry_after is not None:
            extensions["retryAfter"] = self.retry_after
        return extensions


class UpstreamNotFound(UpstreamError):
    """404: the contract or invoice does not exist or belongs to another account."""

    code: ClassVar[str] = "NOT_FOUND"


class UpstreamRejected(UpstreamError):
    """400 or 422: the upstream refused the request and said why in `errors`.

    `errors` is the decoded `errors` value in whichever of the three documented shapes the
    upstream used; resolvers turn it into user errors.
    """

    code: ClassVar[str] = "UPSTREAM_REJECTED"

    def __init__(
        self,
        message: str,
        *,
        errors: object,
        status: int | None = None,
        body: bytes = b"",
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, body=body, request_id=request_id)
        self.errors = errors


class UpstreamInvalidValue(GatewayError):
    """One field of an upstream object held a value the gateway cannot represent.

    Raised while resolving that field only, so the rest of the object is still returned.
    """

    code: ClassVar[str] = "UPSTREAM_INVALID_VALUE"
