"""What the `invoiceEvents` subscription delivers: the product's webhook, with the invoice read
fresh for the subscriber."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from gateway.types.invoice import Invoice


@strawberry.enum(description="What happened to an invoice, as the product's webhook names it.")
class InvoiceEventType(Enum):
    UPDATE = strawberry.enum_value("update", description="The invoice was changed.")
    EMIT = strawberry.enum_value("emit", description='Marked as billed ("faturada").')
    UNDO_EMISSION = strawberry.enum_value(
        "undo_emission", description='Marked back as to bill ("a faturar").'
    )
    CANCEL = strawberry.enum_value("cancel", description="Cancelled.")
    UNDO_CANCELLATION = strawberry.enum_value(
        "undo_cancellation", description="Its cancellation was undone."
    )
    CONFIRM_RECEIVAL = strawberry.enum_value(
        "confirm_receival", description="Its receipt was confirmed."
    )
    UNDO_RECEIVAL = strawberry.enum_value("undo_receival", description="Its receipt was undone.")
    RECEIVEMENT_ERROR = strawberry.enum_value(
        "receivement_error", description="A card payment for it failed."
    )
    UNKNOWN = strawberry.enum_value(
        "unknown", description="An event this gateway does not know yet: see `eventName`."
    )

    @classmethod
    def named(cls, name: str) -> InvoiceEventType:
        """The event type a webhook's `event` names; `UNKNOWN` for any other name."""
        try:
            found = cls(name)
        except ValueError:
            return cls.UNKNOWN
        return cls.UNKNOWN if found is cls.UNKNOWN else found


@strawberry.type(
    description=(
        "Something happened to an invoice, as the product's signed webhook said. `invoice` is "
        "read from the upstream with the subscriber's own credentials when the event arrives, "
        "so a normalised client cache updates it; an event for an invoice those credentials "
        "cannot read is not delivered."
    )
)
class InvoiceEvent:
    id: strawberry.ID = strawberry.field(
        description="The delivery's id: the same for each retry of it, so a client can dedupe."
    )
    event: InvoiceEventType = strawberry.field(description="What happened.")
    event_name: str = strawberry.field(
        description="The event's name as the webhook sent it (`emit`...), known or not."
    )
    invoice_id: strawberry.ID = strawberry.field(description="The invoice it happened to.")
    contract_id: strawberry.ID | None = strawberry.field(
        description="The invoice's contract; null in deliveries older than 2019-07."
    )
    received_at: dt.datetime = strawberry.field(
        description="When the gateway first received the delivery (UTC)."
    )
    invoice: Invoice | None = strawberry.field(
        description="The invoice as the subscriber's credentials read it after the event."
    )
