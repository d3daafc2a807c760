"""When a rule bills: its recurrence (`additional_information`), the due dates of what it
bills (`receivables_additional_information`) and its automatic price readjustments
(`scheduled_updates`), each as the API reports it and as clients write it. The enums of these
terms are the invoice templates' (a template presets them)."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.types.base import Mapped
from gateway.types.invoice_template import AccrualMonthQuantity, PeriodUnit, PriceIndex
from gateway.types.nested import ItemChange
from gateway.types.wire import Form, rest

_MONTH_QUANTITY = (
    "Months between invoices: 1, 2, 3, 6 or 12; monthly rules only (ignored for weekly)."
)


@strawberry.type(description="The recurrence of an invoice rule.")
class AdditionalInformation(Mapped):
    id: strawberry.ID = strawberry.field(description="Recurrence id.")
    init_date: dt.date | None = strawberry.field(
        default=None, description="Date of the first invoice.", metadata=rest(form=Form.DATE_ISO)
    )
    title: str | None = strawberry.field(default=None, description="Title of the rule.")
    period_unit: PeriodUnit | None = strawberry.field(
        default=None,
        description="Monthly or weekly.",
        # The upstream takes (and once stored) 0 for monthly.
        metadata=rest(legacy={0: "monthly"}),
    )
    month_quantity: int | None = strawberry.field(default=None, description=_MONTH_QUANTITY)
    end_date: dt.date | None = strawberry.field(
        default=None,
        description="Date after which no invoice is generated; null repeats indefinitely.",
        metadata=rest(form=Form.DATE_ISO),
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the recurrence was created."
    )
    accrual_month_quantity: AccrualMonthQuantity | None = strawberry.field(
        default=None, description="Which month generated invoices are accrued to."
    )


@strawberry.input(description="The recurrence of a new invoice rule.")
class AdditionalInformationInput:
    title: str | None = strawberry.field(
        default=strawberry.UNSET, description="Title of the rule. Required."
    )
    init_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="Date of the first invoice. Required."
    )
    period_unit: PeriodUnit | None = strawberry.field(
        default=strawberry.UNSET,
        description="Monthly (the default) or weekly. From the first invoice to `endDate`, a "
        "monthly rule may run at most 5 years, a weekly one at most 1 year.",
    )
    month_quantity: int | None = strawberry.field(
        default=strawberry.UNSET, description=_MONTH_QUANTITY
    )
    end_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Date after which no invoice is generated; none repeats indefinitely.",
    )
    accrual_month_quantity: AccrualMonthQuantity | None = strawberry.field(
        default=strawberry.UNSET, description="Which month generated invoices are accrued to."
    )


@strawberry.input(
    description="The recurrence in a rule update: with `id` it changes the current one; without, "
    "a new recurrence replaces it."
)
class AdditionalInformationUpdateInput(AdditionalInformationInput):
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Id of the rule's current recurrence."
    )


@strawberry.type(description="How the due dates of a rule's invoices are computed.")
class ReceivablesAdditionalInformation(Mapped):
    id: strawberry.ID = strawberry.field(description="Due-date settings id.")
    day_number: int | None = strawberry.field(
        default=None, description="Day of the month (charge types with a fixed day)."
    )
    parcel_number: int | None = strawberry.field(default=None, description="Number of instalments.")
    invoice_rule_id: strawberry.ID | None = strawberry.field(
        default=None, description="The rule these settings belong to."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the settings were created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the settings were last changed."
    )
    day_quantity: int | None = strawberry.field(
        default=None, description="Days after billing (charge type `DAY_QUANTITY`)."
    )
    month_quantity: int | None = strawberry.field(
        default=None, description="Months after billing (`FIXED_DAY_AND_MONTH_QUANTITY`)."
    )
    only_business_days: bool | None = strawberry.field(
        default=None, description="Whether only business days count."
    )


@strawberry.input(description="How the due dates of a new rule's invoices are computed.")
class ReceivablesAdditionalInformationInput:
    day_number: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Day of the month (`FIXED_DAY`, `FIXED_DAY_AND_MONTH_QUANTITY`).",
    )
    day_quantity: int | None = strawberry.field(
        default=strawberry.UNSET, description="Days after billing (`DAY_QUANTITY`)."
    )
    month_quantity: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Months after billing (`FIXED_DAY_AND_MONTH_QUANTITY`; more than 0).",
    )
    parcel_number: int | None = strawberry.field(
        default=strawberry.UNSET, description="Number of instalments."
    )
    only_business_days: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Count business days only (`DAY_QUANTITY`, `LAST_DAY_OF_MONTH`).",
    )


@strawberry.input(
    description="The due-date settings in a rule update: with `id` they change the current "
    "ones; without, new settings replace them."
)
class ReceivablesAdditionalInformationUpdateInput(ReceivablesAdditionalInformationInput):
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Id of the rule's current due-date settings."
    )


@strawberry.type(description="An automatic price readjustment of an invoice rule.")
class ScheduledUpdate(Mapped):
    id: strawberry.ID = strawberry.field(description="Readjustment id.")
    invoice_rule_id: strawberry.ID | None = strawberry.field(
        default=None, description="The rule readjusted."
    )
    execution_date: dt.date | None = strawberry.field(
        default=None,
        description="Date of the next readjustment.",
        metadata=rest(form=Form.DATE_ISO),
    )
    month_quantity: int | None = strawberry.field(
        default=None, description="Months between readjustments."
    )
    price_index: PriceIndex | None = strawberry.field(
        default=None, description="Index the readjustment follows."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the readjustment was created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the readjustment was last changed."
    )
    init_date: dt.date | None = strawberry.field(
        default=None,
        description="Date of the first readjustment.",
        metadata=rest(form=Form.DATE_ISO),
    )
    days_until_update: int | None = strawberry.field(
        default=None, description="Days before a readjustment that the customer is told."
    )
    remind_at: dt.date | None = strawberry.field(
        default=None,
        description="When the customer is told of the next readjustment.",
        metadata=rest(form=Form.DATE_ISO),
    )
    notified: bool | None = strawberry.field(
        default=None, description="Whether the customer was told of the next readjustment."
    )
    service_item_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The service item readjusted, one of the rule's; null readjusts the whole "
        "rule.",
    )
    invoice_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="The invoice template it belongs to, if any."
    )


@strawberry.input(description="The readjustment fields a client writes.")
class ScheduledUpdateFieldsInput:
    service_item_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="A service item of the rule's services to readjust; none readjusts the "
        "whole rule (at most one readjustment per rule may do so).",
    )
    init_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Date of the first readjustment, from 2000-01-01. Required.",
    )
    month_quantity: int | None = strawberry.field(
        default=strawberry.UNSET, description="Months between readjustments. Required."
    )
    price_index: PriceIndex | None = strawberry.field(
        default=strawberry.UNSET, description="Index the readjustment follows."
    )
    days_until_update: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Days before a readjustment that the customer is told. Required.",
    )


@strawberry.input(description="An automatic price readjustment of a new rule.")
class ScheduledUpdateInput(ScheduledUpdateFieldsInput):
    invoice_template_scheduled_update_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The readjustment of the rule's invoice template that this one overrides.",
    )


@strawberry.input(
    description="A readjustment in a rule update: with `id` it changes or removes (`destroy`) "
    "that readjustment; without, it adds a new one."
)
class ScheduledUpdateUpdateInput(ItemChange, ScheduledUpdateFieldsInput):
    pass
