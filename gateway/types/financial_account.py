"""Financial accounts ("contas digitais", formerly payout accounts): the bank accounts an
organization is paid into. The API only reads them."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.types.base import Mapped


@strawberry.type(description="A bank account an organization is paid into.")
class FinancialAccount(Mapped):
    id: strawberry.ID = strawberry.field(
        description="Financial account id; payment information and charge templates refer to "
        "it as `financialAccountId`."
    )
    status: str | None = strawberry.field(
        default=None,
        description="State of the account as the upstream writes it, e.g. `processing`; its "
        "other values are not documented.",
    )
    bank_code: str | None = strawberry.field(default=None, description="Bank code, e.g. `341`.")
    bank_branch: str | None = strawberry.field(default=None, description="Branch number.")
    bank_account: str | None = strawberry.field(default=None, description="Account number.")
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Organization the account belongs to."
    )
    payout_bank_code: str | None = strawberry.field(
        default=None, description="Bank code of the account payouts go to."
    )
    payout_bank_branch: str | None = strawberry.field(
        default=None, description="Branch number of the account payouts go to."
    )
    payout_bank_account: str | None = strawberry.field(
        default=None, description="Number of the account payouts go to."
    )
    payment_methods: list[str] | None = strawberry.field(
        default=None,
        description="How charges into the account may be paid, e.g. `boleto` (bank slip).",
    )
    accept_fixed_fine: bool | None = strawberry.field(
        default=None, description="Whether charges may carry a fixed fine."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the account was created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the account last changed."
    )
