"""What clients send to create, change and delete invoice rules.

Creation and update write the same rule fields (`InvoiceRuleFieldsInput`); they differ in how
nested items are given: an update names the recurrence and due-date settings it changes by
`id`, and each service or readjustment to change or remove by `id` (with `destroy`).
"""

from __future__ import annotations

from decimal import Decimal

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.invoice.output import ManagementType
from gateway.types.invoice_rule.schedule import (
    AdditionalInformationInput,
    AdditionalInformationUpdateInput,
    ReceivablesAdditionalInformationInput,
    ReceivablesAdditionalInformationUpdateInput,
    ScheduledUpdateInput,
    ScheduledUpdateUpdateInput,
)
from gateway.types.invoice_template import ChargeType
from gateway.types.payment_information import PaymentInformationInput
from gateway.types.service import ServiceInput, ServiceUpdateInput


@strawberry.input(description="One service of a new invoice rule.")
class InvoiceRuleServiceInput(ServiceInput):
    invoice_template_service_item_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The service of the rule's invoice template that this one overrides; an "
        "unknown id with a `serviceItemId` adds a new service.",
    )


@strawberry.input(description="The rule fields a client writes, on creation and on update.")
class InvoiceRuleFieldsInput:
    description: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Description of the invoices generated; required unless a template gives it.",
    )
    nfe_body: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Body text of the service invoices (NFS-e); required unless a template "
        "gives it.",
    )
    gross_value: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="Gross amount of each invoice; recomputed from the services when there are "
        "any.",
    )
    charge_type: ChargeType | None = strawberry.field(
        default=strawberry.UNSET,
        description="How the due dates are computed (sent upstream, never reported back).",
    )
    management_type: ManagementType | None = strawberry.field(
        default=strawberry.UNSET,
        description="Manual or automatic management; automatic requires "
        "`automaticEmailTemplateId`.",
    )
    automatic_email_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Notification e-mail template."
    )
    days_until_automatic_nfe_emission: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Business days after payment before the NFS-e is issued automatically "
        "(0 = on the billing date).",
    )
    notification_ruler_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Dunning ruler (notification schedule)."
    )
    notify_customer: bool | None = strawberry.field(
        default=strawberry.UNSET, description="E-mail the customer about readjustments."
    )
    apply_negative_updates: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Let readjustments lower the price."
    )
    issue_nfse: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Issue service invoices (NFS-e)."
    )
    nfse_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="NFS-e template."
    )
    emites_service_values_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Service values entry in the NFS-e issuer (Emites)."
    )
    emites_service_value_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Name of that service values entry."
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
        default=strawberry.UNSET, description="Name of that receivable account."
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
    payment_information: PaymentInformationInput | None = strawberry.field(
        default=strawberry.UNSET, description="How the invoices generated are charged."
    )


@strawberry.input(description="Names the contract of an invoice rule.")
class InvoiceRuleContract:
    contract_id: strawberry.ID = strawberry.field(description="Contract the rule bills under.")


@strawberry.input(description="Addresses one invoice rule.")
class InvoiceRuleReference(InvoiceRuleContract):
    id: strawberry.ID = strawberry.field(description="Invoice rule id.")


@strawberry.input(
    description="A new invoice rule for a contract, from scratch or from an invoice template "
    "(`invoiceTemplateId`), whose fields the others given here override."
)
class CreateInvoiceRuleInput(InvoiceRuleContract, InvoiceRuleFieldsInput):
    invoice_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="A recurring invoice template of the contract's organization to start from.",
    )
    additional_information: AdditionalInformationInput | None = strawberry.field(
        default=strawberry.UNSET, description="The recurrence: when invoices are generated."
    )
    receivables_additional_information: ReceivablesAdditionalInformationInput | None = (
        strawberry.field(default=strawberry.UNSET, description="How the due dates are computed.")
    )
    services: list[InvoiceRuleServiceInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Services billed on each invoice."
    )
    scheduled_updates: list[ScheduledUpdateInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Automatic price readjustments."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(
    description="Changes to an invoice rule. Only the fields given are sent; a field given as "
    "null is cleared."
)
class UpdateInvoiceRuleInput(InvoiceRuleReference, InvoiceRuleFieldsInput):
    additional_information: AdditionalInformationUpdateInput | None = strawberry.field(
        default=strawberry.UNSET,
        description="The recurrence: give its `id` to change it, or none to replace it.",
    )
    receivables_additional_information: ReceivablesAdditionalInformationUpdateInput | None = (
        strawberry.field(
            default=strawberry.UNSET,
            description="The due-date settings: give their `id` to change them, or none to "
            "replace them.",
        )
    )
    services: list[ServiceUpdateInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Services to change (with `id`), remove (`id` and `destroy`) or add "
        "(without `id`); services not listed stay as they are.",
    )
    scheduled_updates: list[ScheduledUpdateUpdateInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Readjustments to change, remove or add, like `services`.",
    )


@strawberry.input(description="The invoice rule to delete.")
class DeleteInvoiceRuleInput(InvoiceRuleReference):
    pass
