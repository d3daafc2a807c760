"""Translation of the update, receipt and search inputs into REST requests (pure functions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import strawberry

from gateway.errors import InvalidInput
from gateway.rest.search import invoice_search_params, receivable_search_params
from gateway.rest.translate import (
    create_invoice_request,
    invoice_path,
    receivable_path,
    receive_request,
    update_invoice_request,
)
from gateway.types.attachment import AttachmentUpdateInput
from gateway.types.invoice import (
    CreateInvoiceInput,
    CustomerType,
    InvoiceFilter,
    InvoiceFilterState,
    InvoiceReference,
    ManagementType,
    UpdateInvoiceInput,
)
from gateway.types.payment_information import PaymentInformationInput, PaymentMethod
from gateway.types.receivable import (
    ReceivableInput,
    ReceivableReference,
    ReceivableState,
    ReceivableUpdateInput,
    ReceiveReceivableInput,
)
from gateway.types.service import ServiceUpdateInput
from gateway.types.user_error import UserErrorCode
from gateway.upstream import codec

ID = strawberry.ID


def update(**fields: object) -> UpdateInvoiceInput:
    return UpdateInvoiceInput(contract_id=ID("3"), id=ID("61"), **fields)  # type: ignore[arg-type]


def test_an_update_sends_only_the_fields_set_and_not_the_address() -> None:
    path, body = update_invoice_request(update(description="Consultoria de julho"))
    assert path == "contracts/3/invoices/61"
    assert body == {"invoice": {"description": "Consultoria de julho"}}


def test_an_update_writes_fields_like_creation_does() -> None:
    shared = {
        "gross_value": Decimal("1500.10"),
        "issue_date": dt.date(2025, 7, 2),
        "accrual_date": dt.date(2025, 7, 1),
        "management_type": ManagementType.MANUAL,
        "nfse_template_id": ID(""),
        "payment_information": PaymentInformationInput(payment_method=PaymentMethod.TRANSFER),
    }
    _, created = create_invoice_request(
        CreateInvoiceInput(
            contract_id=ID("3"),
            description="x",
            receivables=[ReceivableInput(due_date=dt.date(2025, 7, 10))],
            **shared,  # type: ignore[arg-type]
        )
    )
    _, updated = update_invoice_request(update(**shared))
    expected = {
        "gross_value": Decimal("1500.10"),
        "issue_date": "02-07-2025",
        "accrual_date": "07/2025",
        "management_type": "manual",
        "nfse_template_id": None,
        "payment_information": {"payment_method": "transfer"},
    }
    assert updated == {"invoice": expected}
    created_invoice = created["invoice"]
    assert isinstance(created_invoice, dict)
    assert {key: created_invoice[key] for key in expected} == expected
    assert b'"gross_value":1500.10' in codec.encode(updated)


def test_explicit_null_is_sent_as_null_in_an_update() -> None:
    _, body = update_invoice_request(update(comments=None, gross_value=None))
    assert body == {"invoice": {"comments": None, "gross_value": None}}


def test_nested_items_take_an_id_to_change_and_destroy_to_remove() -> None:
    _, body = update_invoice_request(
        update(
            receivables=[
                ReceivableUpdateInput(id=ID("62"), gross_value=Decimal("500.00")),
                ReceivableUpdateInput(id=ID("63"), destroy=True),
                ReceivableUpdateInput(due_date=dt.date(2025, 8, 10), gross_value=Decimal("200")),
            ],
            services=[ServiceUpdateInput(id=ID("39"), units=Decimal("8"), destroy=False)],
            attachments=[AttachmentUpdateInput(id=ID("1"), destroy=True)],
        )
    )
    assert body == {
        "invoice": {
            "receivables": [
                {"id": 62, "gross_value": Decimal("500.00")},
                {"id": 63, "_destroy": True},
                {"gross_value": Decimal("200"), "due_date": "10-08-2025"},
            ],
            "services": [{"id": 39, "units": Decimal("8"), "_destroy": False}],
            "attachments": [{"id": 1, "_destroy": True}],
        }
    }


def test_an_update_without_changes_is_a_user_error_before_any_call() -> None:
    with pytest.raises(InvalidInput) as raised:
        update_invoice_request(update())
    (error,) = raised.value.user_errors
    assert (error.field, error.code) == (["input"], UserErrorCode.BLANK)
    assert "Nothing to change" in error.message


def test_unsendable_ids_of_an_update_are_reported_with_their_paths() -> None:
    with pytest.raises(InvalidInput) as raised:
        update_invoice_request(
            UpdateInvoiceInput(
                contract_id=ID("three"),
                id=ID("6 1"),
                services=[ServiceUpdateInput(id=ID("39")), ServiceUpdateInput(id=ID("x"))],
            )
        )
    assert [error.field for error in raised.value.user_errors] == [
        ["input", "contractId"],
        ["input", "id"],
        ["input", "services", "1", "id"],
    ]


def test_paths_of_the_bodiless_endpoints() -> None:
    assert invoice_path(InvoiceReference(contract_id=ID("3"), id=ID("061"))) == (
        "contracts/3/invoices/61"
    )
    assert receivable_path(ReceivableReference(contract_id=ID("3"), id=ID("62"))) == (
        "contracts/3/receivables/62"
    )
    with pytest.raises(InvalidInput) as raised:
        invoice_path(InvoiceReference(contract_id=ID("3"), id=ID("../1")))
    assert [error.field for error in raised.value.user_errors] == [["input", "id"]]


def test_a_receipt_is_the_documented_body_with_its_own_date_form() -> None:
    path, body = receive_request(
        ReceiveReceivableInput(
            contract_id=ID("3"),
            id=ID("62"),
            received_value=Decimal("50.00"),
            received_at=dt.date(2024, 10, 30),
        )
    )
    assert path == "contracts/3/receivables/62/receive"
    # REFERENCE.md: {"receivable": {"received_value": 50.00, "received_at": "30/10/2024"}}
    assert codec.encode(body) == (
        b'{"receivable":{"received_value":50.00,"received_at":"30/10/2024"}}'
    )


def test_search_criteria_become_the_upstream_predicates() -> None:
    params = invoice_search_params(
        InvoiceFilter(
            issue_date_from=dt.date(2025, 6, 1),
            issue_date_to=dt.date(2025, 6, 30),
            receivables_due_date_from=dt.date(2025, 7, 1),
            receivables_due_date_to=dt.date(2025, 7, 31),
            state=InvoiceFilterState.LATE,
            customer_id=ID("3"),
            customer_type=CustomerType.COMPANY,
            contract_id=ID("03"),
        ),
        page=2,
        per_page=7,
    )
    assert params == {
        "page": "2",
        "per_page": "7",
        "q[issue_date_gteq]": "01-06-2025",
        "q[issue_date_lteq]": "30-06-2025",
        "q[receivables_due_date_gteq]": "01-07-2025",
        "q[receivables_due_date_lteq]": "31-07-2025",
        "q[state_eq]": "late",
        "q[customer_id_eq]": "3",
        "q[customer_type_eq]": "Company",
        "q[contract_id_eq]": "3",
    }


def test_unset_and_null_criteria_are_not_sent() -> None:
    assert invoice_search_params(None, page=1, per_page=50) == {"page": "1", "per_page": "50"}
    assert invoice_search_params(
        InvoiceFilter(state=None, customer_type=CustomerType.PERSON), page=1, per_page=5
    ) == {"page": "1", "per_page": "5", "q[customer_type_eq]": "Person"}


def test_an_id_criterion_no_invoice_can_meet_is_refused() -> None:
    with pytest.raises(ValueError, match="numeric id"):
        invoice_search_params(InvoiceFilter(customer_id=ID("abc")), page=1, per_page=5)


def test_receivable_search_parameters() -> None:
    assert receivable_search_params(None, None, None) == {}
    assert receivable_search_params(
        dt.date(2025, 6, 1), dt.date(2025, 6, 30), ReceivableState.TO_RECEIVE
    ) == {"due_date_from": "01-06-2025", "due_date_to": "30-06-2025", "state": "to_receive"}
