"""The `invoiceEvents` subscription: the product's webhooks, as the subscriber may see them.

Each event from the bus that matches the arguments is checked by reading its invoice with the
subscriber's credentials (`GET contracts/{contract_id}/invoices/{id}`): a 404, 401 or 403
means the subscriber may not see it, so it is not delivered; an upstream that cannot answer
delivers an error in the event's place, naming neither the invoice nor the contract. The
read is shared (`gateway.rest.shared_reads`): one read answers every subscriber with the same
credentials, and a burst of events for one invoice costs at most two reads per credentials.

A delivery without `contract_id` (older than 2019-07) names no readable invoice, so no
subscriber's right to it can be checked: it is delivered to nobody.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Annotated, cast

import strawberry

from gateway.context import Events, FeedEvent, Info
from gateway.errors import (
    GatewayError,
    InvalidArgument,
    SubscriberTooSlow,
    UpstreamForbidden,
    UpstreamNotFound,
    UpstreamUnauthenticated,
)
from gateway.observability import tracing
from gateway.operations.subscription_limits import credentials_key
from gateway.rest.writer import integer_id
from gateway.types.invoice import Invoice
from gateway.types.invoice_event import InvoiceEvent, InvoiceEventType

logger = logging.getLogger(__name__)

# What a subscriber's credentials may not read: the event is not theirs to see.
NOT_THEIRS = (UpstreamNotFound, UpstreamUnauthenticated, UpstreamForbidden)


@strawberry.type
class InvoiceEventSubscriptions:
    @strawberry.subscription(
        description=(
            "Invoice events as the product's signed webhooks report them (emitted, cancelled, "
            "paid in the product's UI...), each with the invoice read fresh with your "
            "credentials; events for invoices they cannot read are not delivered. Without "
            "arguments: every event you may see. Over graphql-ws, GraphQL over SSE or "
            "multipart HTTP."
        )
    )
    async def invoice_events(
        self,
        info: Info,
        contract_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this contract's invoices."),
        ] = None,
        invoice_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this invoice.")
        ] = None,
    ) -> AsyncGenerator[InvoiceEvent, None]:
        context = info.context
        events = context.events
        if events is None:  # pragma: no cover - every streaming transport sets it
            raise RuntimeError("a subscription ran without the event bus in its context")
        wanted_contract = _wanted(contract_id, "contractId")
        wanted_invoice = _wanted(invoice_id, "invoiceId")
        credentials = credentials_key(context.authorization)
        with events.limits.hold(credentials):
            subscription = events.feed.subscribe(
                contract_id=None if wanted_contract is None else str(wanted_contract),
                invoice_id=None if wanted_invoice is None else str(wanted_invoice),
            )
            try:
                if context.on_listening is not None:
                    context.on_listening()
                async for received in subscription:  # only the events the arguments ask for
                    if received.contract_id is None:
                        continue
                    outcome = await _checked(info, events, credentials, received)
                    if isinstance(outcome, GatewayError):
                        # graphql-core completes an exception as the field's error: this
                        # event's result is `data: null` and the error; the stream goes on.
                        yield cast("InvoiceEvent", outcome)
                    elif outcome is not None:
                        yield outcome
                if subscription.overflowed:
                    raise SubscriberTooSlow(
                        "This subscription fell too far behind its events and was ended; "
                        "subscribe again and read the invoices fresh."
                    )
            finally:
                await subscription.aclose()


async def _checked(
    info: Info, events: Events, credentials: str, received: FeedEvent
) -> InvoiceEvent | GatewayError | None:
    """The event as this subscriber may see it, an error in its place, or None: not theirs."""
    context = info.context
    contract_id = received.contract_id
    assert contract_id is not None
    context.fresh()  # this event's reads, not the previous one's

    async def load() -> Invoice | None:
        return await context.invoices.get(contract_id, received.invoice_id)

    with tracing.span(
        "invoice_events.check", attributes={"gateway.webhook.event": received.event}
    ) as span:
        try:
            invoice = await events.reads.read(
                (credentials, contract_id, received.invoice_id), received.arrived, load
            )
        except NOT_THEIRS as error:
            span.set_attribute("gateway.event.delivered", False)
            span.set_attribute("gateway.event.refused", error.code)
            return None
        except GatewayError as error:
            # It names no invoice: a subscriber not entitled to this one learns nothing.
            tracing.fail(span, error.code)
            return error
        span.set_attribute("gateway.event.delivered", invoice is not None)
    if invoice is None:
        return None
    return InvoiceEvent(
        id=strawberry.ID(received.id),
        event=InvoiceEventType.named(received.event),
        event_name=received.event,
        invoice_id=strawberry.ID(received.invoice_id),
        contract_id=strawberry.ID(contract_id),
        received_at=received.received_at,
        invoice=invoice,
    )


def _wanted(value: strawberry.ID | None, argument: str) -> int | None:
    if value is None:
        return None
    try:
        return integer_id(value)
    except ValueError:
        raise InvalidArgument(f"{argument}: must be a numeric id.") from None
