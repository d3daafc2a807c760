"""Mapping: upstream REST bodies -> GraphQL types. Pure functions.

Lenient by design: unknown fields are ignored, missing ones become `None`, and a value that
cannot be represented becomes a per-field problem (see `gateway.types.base.Mapped`). Only an
object without an `id` cannot be mapped at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import strawberry

from gateway.errors import MissingId
from gateway.rest.values import Fields
from gateway.types.attachment import Attachment
from gateway.types.base import Mapped
from gateway.types.invoice import (
    ApprovalStatus,
    CustomerType,
    Invoice,
    InvoiceState,
    ManagementType,
)
from gateway.types.payment_information import PaymentInformation, PaymentMethod
from gateway.types.receivable import Receivable, ReceivableState
from gateway.types.service import Service

M = TypeVar("M", bound=Mapped)


def _with_problems(obj: M, fields: Fields) -> M:
    obj.problems.update(fields.problems)
    return obj


def _require_id(fields: Fields, what: str) -> strawberry.ID:
    value = fields.id("id")
    if value is None:
        raise MissingId(f"the upstream's {what} has no id")
    return strawberry.ID(value)


def _id(fields: Fields, key: str) -> strawberry.ID | None:
    value = fields.id(key)
    return None if value is None else strawberry.ID(value)


def _list(fields: Fields, key: str, build: Callable[[Mapping[str, object]], M]) -> list[M] | None:
    items = fields.mappings(key)
    return None if items is None else [build(item) for item in items]


def invoice_from_rest(raw: Mapping[str, object]) -> Invoice:
    """Map one upstream invoice object (the value under `"invoice"`)."""
    f = Fields(raw)
    payment_information = f.mapping("payment_information")
    invoice = Invoice(
        id=_require_id(f, "invoice"),
        contract_id=_id(f, "contract_id"),
        issue_date=f.date("issue_date"),
        estimated_issue_date=f.date("estimated_issue_date"),
        gross_value=f.amount("gross_value"),
        payment_value=f.amount("payment_value"),
        description=f.text("description"),
        state=f.enum("state", InvoiceState),
        cancelled_automatically=f.boolean("cancelled_automatically"),
        nfe_service=f.text("nfe_service"),
        nfe_verification=f.text("nfe_verification"),
        nfe_issue_date=f.date("nfe_issue_date"),
        nfe_body=f.text("nfe_body"),
        nfe_issued=f.boolean("nfe_issued"),
        number=f.text("number"),
        created_at=f.datetime("created_at"),
        management_type=f.enum("management_type", ManagementType),
        accrual_date=f.date("accrual_date"),
        comments=f.text("comments"),
        customer_id=_id(f, "customer_id"),
        customer_type=f.enum("customer_type", CustomerType),
        emites_service_values_id=_id(f, "emites_service_values_id"),
        emites_service_value_name=f.text("emites_service_value_name"),
        nfse_template_id=_id(f, "nfse_template_id"),
        finance_category=f.text("finance_category"),
        finance_category_id=_id(f, "finance_category_id"),
        finance_revenue_center=f.text("finance_revenue_center"),
        finance_revenue_center_id=_id(f, "finance_revenue_center_id"),
        myfinance_sale_account_id=_id(f, "myfinance_sale_account_id"),
        myfinance_sale_account_name=f.text("myfinance_sale_account_name"),
        cobrato_charge_config_id=_id(f, "cobrato_charge_config_id"),
        cobrato_charge_config_name=f.text("cobrato_charge_config_name"),
        cobrato_charge_template_id=_id(f, "cobrato_charge_template_id"),
        cobrato_charge_template_name=f.text("cobrato_charge_template_name"),
        days_until_automatic_nfe_emission=f.integer("days_until_automatic_nfe_emission"),
        automatic_nfe_issue_date=f.date("automatic_nfe_issue_date"),
        automatic_email_template_id=_id(f, "automatic_email_template_id"),
        approval_status=f.enum("approval_status", ApprovalStatus),
        notification_ruler_id=_id(f, "notification_ruler_id"),
        issue_nfse=f.boolean("issue_nfse"),
        automatic_management_on_business_days=f.boolean("automatic_management_on_business_days"),
        nfse_url=f.text("nfse_url"),
        fatura_url=f.text("fatura_url"),
        receivables=_list(f, "receivables", receivable_from_rest),
        services=_list(f, "services", service_from_rest),
        attachments=_list(f, "attachments", attachment_from_rest),
        payment_information=_payment_information(f, payment_information),
    )
    return _with_problems(invoice, f)


def _payment_information(
    parent: Fields, raw: Mapping[str, object] | None
) -> PaymentInformation | None:
    if raw is None:
        return None
    try:
        return payment_information_from_rest(raw)
    except MissingId:
        parent.problems["payment_information"] = "the upstream's payment information has no id"
        return None


def receivable_from_rest(raw: Mapping[str, object]) -> Receivable:
    f = Fields(raw)
    billet_url = f.text("billet_url")
    receivable = Receivable(
        id=_require_id(f, "receivable"),
        invoice_id=_id(f, "invoice_id"),
        due_date=f.date("due_date"),
        value=f.quantity("value"),
        gross_value=f.amount("gross_value"),
        payment_value=f.amount("payment_value"),
        received_value=f.amount("received_value"),
        received_at=f.date("received_at"),
        created_at=f.datetime("created_at"),
        state=f.enum("state", ReceivableState),
        payment_gateway_status=f.text("payment_gateway_status"),
        cobrato_charge_id=_id(f, "cobrato_charge_id"),
        cobrato_errors=f.text("cobrato_errors"),
        finance_receivable_id=_id(f, "finance_receivable_id"),
        myfinance_sale_id=_id(f, "myfinance_sale_id"),
        finance_entity_id=_id(f, "finance_entity_id"),
        myfinance_errors=f.text("myfinance_errors"),
        myfinance_receivable_account_id=_id(f, "myfinance_receivable_account_id"),
        # One documented search example names it `boleto_url`.
        billet_url=billet_url if billet_url is not None else f.text("boleto_url"),
        invoice=_embedded_invoice(f, f.mapping("invoice")),
    )
    return _with_problems(receivable, f)


def _embedded_invoice(parent: Fields, raw: Mapping[str, object] | None) -> Invoice | None:
    if raw is None:
        return None
    try:
        return invoice_from_rest(raw)
    except MissingId:
        parent.problems["invoice"] = "the upstream's embedded invoice has no id"
        return None


def service_from_rest(raw: Mapping[str, object]) -> Service:
    f = Fields(raw)
    service = Service(
        id=_require_id(f, "service"),
        name=f.text("name"),
        description=f.text("description"),
        unit_value=f.amount("unit_value"),
        units=f.quantity("units"),
        value=f.amount("value"),
    )
    return _with_problems(service, f)


def attachment_from_rest(raw: Mapping[str, object]) -> Attachment:
    f = Fields(raw)
    attachment = Attachment(
        id=_require_id(f, "attachment"),
        filename=f.text("filename"),
        url=f.text("url"),
    )
    return _with_problems(attachment, f)


def payment_information_from_rest(raw: Mapping[str, object]) -> PaymentInformation:
    f = Fields(raw)
    payment_information = PaymentInformation(
        id=_require_id(f, "payment information"),
        payment_method=f.enum("payment_method", PaymentMethod),
        cobrato_card_id=f.text("cobrato_card_id"),
        card_expiration_month=f.text("card_expiration_month"),
        card_expiration_year=f.text("card_expiration_year"),
        installments=f.integer("installments"),
        financial_charge_template_id=_id(f, "financial_charge_template_id"),
        financial_account_id=_id(f, "financial_account_id"),
        created_at=f.datetime("created_at"),
        charging_account_id=_id(f, "charging_account_id"),
    )
    return _with_problems(payment_information, f)
