"""Invoice templates ("modelos de faturamento"): an organization's presets for invoices (one-off
templates) and invoice rules (recurring ones). The API only reads them.

Also the enums of the billing terms a template presets, which invoice rules share.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry

from gateway.types.base import Mapped
from gateway.types.invoice import ManagementType
from gateway.types.payment_information import PaymentMethod
from gateway.types.service import Service
from gateway.types.wire import Form, rest


@strawberry.enum(
    description="What an invoice template is used for, as the REST `type` of the template search."
)
class InvoiceTemplateType(Enum):
    INVOICE = strawberry.enum_value(
        "invoice", description="Templates usable for one invoice (one-off templates)."
    )
    INVOICE_RULE = strawberry.enum_value(
        "invoice_rule", description="Templates usable for invoice rules (recurring templates)."
    )


@strawberry.enum(description="The unit of a billing periodicity.")
class PeriodUnit(Enum):
    MONTHLY = strawberry.enum_value("monthly", description="Every `monthQuantity` months.")
    WEEKLY = strawberry.enum_value("weekly", description="Every week.")


@strawberry.enum(description="Which month ('competência') an invoice accrues to.")
class AccrualMonthQuantity(Enum):
    SAME_MONTH = strawberry.enum_value("same_month", description="The month it is billed in.")
    PREVIOUS_MONTH = strawberry.enum_value(
        "previous_month", description="The month before the one it is billed in."
    )
    NEXT_MONTH = strawberry.enum_value(
        "next_month", description="The month after the one it is billed in."
    )


@strawberry.enum(description="How the due dates of an invoice's receivables are set.")
class ChargeType(Enum):
    FIXED_DAY = strawberry.enum_value(
        "fixed_day", description="On the next day `dayNumber` after the billing date."
    )
    LAST_DAY_OF_MONTH = strawberry.enum_value(
        "last_day_of_month", description="On the last day of the month after the billing date."
    )
    DAY_QUANTITY = strawberry.enum_value(
        "day_quantity", description="`dayQuantity` days after the billing date."
    )
    FIXED_DAY_AND_MONTH_QUANTITY = strawberry.enum_value(
        "fixed_day_and_month_quantity",
        description="On day `dayNumber`, `monthQuantity` months after the billing date.",
    )


@strawberry.enum(description="The price index a scheduled price update follows.")
class PriceIndex(Enum):
    IGPM = strawberry.enum_value("igpm", description="IGP-M (FGV).")
    IPCA = strawberry.enum_value("ipca", description="IPCA (IBGE).")
    IGPDI = strawberry.enum_value("igpdi", description="IGP-DI (FGV).")
    INPC = strawberry.enum_value("inpc", description="INPC (IBGE).")
    IPCFIPE = strawberry.enum_value("ipcfipe", description="IPC (FIPE).")


@strawberry.type(
    description="How an invoice template sets the receivables of the invoices made from it. "
    "The upstream gives it no id: it is part of its template."
)
class InvoiceTemplateReceivablesAdditionalInformation(Mapped):
    charge_type: ChargeType | None = strawberry.field(
        default=None, description="How the due dates are set."
    )
    day_number: int | None = strawberry.field(
        default=None,
        description="Day of the month the receivables fall due (`FIXED_DAY`, "
        "`FIXED_DAY_AND_MONTH_QUANTITY`).",
    )
    day_quantity: int | None = strawberry.field(
        default=None, description="Days from the billing date to the due date (`DAY_QUANTITY`)."
    )
    month_quantity: int | None = strawberry.field(
        default=None,
        description="Months from the billing date to the due date "
        "(`FIXED_DAY_AND_MONTH_QUANTITY`).",
    )
    parcel_number: int | None = strawberry.field(
        default=None, description="Number of receivables (instalments)."
    )
    only_business_days: bool | None = strawberry.field(
        default=None,
        description="Whether only business days count (`DAY_QUANTITY`, `LAST_DAY_OF_MONTH`).",
    )
    move_due_date_to_business_day: bool | None = strawberry.field(
        default=None, description="Whether a due date on a holiday moves to the next business day."
    )
    create_parcels: bool | None = strawberry.field(
        default=None, description="Whether the receivables are created as instalments."
    )
    fixed_week_day: bool | None = strawberry.field(
        default=None, description="Whether the receivables fall due on a fixed day of the week."
    )
    week_day: int | None = strawberry.field(
        default=None, description="That day of the week, when `fixedWeekDay`."
    )


@strawberry.type(description="A price update an invoice template schedules for its rules.")
class InvoiceTemplateScheduledUpdate(Mapped):
    id: strawberry.ID = strawberry.field(
        description="Scheduled update id; a rule made from the template sends it as "
        "`invoice_template_scheduled_update_id`."
    )
    invoice_rule_id: strawberry.ID | None = strawberry.field(
        default=None, description="Invoice rule; always null on a template."
    )
    execution_date: dt.date | None = strawberry.field(
        default=None,
        description="When the update runs; always null on a template.",
        metadata=rest(form=Form.DATE_ISO),
    )
    month_quantity: int | None = strawberry.field(
        default=None, description="Months between updates."
    )
    price_index: PriceIndex | None = strawberry.field(
        default=None, description="Price index the update follows."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the scheduled update was created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the scheduled update last changed."
    )
    init_date: dt.date | None = strawberry.field(
        default=None,
        description="When the updates start.",
        metadata=rest(form=Form.DATE_ISO),
    )
    days_until_update: int | None = strawberry.field(
        default=None, description="Days before an update that the customer is told of it."
    )
    remind_at: dt.date | None = strawberry.field(
        default=None,
        description="Reminder date; always null on a template.",
        metadata=rest(form=Form.DATE_ISO),
    )
    notified: bool | None = strawberry.field(
        default=None, description="Whether the customer was told of the update."
    )
    service_item_id: strawberry.ID | None = strawberry.field(
        default=None, description="Service item whose price is updated; null: the whole value."
    )
    invoice_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Invoice template the update belongs to."
    )


@strawberry.type(description="An organization's preset for invoices or invoice rules.")
class InvoiceTemplate(Mapped):
    id: strawberry.ID = strawberry.field(
        description="Invoice template id; invoices and rules made from it send it as "
        "`invoiceTemplateId`."
    )
    name: str | None = strawberry.field(default=None, description="Name of the template.")
    gross_value: Decimal | None = strawberry.field(
        default=None, description="Gross amount of each invoice: the sum of the services."
    )
    month_quantity: int | None = strawberry.field(
        default=None,
        description="Periodicity in months (1, 2, 3, 6 or 12) of the rules made from it.",
    )
    period_unit: PeriodUnit | None = strawberry.field(
        default=None, description="Unit of the periodicity."
    )
    management_type: ManagementType | None = strawberry.field(
        default=None, description="Manual or automatic management."
    )
    automatic_email_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Notification e-mail template (required for automatic ones)."
    )
    notification_ruler_id: strawberry.ID | None = strawberry.field(
        default=None, description="Dunning ruler (notification schedule)."
    )
    accrual_month_quantity: AccrualMonthQuantity | None = strawberry.field(
        default=None, description="Which month the invoices accrue to."
    )
    description: str | None = strawberry.field(default=None, description="Description.")
    receivables_additional_information: InvoiceTemplateReceivablesAdditionalInformation | None = (
        strawberry.field(default=None, description="How the receivables' due dates are set.")
    )
    emites_service_values_id: strawberry.ID | None = strawberry.field(
        default=None, description="Service values entry in the NFS-e issuer (Emites)."
    )
    emites_service_value_name: str | None = strawberry.field(
        default=None, description="Name of that service values entry."
    )
    days_until_automatic_nfe_emission: int | None = strawberry.field(
        default=None,
        description="Business days after payment before the NFS-e is issued automatically "
        "(0 = on the billing date).",
    )
    nfe_body: str | None = strawberry.field(
        default=None, description="Body text of the service invoice (NFS-e), with placeholders."
    )
    payment_method: PaymentMethod | None = strawberry.field(
        default=None, description="How the customer pays."
    )
    card_installments: int | None = strawberry.field(
        default=None, description="Card instalments; null unless paid by card."
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
        default=None, description="Name of that charge template."
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
    notify_customer: bool | None = strawberry.field(
        default=None, description="Whether the customer is e-mailed about price updates."
    )
    apply_negative_updates: bool | None = strawberry.field(
        default=None, description="Whether price updates may lower the price."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the template was created."
    )
    issue_nfse: bool | None = strawberry.field(
        default=None, description="Whether a service invoice (NFS-e) is issued."
    )
    financial_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Financial account that receives the payments."
    )
    charging_account_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Charging account (a UUID); it has no endpoint.",
        metadata=rest(form=Form.UUID),
    )
    financial_charge_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Charge template of the financial account."
    )
    services: list[Service] | None = strawberry.field(
        default=None,
        description="Service lines; a rule made from the template sends a line's `id` as "
        "`invoice_template_service_item_id`.",
    )
    scheduled_updates: list[InvoiceTemplateScheduledUpdate] | None = strawberry.field(
        default=None, description="Scheduled price updates."
    )
