"""Response bodies, key for key and format for format like the upstream's examples."""

from __future__ import annotations

from typing import Any

from .formats import (
    attachment_url,
    format_date,
    format_decimal,
    format_iso_date,
    format_timestamp,
)
from .models import Attachment, Invoice, PaymentInformation, Receivable, Service

JSON = dict[str, Any]

# The upstream never had a card on file for the sandbox's customers.
NO_CARD = "--"


def render_invoice(invoice: Invoice, *, with_receivables: bool = True) -> JSON:
    f, echoed = invoice.fields, invoice.fields.echoed
    body: JSON = {
        "id": invoice.id,
        "contract_id": invoice.contract.id,
        "issue_date": format_date(f.issue_date),
        "estimated_issue_date": format_date(f.estimated_issue_date),
        "gross_value": format_decimal(f.gross_value),
        "payment_value": format_decimal(f.payment_value),
        "description": f.description,
        "state": invoice.state,
        "cancelled_automatically": False,
        "nfe_service": echoed["nfe_service"],
        "nfe_verification": echoed["nfe_verification"],
        "nfe_issue_date": None,
        "nfe_body": echoed["nfe_body"],
        "nfe_issued": False,
        "number": f.number,
        "created_at": format_timestamp(invoice.created_at),
        "management_type": f.management_type,
        "accrual_date": format_iso_date(f.accrual_date),
        "comments": echoed["comments"],
        "customer_id": invoice.contract.customer_id,
        "customer_type": invoice.contract.customer_type,
        "emites_service_values_id": None,
        "emites_service_value_name": None,
        # The example sends a template id with issue_nfse false and gets null back:
        # the template only matters when a service invoice is to be issued.
        "nfse_template_id": f.nfse_template_id if f.issue_nfse else None,
    }
    for key in (
        "finance_category",
        "finance_category_id",
        "finance_revenue_center",
        "finance_revenue_center_id",
        "myfinance_sale_account_id",
        "myfinance_sale_account_name",
        "cobrato_charge_config_id",
        "cobrato_charge_config_name",
        "cobrato_charge_template_id",
        "cobrato_charge_template_name",
        "days_until_automatic_nfe_emission",
    ):
        body[key] = echoed[key]
    body |= {
        "automatic_nfe_issue_date": None,
        "automatic_email_template_id": f.automatic_email_template_id,
        "approval_status": invoice.approval_status,
        "notification_ruler_id": echoed["notification_ruler_id"],
        "issue_nfse": f.issue_nfse,
        "automatic_management_on_business_days": echoed["automatic_management_on_business_days"],
        "nfse_url": None,
        "fatura_url": None,
    }
    if with_receivables:
        body["receivables"] = [render_receivable(r) for r in invoice.receivables]
    body["services"] = [render_service(s) for s in invoice.services]
    body["attachments"] = [render_attachment(a) for a in invoice.attachments]
    body["payment_information"] = (
        render_payment(invoice.payment_information) if invoice.payment_information else None
    )
    return body


def render_receivable(receivable: Receivable) -> JSON:
    data = receivable.data
    return {
        "id": receivable.id,
        "invoice_id": receivable.invoice_id,
        "due_date": format_date(data.due_date),
        "value": format_decimal(data.percentage),
        "gross_value": format_decimal(data.gross_value),
        "payment_value": format_decimal(data.payment_value),
        "received_value": format_decimal(receivable.received_value),
        "received_at": format_date(receivable.received_at),
        "created_at": format_timestamp(receivable.created_at),
        "state": receivable.state,
        "payment_gateway_status": None,
        "cobrato_charge_id": None,
        "cobrato_errors": None,
        "finance_receivable_id": None,
        "myfinance_sale_id": None,
        "finance_entity_id": None,
        "myfinance_errors": None,
        "myfinance_receivable_account_id": None,
        "billet_url": None,
    }


def render_service(service: Service) -> JSON:
    data = service.data
    return {
        "id": service.id,
        "name": data.description,
        "description": data.description,
        "unit_value": format_decimal(data.unit_value),
        "units": format_decimal(data.units),
        "value": format_decimal(data.value),
    }


def render_attachment(attachment: Attachment) -> JSON:
    filename = attachment.data.filename
    return {
        "id": attachment.id,
        "filename": filename,
        "url": attachment_url(attachment.id, filename, attachment.created_at),
    }


def render_payment(payment: PaymentInformation) -> JSON:
    data = payment.data
    return {
        "id": payment.id,
        "payment_method": data.payment_method,
        "cobrato_card_id": NO_CARD,
        "card_expiration_month": NO_CARD,
        "card_expiration_year": NO_CARD,
        "installments": data.installments,
        "financial_charge_template_id": data.financial_charge_template_id,
        "financial_account_id": data.financial_account_id,
        "created_at": format_timestamp(payment.created_at),
        "charging_account_id": data.charging_account_id,
    }
