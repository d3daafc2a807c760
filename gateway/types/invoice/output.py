"""The invoice as the API reports it, and the enums of its fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.types.attachment import Attachment
from gateway.types.base import Mapped
from gateway.types.links import links
from gateway.types.party import Party, PartyType
from gateway.types.payment_information import PaymentInformation
from gateway.types.receivable import Receivable
from gateway.types.service import Service
from gateway.types.wire import Form, rest

if TYPE_CHECKING:
    from gateway.types.contract import Contract


@strawberry.enum(description="Lifecycle state of an invoice.")
class InvoiceState(Enum):
    TO_EMIT = strawberry.enum_value("to_emit", description="Not yet billed.")
    TO_RECEIVE = strawberry.enum_value("to_receive", description="Billed, awaiting payment.")
    RECEIVED = strawberry.enum_value("received", description="Paid.")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled.")


@strawberry.enum(description="Whether an invoice may be billed.")
class ApprovalStatus(Enum):
    APPROVED = strawberry.enum_value("approved", description="Approved for billing.")
    BLOCKED = strawberry.enum_value("blocked", description="Blocked from billing.")


@strawberry.enum(description="Who drives charging and notifications of an invoice.")
class ManagementType(Enum):
    MANUAL = strawberry.enum_value("manual", description="Managed by hand.")
    AUTOMATIC = strawberry.enum_value(
        "automatic",
        description="Managed automatically; requires `automaticEmailTemplateId`.",
    )


@strawberry.enum(description="Kind of customer an invoice is billed to.")
class CustomerType(Enum):
    COMPANY = strawberry.enum_value("Company", description="A company (CNPJ).")
    PERSON = strawberry.enum_value("Person", description="A natural person (CPF).")


@strawberry.type(description="An invoice of a contract.")
class Invoice(Mapped):
    id: strawberry.ID = strawberry.field(description="Invoice id.")
    contract_id: strawberry.ID | None = strawberry.field(
        default=None, description="Contract the invoice is billed under."
    )
    issue_date: dt.date | None = strawberry.field(default=None, description="Billing date.")
    estimated_issue_date: dt.date | None = strawberry.field(
        default=None, description="Forecast billing date."
    )
    gross_value: Decimal | None = strawberry.field(default=None, description="Gross amount.")
    payment_value: Decimal | None = strawberry.field(default=None, description="Amount to receive.")
    description: str | None = strawberry.field(default=None, description="Description.")
    state: InvoiceState | None = strawberry.field(default=None, description="Lifecycle state.")
    cancelled_automatically: bool | None = strawberry.field(
        default=None, description="Whether the invoice was cancelled automatically."
    )
    nfe_service: str | None = strawberry.field(
        default=None, description="Service code of the service invoice (NFS-e)."
    )
    nfe_verification: str | None = strawberry.field(
        default=None, description="Verification code of the service invoice (NFS-e)."
    )
    nfe_issue_date: dt.date | None = strawberry.field(
        default=None, description="When the service invoice (NFS-e) was issued."
    )
    nfe_body: str | None = strawberry.field(
        default=None, description="Body text of the service invoice (NFS-e)."
    )
    nfe_issued: bool | None = strawberry.field(
        default=None, description="Whether the service invoice (NFS-e) was issued."
    )
    number: str | None = strawberry.field(default=None, description="Invoice number.")
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the invoice was created."
    )
    management_type: ManagementType | None = strawberry.field(
        default=None, description="Manual or automatic management."
    )
    accrual_date: dt.date | None = strawberry.field(
        default=None,
        description="Accrual month ('competência'), as its first day.",
        metadata=rest(form=Form.DATE_ISO),
    )
    comments: str | None = strawberry.field(default=None, description="Notes.")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customer billed."
    )
    customer_type: CustomerType | None = strawberry.field(
        default=None, description="Whether the customer is a company or a person."
    )
    emites_service_values_id: strawberry.ID | None = strawberry.field(
        default=None, description="Service values entry in the NFS-e issuer (Emites)."
    )
    emites_service_value_name: str | None = strawberry.field(
        default=None, description="Name of the service values entry in the NFS-e issuer."
    )
    nfse_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="NFS-e template."
    )
    finance_category: str | None = strawberry.field(
        default=None, description="Finance category name."
    )
    finance_category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Finance category."
    )
    finance_revenue_center: str | None = strawberry.field(
        default=None, description="Revenue centre name."
    )
    finance_revenue_center_id: strawberry.ID | None = strawberry.field(
        default=None, description="Revenue centre."
    )
    myfinance_sale_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Receivable account in the sister finance product (MyFinance)."
    )
    myfinance_sale_account_name: str | None = strawberry.field(
        default=None, description="Name of that receivable account."
    )
    cobrato_charge_config_id: strawberry.ID | None = strawberry.field(
        default=None, description="Charge configuration in the sister billing product (Cobrato)."
    )
    cobrato_charge_config_name: str | None = strawberry.field(
        default=None, description="Name of the charge configuration."
    )
    cobrato_charge_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Charge template in the sister billing product (Cobrato)."
    )
    cobrato_charge_template_name: str | None = strawberry.field(
        default=None, description="Name of the charge template."
    )
    days_until_automatic_nfe_emission: int | None = strawberry.field(
        default=None,
        description="Business days after payment before the NFS-e is issued automatically "
        "(0 = on the billing date).",
    )
    automatic_nfe_issue_date: dt.date | None = strawberry.field(
        default=None, description="Date the NFS-e will be issued automatically."
    )
    automatic_email_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Notification e-mail template."
    )
    approval_status: ApprovalStatus | None = strawberry.field(
        default=None, description="Whether the invoice is approved or blocked."
    )
    notification_ruler_id: strawberry.ID | None = strawberry.field(
        default=None, description="Dunning ruler (notification schedule)."
    )
    issue_nfse: bool | None = strawberry.field(
        default=None, description="Whether a service invoice (NFS-e) is issued."
    )
    automatic_management_on_business_days: bool | None = strawberry.field(
        default=None, description="Whether automatic management counts business days only."
    )
    nfse_url: str | None = strawberry.field(
        default=None, description="Link to the service invoice (NFS-e) document."
    )
    fatura_url: str | None = strawberry.field(
        default=None, description="Link to the invoice document."
    )
    receivables: list[Receivable] | None = strawberry.field(
        default=None, description="Receivables (instalments)."
    )
    services: list[Service] | None = strawberry.field(default=None, description="Service lines.")
    attachments: list[Attachment] | None = strawberry.field(
        default=None, description="Attached files."
    )
    payment_information: PaymentInformation | None = strawberry.field(
        default=None, description="How the invoice is charged."
    )
    # The organization whose search found this invoice, when one did: its contract is read
    # under that organization with no look-up.
    found_under: strawberry.Private[str | None] = dataclasses.field(
        default=None, init=False, repr=False, compare=False
    )

    @strawberry.field(
        description="The contract the invoice is billed under. Upstream cost: one read per "
        "distinct contract in the request (`GET organizations/{organization_id}/contracts/{id}`) "
        "when the invoice came from an organization's search; otherwise also one read of "
        "`GET organizations` per request and one per organization, asked at once."
    )
    async def contract(
        self, info: strawberry.Info
    ) -> Annotated[Contract, strawberry.lazy("gateway.types.contract")] | None:
        return await links(info).contract(self.contract_id, organization_id=self.found_under)

    @strawberry.field(
        description="The customer billed: a company or a person (or an organization, on a "
        "purchase contract). Upstream cost: one read per distinct customer in the request "
        "(`GET companies/{id}` or `GET people/{id}`), and one read of `GET organizations` per "
        "request when a company id turns out to be an organization's."
    )
    async def customer(self, info: strawberry.Info) -> Party | None:
        kind = None if self.customer_type is None else PartyType(self.customer_type.value)
        return await links(info).party(kind, self.customer_id)
