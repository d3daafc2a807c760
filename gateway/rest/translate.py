"""Translation: GraphQL inputs -> upstream REST requests. Pure functions.

The body is what the upstream documents: wrapped in `{"invoice": ...}` (`{"receivable": ...}`
for a receipt), integers where it shows integers, the UUID string for `charging_account_id`,
amounts as `Decimal` (encoded as JSON numbers with exactly the digits the client gave, see
`gateway.upstream.codec`), dates as `DD-MM-YYYY` (`DD/MM/YYYY` for a receipt) and the accrual
month as `MM/YYYY`. Value forms and the unset/null rule are in `gateway.rest.writer`.
"""

from __future__ import annotations

import base64
from typing import Any

from gateway.errors import InvalidInput
from gateway.rest.writer import (
    Body,
    ItemWriter,
    Writer,
    accrual_month,
    enum_value,
    integer_id,
    optional_integer_id,
    receipt_date,
    upstream_date,
    uuid,
)
from gateway.scalars import UploadedFile
from gateway.types.attachment import AttachmentInput
from gateway.types.errors import UserError, UserErrorCode
from gateway.types.invoice import CreateInvoiceInput, InvoiceReference, UpdateInvoiceInput
from gateway.types.payment_information import PaymentInformationInput
from gateway.types.receivable import ReceivableInput, ReceivableReference, ReceiveReceivableInput
from gateway.types.service import ServiceInput


def create_invoice_request(input: CreateInvoiceInput) -> tuple[str, Body]:
    """The path (relative to the base URL) and JSON body of `POST .../invoices`."""
    errors: list[UserError] = []
    w = Writer(input, ["input"], errors)
    w.put("contract_id", integer_id)
    w.put("approval_status", enum_value)
    _invoice_fields(w, receivable=_receivable, service=_service, attachment=_attachment)
    _raise_if(errors)
    return f"contracts/{w.body['contract_id']}/invoices", {"invoice": w.body}


def update_invoice_request(input: UpdateInvoiceInput) -> tuple[str, Body]:
    """The path and JSON body of `PATCH .../invoices/{id}`: only the fields the client set."""
    errors: list[UserError] = []
    path = _path(input, "invoices", errors)
    w = Writer(input, ["input"], errors)
    _invoice_fields(
        w,
        receivable=_changing(_receivable),
        service=_changing(_service),
        attachment=_changing(_attachment),
    )
    _raise_if(errors)
    if not w.body:
        # The upstream answers an empty change with a 400; say what is wrong instead.
        raise InvalidInput(
            [
                UserError(
                    field=["input"],
                    message="Nothing to change: give at least one field of the invoice.",
                    code=UserErrorCode.BLANK,
                )
            ]
        )
    return path, {"invoice": w.body}


def invoice_path(reference: InvoiceReference) -> str:
    """`contracts/{contract_id}/invoices/{id}`, for the endpoints that take no body."""
    return _checked_path(reference, "invoices")


def receivable_path(reference: ReceivableReference) -> str:
    """`contracts/{contract_id}/receivables/{id}`."""
    return _checked_path(reference, "receivables")


def receive_request(input: ReceiveReceivableInput) -> tuple[str, Body]:
    """The path and JSON body of `PATCH .../receivables/{id}/receive`."""
    errors: list[UserError] = []
    path = _path(input, "receivables", errors)
    w = Writer(input, ["input"], errors)
    w.put("received_value")
    w.put("received_at", receipt_date)
    _raise_if(errors)
    return f"{path}/receive", {"receivable": w.body}


def _raise_if(errors: list[UserError]) -> None:
    if errors:
        raise InvalidInput(errors)


def _checked_path(reference: object, collection: str) -> str:
    errors: list[UserError] = []
    path = _path(reference, collection, errors)
    _raise_if(errors)
    return path


def _path(reference: object, collection: str, errors: list[UserError]) -> str:
    w = Writer(reference, ["input"], errors)
    w.put("contract_id", integer_id)
    w.put("id", integer_id)
    return f"contracts/{w.body.get('contract_id')}/{collection}/{w.body.get('id')}"


def _invoice_fields(
    w: Writer, *, receivable: ItemWriter, service: ItemWriter, attachment: ItemWriter
) -> None:
    """The fields creation and update share, nested items written by the writers given."""
    w.put("gross_value")
    w.put("number")
    w.put("issue_date", upstream_date)
    w.put("estimated_issue_date", upstream_date)
    w.put("accrual_date", accrual_month)
    w.put("description")
    w.put("nfse_service")
    w.put("nfse_verification")
    w.put("payment_value")
    w.put("nfse_template_id", optional_integer_id)
    w.put("finance_category")
    w.put("finance_category_id", optional_integer_id)
    w.put("finance_revenue_center")
    w.put("finance_revenue_center_id", optional_integer_id)
    w.put("myfinance_sale_account_id", optional_integer_id)
    w.put("myfinance_sale_account_name")
    w.put("nfe_body")
    w.put("cobrato_charge_config_id", optional_integer_id)
    w.put("cobrato_charge_config_name")
    w.put("cobrato_charge_template_id", optional_integer_id)
    w.put("cobrato_charge_template_name")
    w.put("management_type", enum_value)
    w.put("automatic_email_template_id", optional_integer_id)
    w.put("notification_ruler_id", optional_integer_id)
    w.put("days_until_automatic_nfe_emission")
    w.put("issue_nfse")
    w.put("charge_now")
    w.put("comments")
    w.put("invoice_template_id", optional_integer_id)
    w.put_list("receivables", receivable)
    w.put_list("services", service)
    w.put_list("attachments", attachment)
    w.put_object("payment_information", _payment_information)


def _changing(write: ItemWriter) -> ItemWriter:
    """A nested item of an update, in Rails' nested-attributes form: `id` names the item to
    change (none adds one) and `_destroy` removes it."""

    def write_change(source: Any, path: list[str], errors: list[UserError]) -> Body:
        w = Writer(source, path, errors)
        w.put("id", integer_id)
        w.body.update(write(source, path, errors))
        w.put("destroy", key="_destroy")
        return w.body

    return write_change


def _receivable(source: ReceivableInput, path: list[str], errors: list[UserError]) -> Body:
    w = Writer(source, path, errors)
    w.put("gross_value")
    w.put("value")
    w.put("due_date", upstream_date)
    return w.body


def _service(source: ServiceInput, path: list[str], errors: list[UserError]) -> Body:
    w = Writer(source, path, errors)
    w.put("service_item_id", optional_integer_id)
    w.put("description")
    w.put("units")
    w.put("unit_value")
    w.put("value")
    return w.body


def _attachment(source: AttachmentInput, path: list[str], errors: list[UserError]) -> Body:
    w = Writer(source, path, errors)
    w.put("filename")
    # Not checked here: the documented example itself sends `"tst"`, which the upstream took.
    w.put("content")
    w.put("content_type")
    upload = source.file
    if isinstance(upload, UploadedFile):
        _put_upload(w, upload)
    return w.body


def _put_upload(w: Writer, upload: UploadedFile) -> None:
    field = [*w.path, "file"]
    if upload.too_large:
        w.errors.append(
            UserError(
                field=field,
                message=f"The file is larger than {upload.max_bytes} bytes.",
                code=UserErrorCode.TOO_LARGE,
            )
        )
    elif "content" in w.body:
        w.errors.append(
            UserError(
                field=field,
                message="Give either `content` or `file`, not both.",
                code=UserErrorCode.INVALID,
            )
        )
    else:
        w.body["content"] = base64.b64encode(upload.data).decode("ascii")
        w.body.setdefault("filename", upload.filename)
        w.body.setdefault("content_type", upload.content_type)


def _payment_information(
    source: PaymentInformationInput, path: list[str], errors: list[UserError]
) -> Body:
    w = Writer(source, path, errors)
    w.put("payment_method", enum_value)
    w.put("installments")
    w.put("financial_charge_template_id", optional_integer_id)
    w.put("financial_account_id", optional_integer_id)
    w.put("charging_account_id", uuid)
    return w.body
