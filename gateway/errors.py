"""Every exception the gateway raises on purpose, under one root.

Each carries a message that is safe to show a client (never an upstream body, a header's
value or the input's own value) and a stable `code`, the `extensions.code` clients switch on.
Lower layers raise them and higher ones answer them; this module imports nothing of the
gateway's, so every layer can.

GatewayError
├── ConfigurationError ........... settings or files the gateway cannot start with
│   ├── SettingsError ............ an environment variable (the message names it)
│   └── ManifestError ............ the trusted-documents manifest (names the file and entry)
├── MalformedRequest ............. the HTTP request is not a GraphQL request that can run
├── PersistedQueryNotFound ....... an APQ hash (or document id) the gateway does not know
├── InvalidInput ................. input refused before any call; `user_errors` says where
├── InvalidPageRequest ........... a `first` or `after` that names no page
├── InvalidArgument .............. an argument that can name nothing (`contractId: "x"`)
├── IdempotencyError
│   ├── InvalidIdempotencyKey .... an `Idempotency-Key` header that is no usable key
│   ├── IdempotencyKeyReused ..... the key was first used for another request
│   ├── IdempotencyInProgress .... the key's first request is still running
│   └── IdempotencyStoreUnavailable  Redis could not be reached: nothing is sent upstream
├── UpstreamError ................ the upstream could not be reached, or did not succeed
│   ├── UpstreamUnavailable ...... no connection: the request certainly did not arrive
│   │   └── UpstreamCircuitOpen .. calls paused after repeated failures
│   ├── UpstreamBusy ............. no free upstream connection within the pool timeout
│   ├── UpstreamConnectionLost ... the connection broke after the request may have arrived
│   ├── UpstreamTimeout
│   ├── UpstreamServerError ...... 5xx
│   ├── UpstreamBadResponse ...... not JSON, or not the documented shape
│   ├── UpstreamUnauthenticated .. 401
│   ├── UpstreamForbidden ........ 403
│   ├── UpstreamRateLimited ...... 429, with its Retry-After
│   ├── UpstreamNotFound ......... 404
│   └── UpstreamRejected ......... 400 or 422, with the upstream's `errors`
├── UpstreamInvalidValue ......... one field of an answer the gateway cannot represent
│   └── MissingId ................ an object without a usable `id`
├── SubscriptionError ............ a subscription refused or ended by the gateway
│   ├── TooManySubscriptions ..... past a subscription limit (per connection, credentials, all)
│   └── SubscriberTooSlow ........ fell too far behind its events: ended, not buffered
└── WebhookError ................. a delivery to POST /webhooks not taken (`status` says how)
    ├── WebhookSignatureInvalid .. 401: no signature, or not the secret's
    ├── InvalidDelivery .......... 400: not JSON, not a delivery's shape, or too large
    ├── DeliveryInProgress ....... 503: the same delivery is being taken right now
    └── EventBusUnavailable ...... 503: Redis could not be reached; nothing was published
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar


class GatewayError(Exception):
    """An error with a client-safe message and a stable `extensions.code`."""

    code: str = "INTERNAL_SERVER_ERROR"

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

    code = "UPSTREAM_ERROR"

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

    code = "UPSTREAM_UNAVAILABLE"


class UpstreamCircuitOpen(UpstreamUnavailable):
    """The upstream kept failing; calls are paused for a while rather than piling up."""

    code = "UPSTREAM_CIRCUIT_OPEN"


class UpstreamBusy(UpstreamError):
    """Every upstream connection stayed in use for longer than the pool timeout."""

    code = "UPSTREAM_BUSY"


class UpstreamConnectionLost(UpstreamError):
    """The connection failed after the request may have been sent."""

    code = "UPSTREAM_CONNECTION_LOST"


class UpstreamTimeout(UpstreamError):
    code = "UPSTREAM_TIMEOUT"


class UpstreamServerError(UpstreamError):
    """A 5xx answer."""

    code = "UPSTREAM_SERVER_ERROR"


class UpstreamBadResponse(UpstreamError):
    """An answer the gateway cannot read: not JSON, or not the documented shape."""

    code = "UPSTREAM_BAD_RESPONSE"


class UpstreamUnauthenticated(UpstreamError):
    """401: the token is missing or wrong."""

    code = "UNAUTHENTICATED"


class UpstreamForbidden(UpstreamError):
    code = "FORBIDDEN"


class UpstreamRateLimited(UpstreamError):
    """429: the upstream asks the client to slow down."""

    code = "UPSTREAM_RATE_LIMITED"

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

    code = "NOT_FOUND"


class UpstreamRejected(UpstreamError):
    """400 or 422: the upstream refused the request and said why in `errors`.

    `errors` is the decoded `errors` value in whichever of the three documented shapes the
    upstream used; resolvers turn it into user errors.
    """

    code = "UPSTREAM_REJECTED"

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

    code = "UPSTREAM_INVALID_VALUE"


class ConfigurationError(GatewayError):
    """Configuration the gateway cannot start with; raised at start-up, never per request."""

    code = "CONFIGURATION_ERROR"


class SettingsError(ConfigurationError):
    """The environment holds a value the gateway cannot use; the message names it."""


class ManifestError(ConfigurationError):
    """The trusted-documents manifest cannot be used; the message names the file and entry."""


class MalformedRequest(GatewayError):
    """The HTTP request is not a GraphQL request the gateway can run: answered with `status`
    (and `headers`) before anything runs."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        code: str = "BAD_REQUEST",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.headers = headers or {}


class PersistedQueryNotFound(GatewayError):
    """The hash is unknown; the client should send the query along with it."""

    code = "PERSISTED_QUERY_NOT_FOUND"


class _Described(Protocol):
    @property
    def message(self) -> str: ...


E = TypeVar("E", bound=_Described)


class InvalidInput(GatewayError, Generic[E]):
    """The input cannot be sent as it is; `user_errors` says where and why (mutations answer
    them as user errors)."""

    code = "BAD_USER_INPUT"

    def __init__(self, user_errors: Sequence[E]) -> None:
        super().__init__("; ".join(error.message for error in user_errors))
        self.user_errors = list(user_errors)


class InvalidPageRequest(GatewayError):
    """`first` or `after` cannot describe a page; the client must change the request."""

    code = "BAD_USER_INPUT"


class InvalidArgument(GatewayError):
    """An argument no upstream object could match; the message names it, never its value."""

    code = "BAD_USER_INPUT"


class IdempotencyError(GatewayError):
    """What an idempotency key could not do."""


class InvalidIdempotencyKey(IdempotencyError):
    """The `Idempotency-Key` header is not a usable key."""

    code = "IDEMPOTENCY_KEY_INVALID"


class IdempotencyKeyReused(IdempotencyError):
    """The key was first used for a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotencyInProgress(IdempotencyError):
    """Another request with this key is still running after the wait allowed."""

    code = "IDEMPOTENCY_IN_PROGRESS"


class IdempotencyStoreUnavailable(IdempotencyError):
    """The shared store could not be reached: without it no call is made, since a retry
    could otherwise create a second invoice."""

    code = "IDEMPOTENCY_STORE_UNAVAILABLE"


class MissingId(UpstreamInvalidValue, ValueError):
    """The object has no usable `id`, so no GraphQL object can stand for it."""


class SubscriptionError(GatewayError):
    """A subscription the gateway refused, or ended on its own."""


class TooManySubscriptions(SubscriptionError):
    code = "TOO_MANY_SUBSCRIPTIONS"


class SubscriberTooSlow(SubscriptionError):
    """The subscriber read its events too slowly: they are never buffered without bound."""

    code = "SLOW_CONSUMER"


class WebhookError(GatewayError):
    """A delivery to `POST /webhooks` that was not taken; answered with `status`."""

    status: int = 500


class WebhookSignatureInvalid(WebhookError):
    """The signature header is missing, or is not the secret's signature of the delivery."""

    code = "WEBHOOK_SIGNATURE_INVALID"
    status = 401


class InvalidDelivery(WebhookError):
    """The body is not a delivery: `path` is where (empty: the body itself), `reason` why.
    Neither ever quotes the body."""

    code = "INVALID_DELIVERY"
    status = 400

    def __init__(self, reason: str, *, path: Sequence[str] = ()) -> None:
        self.path = list(path)
        self.reason = reason
        where = ".".join(self.path) or "body"
        super().__init__(f"{where}: {reason}")


class EventBusUnavailable(WebhookError):
    """Redis (the seen deliveries or the event bus) could not be reached: nothing was
    published and nothing marked seen, so the product's retry is taken later."""

    code = "EVENT_BUS_UNAVAILABLE"
    status = 503


class DeliveryInProgress(WebhookError):
    """Another copy of the delivery is being published right now: if that fails, this one
    must not have been answered 200, so the product retries later."""

    code = "DELIVERY_IN_PROGRESS"
    status = 503
