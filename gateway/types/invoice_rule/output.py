"""The invoice rule as the API reports it.

The upstream stores a rule as a special invoice and answers with every invoice field; those
a rule always carries empty (`issue_date`, `number`, `nfe_issued`, `receivables`,
`attachments`, ...) are left out of the type: they mean nothing for a rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.types.base import Mapped
from gateway.types.invoice.output import ApprovalStatus, InvoiceState, ManagementType
from gateway.types.invoice_rule.schedule import (
    AdditionalInformation,
    ReceivablesAdditionalInformation,
    ScheduledUpdate,
)
from gateway.types.links import links
from gateway.types.party import PartyType
from gateway.types.payment_information import PaymentInformation
from gateway.types.service import Service
from gateway.types.wire import rest

if TYPE_CHECKING:
    from gateway.types.contract import Contract


@strawberry.type(description="A recurring billing rule of a contract: it generates invoices.")
class InvoiceRule(Mapped):
    # In the order of the upstream's bodies, which the sandbox renders from this declaration.
    id: strawberry.ID = strawberry.field(description="Invoice rule id.")
    contract_id: strawberry.ID | None = strawberry.field(
        default=None, description="Contract the rule bills under."
    )
    gross_value: Decimal | None = strawberry.field(
        default=None,
        description="Gross amount of each invoice; the sum of the services when there are any.",
    )
    payment_value: Decimal | None = strawberry.field(
        default=None, description="Amount to receive of each invoice."
    )
    description: str | None = strawberry.field(
        default=None, description="Description of the invoices generated."
    )
    state: InvoiceState | None = strawberry.field(
        default=None,
        description="State (`TO_EMIT` for a rule).",
        # Responses of 2016 wrote it as an integer.
        metadata=rest(legacy={0: "to_emit"}),
    )
    nfe_body: str | None = strawberry.field(
        default=None, description="Body text of the service invoices (NFS-e) generated."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the rule was created."
    )
    management_type: ManagementType | None = strawberry.field(
        default=None, description="Manual or automatic management of the invoices generated."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customer billed, copied from the contract."
    )
    customer_type: PartyType | None = strawberry.field(
        default=None, description="Which table `customerId` names."
    )
    emites_service_values_id: strawberry.ID | None = strawberry.field(
        default=None, description="Service values entry in the NFS-e issuer (Emites)."
    )
    emites_service_value_name: str | None = strawberry.field(
        default=None, description="Name of the service values entry in the NFS-e issuer."
    )
    finance_category: str | None = strawberry.field(
        default=None, description="Finance category name."
    )
    finance_revenue_center: str | None = strawberry.field(
        default=None, description="Revenue centre name."
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
    automatic_email_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Notification e-mail template (automatic management)."
    )
    approval_status: ApprovalStatus | None = strawberry.field(
        default=None, description="Whether the invoices generated are approved or blocked."
    )
    notification_ruler_id: strawberry.ID | None = strawberry.field(
        default=None, description="Dunning ruler (notification schedule)."
    )
    notify_customer: bool | None = strawberry.field(
        default=None, description="Whether the customer is e-mailed about readjustments."
    )
    apply_negative_updates: bool | None = strawberry.field(
        default=None, description="Whether readjustments may lower the price."
    )
    issue_nfse: bool | None = strawberry.field(
        default=None, description="Whether service invoices (NFS-e) are issued."
    )
    nfse_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="NFS-e template."
    )
    finance_category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Finance category."
    )
    finance_revenue_center_id: strawberry.ID | None = strawberry.field(
        default=None, description="Revenue centre."
    )
    services: list[Service] | None = strawberry.field(
        default=None, description="Services billed on each invoice."
    )
    payment_information: PaymentInformation | None = strawberry.field(
        default=None, description="How the invoices generated are charged."
    )
    additional_information: AdditionalInformation | None = strawberry.field(
        default=None, description="The recurrence: when invoices are generated."
    )
    scheduled_updates: list[ScheduledUpdate] | None = strawberry.field(
        default=None, description="Automatic price readjustments."
    )
    receivables_additional_information: ReceivablesAdditionalInformation | None = strawberry.field(
        default=None, description="How the due dates are computed."
    )

    @strawberry.field(
        description="The contract the rule bills under. Upstream cost: one read of "
        "`GET organizations` per request and one per organization, asked at once, then "
        "shared by every rule of the contract (`GET organizations/{id}/contracts/{id}`)."
    )
    async def contract(
        self, info: strawberry.Info
    ) -> Annotated[Contract, strawberry.lazy("gateway.types.contract")] | None:
        return await links(info).contract(self.contract_id)
