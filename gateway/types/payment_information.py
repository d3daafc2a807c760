"""How an invoice is charged."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from gateway.types.base import Mapped
from gateway.types.wire import Form, rest


@strawberry.enum(description="How the customer pays.")
class PaymentMethod(Enum):
    BILLET = strawberry.enum_value("billet", description="Bank slip (boleto).")
    PAYMENT_GATEWAY = strawberry.enum_value(
        "payment_gateway", description="Credit card, through the payment gateway."
    )
    TRANSFER = strawberry.enum_value("transfer", description="Bank transfer.")


@strawberry.input(description="How a new invoice is charged.")
class PaymentInformationInput:
    payment_method: PaymentMethod | None = strawberry.field(
        default=strawberry.UNSET, description="How the customer pays."
    )
    installments: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Number of card instalments (only for `PAYMENT_GATEWAY`, at least 1; "
        "null means 1).",
    )
    financial_charge_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Financial charge template."
    )
    financial_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Financial account that receives the payment."
    )
    charging_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Charging account (a UUID).",
        metadata=rest(form=Form.UUID),
    )


@strawberry.type(description="How an invoice is charged.")
class PaymentInformation(Mapped):
    id: strawberry.ID = strawberry.field(description="Payment information id.")
    payment_method: PaymentMethod | None = strawberry.field(
        default=None, description="How the customer pays."
    )
    cobrato_card_id: str | None = strawberry.field(
        default=None, description="Card id in the sister billing product; null when no card."
    )
    card_expiration_month: str | None = strawberry.field(
        default=None, description="Card expiry month; null when no card."
    )
    card_expiration_year: str | None = strawberry.field(
        default=None, description="Card expiry year; null when no card."
    )
    installments: int | None = strawberry.field(
        default=None, description="Number of card instalments (null means 1)."
    )
    financial_charge_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Financial charge template."
    )
    financial_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Financial account that receives the payment."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When this payment information was created."
    )
    charging_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Charging account (a UUID)."
    )
