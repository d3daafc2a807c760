"""Unwrapping the upstream's envelopes, and mapping receivables with their invoice (pure)."""

from __future__ import annotations

import pytest

from examples.seed import load_fixture, search_response, seed_invoice
from gateway.errors import UpstreamBadResponse
from gateway.rest import envelopes
from gateway.rest.mapping import invoice_from_rest, receivable_from_rest
from gateway.types.invoice import InvoiceState
from gateway.types.receivable import ReceivableState
from gateway.upstream.client import UpstreamResponse


def response(data: object, status: int = 200) -> UpstreamResponse:
    return UpstreamResponse(status=status, data=data, request_id="req-1")


def test_one_and_many() -> None:
    assert envelopes.one(response({"invoice": seed_invoice(5)}), "invoice", invoice_from_rest).id
    listed = envelopes.many(
        response({"invoices": [seed_invoice(5), seed_invoice(6)]}), "invoices", invoice_from_rest
    )
    assert [invoice.id for invoice in listed] == ["5", "6"]
    assert envelopes.many(response({"invoices": []}), "invoices", invoice_from_rest) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"invoices": None}, "answered 200 without a list of invoices."),
        ({"invoices": [1]}, "answered 200 with invoices that are not objects."),
        ({"invoices": [{"state": "to_emit"}]}, "answered 200 with an invoice that has no id."),
        ([], "answered 200 without a list of invoices."),
    ],
)
def test_an_unreadable_list_is_a_bad_response(data: object, message: str) -> None:
    with pytest.raises(UpstreamBadResponse) as raised:
        envelopes.many(response(data), "invoices", invoice_from_rest)
    assert raised.value.message == f"The upstream API {message}"
    assert (raised.value.status, raised.value.request_id) == (200, "req-1")


def test_a_search_page_keeps_what_it_was_asked_and_what_the_upstream_counted() -> None:
    page = envelopes.search_page(
        response(search_response([7, 8], page=2, per_page=2, total_pages=5)),
        "invoices",
        invoice_from_rest,
        number=2,
        size=2,
    )
    assert (page.number, page.size, page.total_pages) == (2, 2, 5)
    assert [invoice.id for invoice in page.items] == ["7", "8"]


def test_a_search_page_of_another_size_is_refused() -> None:
    with pytest.raises(UpstreamBadResponse, match="per_page 50 where 2 was asked for"):
        envelopes.search_page(
            response(search_response([], page=1, per_page=50, total_pages=0)),
            "invoices",
            invoice_from_rest,
            number=1,
            size=2,
        )


def test_a_receivable_carries_its_embedded_invoice() -> None:
    raw = load_fixture("receivables-search.response.json")["receivables"][0]
    receivable = receivable_from_rest(raw)
    assert (receivable.id, receivable.state) == ("62", ReceivableState.TO_RECEIVE)
    assert receivable.billet_url == "https://boletos.example/62.pdf"
    assert receivable.invoice is not None
    assert (receivable.invoice.id, receivable.invoice.state) == ("61", InvoiceState.TO_RECEIVE)
    assert receivable.invoice.receivables is None
    # Inside an invoice, receivables have no invoice of their own.
    (nested,) = invoice_from_rest(seed_invoice(61)).receivables or []
    assert nested.invoice is None
    assert "invoice" not in nested.problems
