"""Translation (GraphQL input -> REST request) as a pure function."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

import pytest
import strawberry

from gateway.errors import InvalidInput
from gateway.rest.translate import create_invoice_request
from gateway.scalars import UploadedFile
from gateway.types.attachment import AttachmentInput
from gateway.types.invoice import ApprovalStatus, CreateInvoiceInput, ManagementType
from gateway.types.payment_information import PaymentInformationInput, PaymentMethod
from gateway.types.receivable import ReceivableInput
from gateway.types.service import ServiceInput
from gateway.types.user_error import UserErrorCode
from gateway.upstream import codec


def minimal(**fields: object) -> CreateInvoiceInput:
    required: dict[str, object] = {
        "contract_id": strawberry.ID("3"),
        "description": "Teste",
        "receivables": [ReceivableInput(due_date=dt.date(2025, 6, 10))],
    }
    return CreateInvoiceInput(**{**required, **fields})  # type: ignore[arg-type]


def test_only_fields_the_client_set_are_sent() -> None:
    path, body = create_invoice_request(minimal())
    assert path == "contracts/3/invoices"
    assert body == {
        "invoice": {
            "contract_id": 3,
            "description": "Teste",
            "receivables": [{"due_date": "10-06-2025"}],
        }
    }


def test_explicit_null_is_sent_as_null() -> None:
    _, body = create_invoice_request(minimal(comments=None, services=None, gross_value=None))
    invoice = body["invoice"]
    assert isinstance(invoice, dict)
    assert invoice["comments"] is None
    assert invoice["services"] is None
    assert invoice["gross_value"] is None
    assert "payment_value" not in invoice


def test_documented_forms_dates_months_enums_and_ids() -> None:
    _, body = create_invoice_request(
        minimal(
            issue_date=dt.date(2025, 6, 2),
            estimated_issue_date=dt.date(2025, 6, 3),
            accrual_date=dt.date(2025, 5, 1),
            approval_status=ApprovalStatus.BLOCKED,
            management_type=ManagementType.AUTOMATIC,
            automatic_email_template_id=strawberry.ID("12"),
            charge_now=True,
            notification_ruler_id=strawberry.ID("4"),
            payment_information=PaymentInformationInput(
                payment_method=PaymentMethod.PAYMENT_GATEWAY,
                installments=3,
                charging_account_id=strawberry.ID("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            ),
        )
    )
    invoice = body["invoice"]
    assert isinstance(invoice, dict)
    assert invoice["issue_date"] == "02-06-2025"
    assert invoice["estimated_issue_date"] == "03-06-2025"
    assert invoice["accrual_date"] == "05/2025"
    assert invoice["approval_status"] == "blocked"
    assert invoice["management_type"] == "automatic"
    assert invoice["automatic_email_template_id"] == 12
    assert invoice["charge_now"] is True
    assert invoice["notification_ruler_id"] == 4
    assert invoice["payment_information"] == {
        "payment_method": "payment_gateway",
        "installments": 3,
        "charging_account_id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    }


def test_amounts_are_json_numbers_with_the_exact_digits() -> None:
    _, body = create_invoice_request(
        minimal(
            gross_value=Decimal("700.10"),
            receivables=[
                ReceivableInput(due_date=dt.date(2025, 6, 10), gross_value=Decimal("700.10"))
            ],
            services=[
                ServiceInput(
                    units=Decimal("7"), unit_value=Decimal("100.0143"), value=Decimal("700.10")
                )
            ],
        )
    )
    encoded = codec.encode(body)
    assert b'"gross_value":700.10' in encoded
    assert b'"unit_value":100.0143' in encoded
    assert b'"units":7' in encoded
    assert codec.decode(encoded) == body


def test_every_unsendable_value_is_reported_with_its_path() -> None:
    with pytest.raises(InvalidInput) as raised:
        create_invoice_request(
            minimal(
                contract_id=strawberry.ID("../admin"),
                nfse_template_id=strawberry.ID("abc"),
                services=[
                    ServiceInput(service_item_id=strawberry.ID("2")),
                    ServiceInput(service_item_id=strawberry.ID("x2")),
                ],
                payment_information=PaymentInformationInput(
                    charging_account_id=strawberry.ID("not-a-uuid")
                ),
            )
        )
    errors = {tuple(error.field or ()): error for error in raised.value.user_errors}
    assert set(errors) == {
        ("input", "contractId"),
        ("input", "nfseTemplateId"),
        ("input", "services", "1", "serviceItemId"),
        ("input", "paymentInformation", "chargingAccountId"),
    }
    assert all(error.code is UserErrorCode.INVALID for error in errors.values())
    assert errors[("input", "contractId")].message == "must be a numeric id"


def _upload(data: bytes, **fields: object) -> UploadedFile:
    return UploadedFile(filename="nota.pdf", content_type="application/pdf", data=data, **fields)  # type: ignore[arg-type]


def test_an_upload_is_sent_base64_encoded_with_its_own_name_and_type() -> None:
    data = bytes(range(256))
    _, body = create_invoice_request(minimal(attachments=[AttachmentInput(file=_upload(data))]))
    assert body["invoice"]["attachments"] == [  # type: ignore[index,call-overload]
        {
            "content": base64.b64encode(data).decode("ascii"),
            "filename": "nota.pdf",
            "content_type": "application/pdf",
        }
    ]


def test_names_the_client_gave_win_over_the_uploads() -> None:
    attachment = AttachmentInput(filename="a.txt", content_type="text/plain", file=_upload(b"x"))
    _, body = create_invoice_request(minimal(attachments=[attachment]))
    assert body["invoice"]["attachments"] == [  # type: ignore[index,call-overload]
        {"filename": "a.txt", "content_type": "text/plain", "content": "eA=="}
    ]


def test_a_too_large_upload_is_a_user_error_on_its_path() -> None:
    too_large = _upload(b"", too_large=True, max_bytes=10)
    with pytest.raises(InvalidInput) as raised:
        create_invoice_request(
            minimal(attachments=[AttachmentInput(content="eA=="), AttachmentInput(file=too_large)])
        )
    [error] = raised.value.user_errors
    assert error.field == ["input", "attachments", "1", "file"]
    assert error.code is UserErrorCode.TOO_LARGE
    assert "10 bytes" in error.message


def test_content_and_file_together_are_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        create_invoice_request(
            minimal(attachments=[AttachmentInput(content="eA==", file=_upload(b"x"))])
        )
    [error] = raised.value.user_errors
    assert error.field == ["input", "attachments", "0", "file"]
    assert error.code is UserErrorCode.INVALID
