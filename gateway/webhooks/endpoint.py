"""`POST /webhooks`: the product's deliveries, verified, de-duplicated and published.

| delivery | answer |
| --- | --- |
| no signature, or a wrong one | 401, one WARNING line, nothing published |
| not JSON, not a delivery's shape, too large | 400, `error.path` and `error.reason` |
| `{"test": true}` (the availability ping) | 200, nothing published |
| an event on something else (`change_plan`) | 200, not published as an invoice event |
| an invoice's event | 200 once it is on the bus |
| a retry of one (same request id, or same body) | 200, not published again |
| Redis unreachable | 503: nothing published, nothing marked seen, the product retries |
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.errors import (
    DeliveryInProgress,
    EventBusUnavailable,
    InvalidDelivery,
    WebhookError,
    WebhookSignatureInvalid,
)
from gateway.observability import metrics, tracing
from gateway.webhooks.bus import EventBus, received_now
from gateway.webhooks.dedup import Claim, SeenDeliveries, delivery_key
from gateway.webhooks.delivery import InvoiceDelivery, OtherEvent, Ping, parse_delivery
from gateway.webhooks.signature import verify

logger = logging.getLogger(__name__)

# When to come back after a 503; the product keeps its own schedule, others may read it.
RETRY_AFTER_SECONDS = 60


@dataclass(frozen=True, kw_only=True)
class WebhookOptions:
    secret: str
    signature_header: str
    request_id_header: str
    max_bytes: int
    body_timeout: float


class WebhookEndpoint:
    """The endpoint; the bus and the seen deliveries come with each request's state (the
    lifespan opens one of each per process)."""

    def __init__(self, options: WebhookOptions) -> None:
        self._options = options

    async def handle(self, request: Request) -> JSONResponse:
        try:
            return await self._receive(request)
        except WebhookError as error:
            return _error_response(error)

    async def _receive(self, request: Request) -> JSONResponse:
        options = self._options
        signature = request.headers.get(options.signature_header)
        if signature is None:
            return _refused("no signature header")
        body = await self._read_body(request)
        request_id = request.headers.get(options.request_id_header, "")
        if not verify(options.secret, request_id, body, signature):
            return _refused("wrong signature")
        delivery = parse_delivery(body)
        if isinstance(delivery, Ping):
            return _taken("ping", {"status": "ok"})
        if isinstance(delivery, OtherEvent):
            logger.info("webhook delivery taken: not an invoice event, so not published")
            return _taken("ignored", {"status": "ignored", "reason": "not an invoice event"})
        return await self._publish(
            request.state.events,
            request.state.seen_deliveries,
            delivery_key(request_id or None, body),
            delivery,
        )

    async def _publish(
        self, bus: EventBus, seen: SeenDeliveries, key: str, delivery: InvoiceDelivery
    ) -> JSONResponse:
        with tracing.span("webhook.dedup.claim"):
            claim = await seen.claim(key)
        if claim is Claim.SEEN:
            return _taken("duplicate", {"status": "duplicate", "id": key})
        if claim is Claim.IN_FLIGHT:
            raise DeliveryInProgress("This delivery is being taken right now; retry later.")
        try:
            with tracing.span(
                "webhook.publish", attributes={"gateway.webhook.event": delivery.event}
            ):
                await bus.publish(received_now(key, delivery))
        except EventBusUnavailable:
            try:
                await seen.release(key)
            except EventBusUnavailable:
                # Still pending in Redis: the mark lapses with its lease, never becomes "seen".
                logger.warning("webhook delivery not published; its pending mark will lapse")
            raise
        try:
            await seen.confirm(key)
        except EventBusUnavailable:
            # Published: the event is not lost, so the answer is 200. A retry after the lease
            # would be published again, which is better than not at all.
            logger.warning("webhook delivery published but not marked seen")
        return _taken("published", {"status": "published", "id": key})

    async def _read_body(self, request: Request) -> bytes:
        limit = self._options.max_bytes
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise InvalidDelivery(f"larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self._options.body_timeout):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise InvalidDelivery(f"larger than {limit} bytes")
                    chunks.append(chunk)
        except TimeoutError:
            raise InvalidDelivery(
                f"did not arrive within {self._options.body_timeout:g} seconds"
            ) from None
        return b"".join(chunks)


_OUTCOMES = {401: "refused", 400: "invalid", 503: "unavailable"}


def _taken(outcome: str, body: dict[str, str]) -> JSONResponse:
    metrics.webhook_deliveries.labels(outcome).inc()
    return JSONResponse(body)


def _refused(why: str) -> JSONResponse:
    # One line, no traceback, neither the signature nor the body.
    logger.warning("webhook delivery refused: %s", why)
    return _error_response(WebhookSignatureInvalid("The delivery's signature is missing or wrong."))


def _error_response(error: WebhookError) -> JSONResponse:
    metrics.webhook_deliveries.labels(_OUTCOMES.get(error.status, "failed")).inc()
    body: dict[str, object] = {"code": error.code, "message": error.message}
    headers: dict[str, str] = {}
    if isinstance(error, InvalidDelivery):
        body["path"] = error.path
        body["reason"] = error.reason
    if error.status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return JSONResponse({"error": body}, status_code=error.status, headers=headers)
