"""Charge templates ("modelos de cobrança"): how an organization's bank slips charge fines and
interest. The API only reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry

from gateway.types.base import Mapped
from gateway.types.wire import Form, rest


@strawberry.enum(
    description="How a charge template or a financial account charges; the REST value is "
    "Portuguese, unlike the `PaymentMethod` of invoices."
)
class ChargePaymentMethod(Enum):
    BOLETO = strawberry.enum_value("boleto", description="Bank slip (boleto).")


@strawberry.enum(description="Whether a late payment is fined.")
class FineType(Enum):
    WITHOUT = strawberry.enum_value("without", description="No fine.")
    FIXED = strawberry.enum_value("fixed", description="A fixed fine of `fineValue`.")


@strawberry.enum(description="Whether a late payment accrues interest.")
class InterestType(Enum):
    WITHOUT = strawberry.enum_value("without", description="No interest.")
    PERCENTAGE = strawberry.enum_value(
        "percentage", description="Interest of `interestValue` percent."
    )


@strawberry.type(description="How an organization's bank slips charge fines and interest.")
class ChargeTemplate(Mapped):
    id: strawberry.ID = strawberry.field(
        description="Charge template id; payment information refers to it as "
        "`financialChargeTemplateId`."
    )
    name: str | None = strawberry.field(default=None, description="Name of the template.")
    interest_value: Decimal | None = strawberry.field(
        default=None,
        description="Interest on late payment, in percent.",
        metadata=rest(form=Form.QUANTITY),
    )
    fine_value: Decimal | None = strawberry.field(default=None, description="Fine on late payment.")
    instructions: str | None = strawberry.field(
        default=None, description="Instructions printed on the bank slip."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Organization the template belongs to."
    )
    financial_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Financial account the charges are paid into."
    )
    charging_account_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Charging account (a UUID); it has no endpoint.",
        metadata=rest(form=Form.UUID),
    )
    payment_method: ChargePaymentMethod | None = strawberry.field(
        default=None, description="How the customer pays."
    )
    fine_type: FineType | None = strawberry.field(
        default=None, description="Whether a late payment is fined."
    )
    interest_type: InterestType | None = strawberry.field(
        default=None, description="Whether a late payment accrues interest."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the template was created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the template last changed."
    )
