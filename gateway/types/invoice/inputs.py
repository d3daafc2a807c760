"""What clients send to create, change and address invoices.

Creation and update write the same invoice fields, so both inputs inherit them from
`InvoiceFieldsInput`; they differ in what is required and in how nested items are given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.attachment import AttachmentInput, AttachmentUpdateInput
from gateway.types.invoice.output import ApprovalStatus, ManagementType
from gateway.types.payment_information import PaymentInformationInput
from gateway.types.receivable import ReceivableInput, ReceivableUpdateInput
from gateway.types.service import ServiceInput, ServiceUpdateInput
from gateway.types.wire import Form, rest


@strawberry.input(description="Names the contract an invoice is billed under.")
class ContractReference:
    contract_id: strawberry.ID = strawberry.field(
        description="Contract the invoice is billed under."
    )


@strawberry.input(description="Addresses one invoice.")
class InvoiceReference(ContractReference):
    id: strawberry.ID = strawberry.field(description="Invoice id.")


@strawberry.input(description="The invoice fields a client writes, on creation and on update.")
class InvoiceFieldsInput:
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Description of the invoice."
    )
    gross_value: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Gross amount of the invoice."
    )
    number: int | None = strawberry.field(default=strawberry.UNSET, description="Invoice number.")
    issue_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="Billing date."
    )
    estimated_issue_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Forecast billing date; the upstream defaults it to `issueDate`.",
    )
    accrual_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description=(
            "Accrual month ('competência'). Only the month and year are sent upstream; "
            "invoices report it as the first day of that month."
        ),
        metadata=rest(form=Form.MONTH),
    )
    nfse_service: str | None = strawberry.field(
        default=strawberry.UNSET, description="Service code of the service invoice (NFS-e)."
    )
    nfse_verification: str | None = strawberry.field(
        default=strawberry.UNSET, description="Verification code of the service invoice (NFS-e)."
    )
    payment_value: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Amount to receive."
    )
    nfse_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="NFS-e template."
    )
    finance_category: str | None = strawberry.field(
        default=strawberry.UNSET, description="Finance category name."
    )
    finance_category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Finance category."
    )
    finance_revenue_center: str | None = strawberry.field(
        default=strawberry.UNSET, description="Revenue centre name."
    )
    finance_revenue_center_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Revenue centre."
    )
    myfinance_sale_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Receivable account in the sister finance product (MyFinance).",
    )
    myfinance_sale_account_name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Name of the receivable account in the sister finance product.",
    )
    nfe_body: str | None = strawberry.field(
        default=strawberry.UNSET, description="Body text of the service invoice (NFS-e)."
    )
    cobrato_charge_config_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Charge configuration in the sister billing product (Cobrato).",
    )
    cobrato_charge_config_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Name of the charge configuration."
    )
    cobrato_charge_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Charge template in the sister billing product (Cobrato).",
    )
    cobrato_charge_template_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Name of the charge template."
    )
    management_type: ManagementType | None = strawberry.field(
        default=strawberry.UNSET,
        description="Manual or automatic management; automatic requires "
        "`automaticEmailTemplateId`.",
    )
    automatic_email_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Notification e-mail template."
    )
    notification_ruler_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Dunning ruler (notification schedule)."
    )
    days_until_automatic_nfe_emission: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Business days after payment before the NFS-e is issued automatically "
        "(0 = on the billing date).",
    )
    comments: str | None = strawberry.field(default=strawberry.UNSET, description="Notes.")
    issue_nfse: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether to issue a service invoice (NFS-e)."
    )
    charge_now: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Start charging at once (default false); only with `managementType: "
        "AUTOMATIC` and `paymentMethod: BILLET`.",
    )
    invoice_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Invoice template (must be a one-off template)."
    )
    payment_information: PaymentInformationInput | None = strawberry.field(
        default=strawberry.UNSET, description="How the invoice is charged."
    )


@strawberry.input(description="A new invoice for a contract.")
class CreateInvoiceInput(ContractReference, InvoiceFieldsInput):
    description: str = strawberry.field(description="Description of the invoice. Required.")
    receivables: list[ReceivableInput] = strawberry.field(
        description="Receivables (instalments); at least one, each with a due date."
    )
    approval_status: ApprovalStatus | None = strawberry.field(
        default=strawberry.UNSET,
        description="Approval of the invoice (settable on creation only).",
    )
    services: list[ServiceInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Service lines."
    )
    attachments: list[AttachmentInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Files to attach."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(
    description="Changes to an invoice. Only the fields given are sent; a field given as null is "
    "cleared."
)
class UpdateInvoiceInput(InvoiceReference, InvoiceFieldsInput):
    receivables: list[ReceivableUpdateInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Receivables to change (with `id`), remove (`id` and `destroy`) or add "
        "(without `id`); receivables not listed stay as they are.",
    )
    services: list[ServiceUpdateInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Service lines to change, remove or add, like `receivables`.",
    )
    attachments: list[AttachmentUpdateInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Attachments to change, remove or add, like `receivables`.",
    )


@strawberry.input(description="The invoice to delete.")
class DeleteInvoiceInput(InvoiceReference):
    pass


@strawberry.input(description="The invoice to approve for billing.")
class ApproveInvoiceInput(InvoiceReference):
    pass


@strawberry.input(description="The invoice to block from billing.")
class BlockInvoiceInput(InvoiceReference):
    pass
