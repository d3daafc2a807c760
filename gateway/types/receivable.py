"""Receivables ("vencimentos"): the instalments an invoice is paid in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.base import Mapped
from gateway.types.nested import ItemChange
from gateway.types.user_error import UserError
from gateway.types.wire import Form, rest

if TYPE_CHECKING:
    from gateway.types.invoice import Invoice


@strawberry.enum(description="Lifecycle state of an invoice or of one of its receivables.")
class ReceivableState(Enum):
    TO_EMIT = strawberry.enum_value("to_emit", description="Not yet billed.")
    TO_RECEIVE = strawberry.enum_value("to_receive", description="Billed, awaiting payment.")
    RECEIVED = strawberry.enum_value("received", description="Paid.")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled.")


@strawberry.input(description="One receivable (instalment) of a new invoice.")
class ReceivableInput:
    due_date: dt.date = strawberry.field(description="Due date of this receivable. Required.")
    gross_value: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="Amount of this receivable. If one receivable has it, all must.",
    )
    value: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description=(
            "Percentage of the invoice's gross value due on this receivable (not an amount). "
            "If both are given the upstream uses this one."
        ),
        deprecation_reason="The upstream deprecated percentages; send `grossValue` instead.",
    )


@strawberry.input(
    description="A receivable in an invoice update: with `id` it changes or removes (`destroy`) "
    "that receivable; without, it adds a new one."
)
class ReceivableUpdateInput(ItemChange, ReceivableInput):
    due_date: dt.date | None = strawberry.field(  # type: ignore[assignment]
        default=strawberry.UNSET,
        description="Due date of this receivable; required for a new one.",
    )


@strawberry.type(description="A receivable (instalment) of an invoice.")
class Receivable(Mapped):
    id: strawberry.ID = strawberry.field(description="Receivable id.")
    invoice_id: strawberry.ID | None = strawberry.field(
        default=None, description="Id of the invoice this receivable belongs to."
    )
    due_date: dt.date | None = strawberry.field(default=None, description="Due date.")
    value: Decimal | None = strawberry.field(
        default=None,
        description="Percentage of the invoice's gross value due on this receivable "
        "(deprecated upstream; not an amount).",
        metadata=rest(form=Form.QUANTITY),
    )
    gross_value: Decimal | None = strawberry.field(default=None, description="Gross amount.")
    payment_value: Decimal | None = strawberry.field(default=None, description="Amount to receive.")
    received_value: Decimal | None = strawberry.field(
        default=None, description="Amount actually received, once paid."
    )
    received_at: dt.date | None = strawberry.field(
        default=None, description="Date the payment was received."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the receivable was created."
    )
    state: ReceivableState | None = strawberry.field(default=None, description="Lifecycle state.")
    payment_gateway_status: str | None = strawberry.field(
        default=None, description="Status reported by the card payment gateway."
    )
    cobrato_charge_id: strawberry.ID | None = strawberry.field(
        default=None, description="Charge id in the sister billing product (Cobrato)."
    )
    cobrato_errors: str | None = strawberry.field(
        default=None, description="Errors reported by the sister billing product (Cobrato)."
    )
    finance_receivable_id: strawberry.ID | None = strawberry.field(
        default=None, description="Receivable id in the finance product."
    )
    myfinance_sale_id: strawberry.ID | None = strawberry.field(
        default=None, description="Sale id in the sister finance product (MyFinance)."
    )
    finance_entity_id: strawberry.ID | None = strawberry.field(
        default=None, description="Entity id in the finance product."
    )
    myfinance_errors: str | None = strawberry.field(
        default=None, description="Errors reported by the sister finance product (free text)."
    )
    myfinance_receivable_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Receivable account id in the sister finance product."
    )
    billet_url: str | None = strawberry.field(
        default=None,
        description="Link to the bank slip (boleto), when there is one.",
        # One documented search example names it `boleto_url`.
        metadata=rest(aliases=("boleto_url",)),
    )
    invoice: Annotated[Invoice, strawberry.lazy("gateway.types.invoice")] | None = strawberry.field(
        default=None,
        description="The invoice this receivable belongs to, as the receivables search embeds it "
        "(without its receivables); null where the upstream does not embed it, as inside "
        "`Invoice.receivables`.",
    )


@strawberry.input(description="Addresses one receivable.")
class ReceivableReference:
    contract_id: strawberry.ID = strawberry.field(
        description="Contract the receivable's invoice is billed under."
    )
    id: strawberry.ID = strawberry.field(description="Receivable id.")


@strawberry.input(description="A payment received on one receivable.")
class ReceiveReceivableInput(ReceivableReference):
    received_value: Decimal = strawberry.field(description="Amount received.")
    received_at: dt.date = strawberry.field(
        description="Date the payment was received.",
        # The receive endpoint documents `DD/MM/YYYY`, unlike the others' `DD-MM-YYYY`.
        metadata=rest(form=Form.DATE_DMY_SLASH),
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="The receivable whose recorded payment is to be undone.")
class UndoReceivableReceiptInput(ReceivableReference):
    pass


@strawberry.type(description="Result of a change to one receivable.")
class ReceivableChangePayload:
    receivable: Receivable | None = strawberry.field(
        default=None,
        description="The receivable after the change; null when there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the change was made.",
    )


@strawberry.type(description="Result of `receiveReceivable`.")
class ReceiveReceivablePayload(ReceivableChangePayload):
    pass


@strawberry.type(description="Result of `undoReceivableReceipt`.")
class UndoReceivableReceiptPayload(ReceivableChangePayload):
    pass
