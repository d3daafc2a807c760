"""Mapping (REST body -> GraphQL types) as a pure function."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from examples.seed import seed_response
from gateway.errors import MissingId
from gateway.rest.mapping import invoice_from_rest
from gateway.types.invoice import ApprovalStatus, CustomerType, InvoiceState, ManagementType
from gateway.types.payment_information import PaymentMethod
from gateway.types.receivable import ReceivableState

BRT = dt.timezone(dt.timedelta(hours=-3))


def test_the_seed_response_maps_to_iso_dates_and_exact_decimals() -> None:
    invoice = invoice_from_rest(seed_response()["invoice"])
    assert invoice.problems == {}
    assert invoice.id == "61"
    assert invoice.contract_id == "3"
    assert invoice.issue_date == dt.date(2025, 6, 2)
    assert invoice.estimated_issue_date == dt.date(2025, 6, 2)
    assert invoice.accrual_date == dt.date(2025, 6, 1)
    assert invoice.created_at == dt.datetime(2025, 5, 6, 8, 28, 35, tzinfo=BRT)
    assert str(invoice.gross_value) == "700.00"
    assert str(invoice.payment_value) == "700.00"
    assert invoice.state is InvoiceState.TO_EMIT
    assert invoice.management_type is ManagementType.MANUAL
    assert invoice.approval_status is ApprovalStatus.APPROVED
    assert invoice.customer_type is CustomerType.COMPANY
    assert invoice.number == "2"
    assert invoice.comments is None  # "" in the response
    assert invoice.cobrato_charge_template_name is None  # "" in the response
    assert invoice.nfe_body == "Nfe teste "
    assert invoice.days_until_automatic_nfe_emission == 0
    assert invoice.issue_nfse is False

    assert invoice.receivables is not None
    (receivable,) = invoice.receivables
    assert receivable.id == "62"
    assert receivable.invoice_id == "61"
    assert receivable.due_date == dt.date(2025, 6, 10)
    assert str(receivable.value) == "100"  # a percentage: no trailing zeros
    assert str(receivable.gross_value) == "700.00"
    assert receivable.state is ReceivableState.TO_EMIT

    assert invoice.services is not None
    (service,) = invoice.services
    assert (str(service.units), str(service.unit_value), str(service.value)) == (
        "7",
        "100.00",
        "700.00",
    )
    assert invoice.attachments is not None
    assert invoice.attachments[0].url == (
        "/system/attachments/attachments/000/000/001/original/teste?1746530915"
    )
    payment = invoice.payment_information
    assert payment is not None
    assert payment.payment_method is PaymentMethod.BILLET
    assert payment.cobrato_card_id is None  # "--" placeholder
    assert payment.card_expiration_month is None
    assert payment.financial_charge_template_id == "1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("02/06/2025", dt.date(2025, 6, 2)),
        ("2025-06-02", dt.date(2025, 6, 2)),
        ("02-06-2025", dt.date(2025, 6, 2)),
        ("", None),
        ("--", None),
        (None, None),
    ],
)
def test_every_documented_date_form(raw: object, expected: dt.date | None) -> None:
    invoice = invoice_from_rest({"id": 1, "issue_date": raw})
    assert invoice.issue_date == expected
    assert invoice.problems == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06/05/2025 08:28:35 -03:00", "2025-05-06T08:28:35-03:00"),
        ("06/05/2025 08:28:35 -02:00", "2025-05-06T08:28:35-02:00"),
        ("2025-05-06T08:28:35.000-03:00", "2025-05-06T08:28:35-03:00"),
        ("", None),
        (None, None),
    ],
)
def test_every_documented_timestamp_form(raw: object, expected: str | None) -> None:
    invoice = invoice_from_rest({"id": 1, "created_at": raw})
    assert invoice.created_at == (None if expected is None else dt.datetime.fromisoformat(expected))
    assert invoice.problems == {}


@pytest.mark.parametrize(
    ("raw", "amount", "quantity"),
    [
        ("700.0", "700.00", "700"),
        ("0.0", "0.00", "0"),
        ("700.125", "700.125", "700.125"),
        ("7.50", "7.50", "7.5"),
        (Decimal("700.5"), "700.50", "700.5"),
        (700, "700.00", "700"),
        ("1E+3", "1000.00", "1000"),
    ],
)
def test_amounts_and_quantities(raw: object, amount: str, quantity: str) -> None:
    invoice = invoice_from_rest(
        {"id": 1, "gross_value": raw, "services": [{"id": 2, "units": raw}]}
    )
    assert invoice.services is not None
    assert format(invoice.gross_value, "f") == amount
    assert format(invoice.services[0].units, "f") == quantity


def test_unknown_fields_are_ignored_and_missing_ones_are_null() -> None:
    invoice = invoice_from_rest({"id": "7", "finance_receive_via": "x", "brand_new": {"a": 1}})
    assert invoice.id == "7"
    assert invoice.state is None
    assert invoice.receivables is None
    assert invoice.payment_information is None
    assert invoice.problems == {}


def test_a_bad_value_costs_only_its_own_field() -> None:
    invoice = invoice_from_rest(
        {
            "id": 9,
            "state": "on_hold",
            "issue_date": "31/02/2025",
            "gross_value": "setecentos",
            "description": "kept",
            "receivables": [{"id": 1, "state": "weird", "due_date": "10/06/2025"}],
            "services": [{"name": "no id"}],
            "payment_information": "billet",
        }
    )
    assert invoice.id == "9"
    assert invoice.description == "kept"
    assert set(invoice.problems) == {
        "state",
        "issue_date",
        "gross_value",
        "services",
        "payment_information",
    }
    assert "on_hold" in invoice.problems["state"]
    assert invoice.receivables is not None
    assert invoice.receivables[0].due_date == dt.date(2025, 6, 10)
    assert set(invoice.receivables[0].problems) == {"state"}


def test_billet_url_also_read_from_its_older_name() -> None:
    invoice = invoice_from_rest({"id": 1, "receivables": [{"id": 2, "boleto_url": "https://b"}]})
    assert invoice.receivables is not None
    assert invoice.receivables[0].billet_url == "https://b"


def test_an_invoice_without_id_cannot_be_mapped() -> None:
    with pytest.raises(MissingId):
        invoice_from_rest({"description": "no id"})
