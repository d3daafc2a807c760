"""The upstream's invoice validations, turning a merged request into validated data.

All errors are collected and reported together, keyed like the upstream: nested fields as
`collection.field` without an index, first message per key.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from . import errors as msg
from .errors import Unprocessable
from .formats import (
    is_blank,
    is_valid_base64,
    parse_accrual_date,
    parse_request_date,
    to_bool,
    to_decimal,
    to_int,
    to_text,
)
from .models import (
    AttachmentData,
    InvoiceData,
    InvoiceFields,
    PaymentData,
    Raw,
    ServiceData,
)
from .receivable_shares import validate_receivables

APPROVAL_STATUSES = ("approved", "blocked")
MANAGEMENT_TYPES = ("manual", "automatic")
PAYMENT_METHODS = ("billet", "payment_gateway", "transfer")


class Errors:
    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def add(self, key: str, message: str) -> None:
        self.items.setdefault(key, message)


def validate_invoice(raw: Raw) -> InvoiceData:
    errors = Errors()
    fields = _invoice_fields(raw, errors)
    # Taken straight from the request so the 100 % rule is reported even when an
    # unrelated invoice field is invalid.
    gross = to_decimal(raw.get("gross_value"))
    payment_value = raw.get("payment_value")
    payment_amount = gross if is_blank(payment_value) else to_decimal(payment_value)
    receivables = validate_receivables(raw["receivables"], gross, payment_amount, errors.add)
    services = [_service(item, errors) for item in raw["services"]]
    attachments = [_attachment(item, errors) for item in raw["attachments"]]
    payment = _payment(raw["payment_information"], errors) if raw["payment_information"] else None
    if to_bool(raw.get("charge_now")):
        method = (raw["payment_information"] or {}).get("payment_method")
        if raw.get("management_type") != "automatic" or method != "billet":
            errors.add("charge_now", msg.CHARGE_NOW_REQUIRES)
    if errors.items or fields is None or receivables is None:
        raise Unprocessable(errors.items)
    invoice_raw = {k: v for k, v in raw.items() if not isinstance(v, (list, dict))}
    # Defaults are stored, as Rails stores them, so that a later change of issue_date or
    # gross_value leaves them alone: an update changes only the fields it sends.
    invoice_raw |= {
        "estimated_issue_date": fields.estimated_issue_date.isoformat(),
        "accrual_date": fields.accrual_date.isoformat(),
        "payment_value": fields.payment_value,
    }
    return InvoiceData(
        raw=invoice_raw,
        fields=fields,
        receivables=receivables,
        services=[s for s in services if s is not None],
        attachments=[a for a in attachments if a is not None],
        payment_information=payment,
    )


def _invoice_fields(raw: Raw, errors: Errors) -> InvoiceFields | None:
    description = None if is_blank(raw.get("description")) else str(raw["description"])
    if description is None:
        errors.add("description", msg.BLANK)
    issue_date = _date(raw, "issue_date", errors, required=True)
    estimated = _date(raw, "estimated_issue_date", errors, required=False)
    accrual = None
    if not is_blank(raw.get("accrual_date")):
        accrual = parse_accrual_date(raw["accrual_date"])
        if accrual is None:
            errors.add("accrual_date", msg.INVALID_DATE)
    gross = _amount(raw, "gross_value", errors, required=True)
    if gross is not None and gross <= 0:
        errors.add("gross_value", msg.MUST_BE_POSITIVE)
    payment_value = _amount(raw, "payment_value", errors, required=False)
    approval = _choice(raw, "approval_status", APPROVAL_STATUSES, errors)
    management = _choice(raw, "management_type", MANAGEMENT_TYPES, errors)
    template_id = to_int(raw.get("automatic_email_template_id"))
    if management == "automatic" and template_id is None:
        errors.add("automatic_email_template_id", msg.BLANK)
    if (
        issue_date is None
        or gross is None
        or approval is None
        or management is None
        or description is None
    ):
        return None
    return InvoiceFields(
        issue_date=issue_date,
        estimated_issue_date=estimated or issue_date,
        accrual_date=accrual or issue_date.replace(day=1),
        gross_value=gross,
        payment_value=gross if payment_value is None else payment_value,
        description=description,
        number=_number(raw.get("number")),
        approval_status=approval,
        management_type=management,
    )


def _number(value: Any) -> str | None:
    """Sent as an integer, answered as a string ("2"); free text is kept as it is."""
    as_int = None if isinstance(value, str) else to_int(value)
    return to_text(value) if as_int is None else str(as_int)


def _date(raw: Raw, key: str, errors: Errors, *, required: bool) -> date | None:
    value = raw.get(key)
    if is_blank(value):
        if required:
            errors.add(key, msg.BLANK)
        return None
    parsed = parse_request_date(value)
    if parsed is None:
        errors.add(key, msg.INVALID_DATE)
    return parsed


def _amount(
    raw: Raw, key: str, errors: Errors, *, required: bool, label: str | None = None
) -> Decimal | None:
    value = raw.get(key)
    if is_blank(value):
        if required:
            errors.add(label or key, msg.BLANK)
        return None
    number = to_decimal(value)
    if number is None:
        errors.add(label or key, msg.NOT_NUMERIC)
    return number


def _choice(raw: Raw, key: str, allowed: tuple[str, ...], errors: Errors) -> str | None:
    value: Any = raw.get(key)
    if is_blank(value):
        return allowed[0]
    if value not in allowed:
        errors.add(key, msg.NOT_IN_LIST)
        return None
    return str(value)


def _service(item: Raw, errors: Errors) -> ServiceData | None:
    units = _amount(item, "units", errors, required=True, label="services.units")
    unit_value = _amount(item, "unit_value", errors, required=True, label="services.unit_value")
    value = _amount(item, "value", errors, required=False, label="services.value")
    if units is None or unit_value is None:
        return None
    return ServiceData(
        id=to_int(item.get("id")),
        raw={k: v for k, v in item.items() if k != "id"},
        units=units,
        unit_value=unit_value,
        value=units * unit_value if value is None else value,
    )


def _attachment(item: Raw, errors: Errors) -> AttachmentData | None:
    filename, content = item.get("filename"), item.get("content")
    if is_blank(filename):
        errors.add("attachments.filename", msg.BLANK)
    if is_blank(content):
        errors.add("attachments.content", msg.BLANK)
    elif not isinstance(content, str) or not is_valid_base64(content):
        errors.add("attachments.content", msg.INVALID)
    if not isinstance(filename, str) or is_blank(filename):
        return None
    return AttachmentData(
        id=to_int(item.get("id")),
        raw={k: v for k, v in item.items() if k != "id"},
        filename=filename,
    )


def _payment(raw: Raw, errors: Errors) -> PaymentData | None:
    method = raw.get("payment_method")
    if is_blank(method):
        errors.add("payment_information.payment_method", msg.BLANK)
    elif method not in PAYMENT_METHODS:
        errors.add("payment_information.payment_method", msg.NOT_IN_LIST)
    if not is_blank(raw.get("installments")):
        installments = to_int(raw["installments"])
        if installments is None or installments < 1:
            errors.add("payment_information.installments", msg.MIN_ONE)
    if not isinstance(method, str) or method not in PAYMENT_METHODS:
        return None
    return PaymentData(raw=raw, payment_method=method)
