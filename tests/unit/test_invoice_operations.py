"""The invoice queries and mutations of issue 7 through the whole gateway, upstream mocked.

Each pins the exact REST request (method, path, query string, body) and how the documented
answer reaches the client. The failures every operation shares are in test_operation_failures.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from examples.seed import (
    APPROVE_INVOICE,
    BLOCK_INVOICE,
    DELETE_INVOICE,
    GET_INVOICE,
    LATE_INVOICES,
    SEARCH_INVOICES,
    THE_SAME_INVOICE_TWICE,
    UPDATE_INVOICE,
    search_response,
    seed_invoice,
    seed_response,
)
from tests.support.gateway import answer, gateway_with
from tests.unit.test_create_invoice import EXPECTED_SEED_INVOICE

TOKEN = "Token token=client-secret-123"


def body_of(request: httpx.Request) -> Any:
    # Numbers as their source text, so `500.00` and `500.0` differ.
    return json.loads(request.content, parse_float=str, parse_int=str)


def query_of(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode(), keep_blank_values=True)


def test_the_same_invoice_read_twice_in_one_request_costs_one_get() -> None:
    with gateway_with(answer(200, seed_response())) as gateway:
        result = gateway.graphql(THE_SAME_INVOICE_TWICE, {"contractId": "3", "id": "61"})
    assert result["data"] == {"a": {"id": "61"}, "b": {"state": "TO_EMIT"}}
    assert [(r.method, r.url.path) for r in gateway.sent] == [
        ("GET", "/api/v1/contracts/3/invoices/61")
    ]


def test_reads_are_cached_per_request_only() -> None:
    variables = {"contractId": "3", "id": "61"}
    with gateway_with(answer(200, seed_response())) as gateway:
        gateway.graphql(THE_SAME_INVOICE_TWICE, variables)
        gateway.graphql(THE_SAME_INVOICE_TWICE, variables)
        different = gateway.graphql(
            "query($c: ID!) { a: invoice(contractId: $c, id: 61) { id }"
            " b: invoice(contractId: $c, id: 62) { id } }",
            {"c": "3"},
        )
    assert "errors" not in different
    assert [r.url.path for r in gateway.sent] == [
        "/api/v1/contracts/3/invoices/61",
        "/api/v1/contracts/3/invoices/61",
        "/api/v1/contracts/3/invoices/61",
        "/api/v1/contracts/3/invoices/62",
    ]


def test_update_sends_only_the_set_fields_as_a_patch_and_answers_the_invoice() -> None:
    variables = """{"input": {
      "contractId": "3", "id": "61", "description": "Consultoria de julho", "comments": null,
      "grossValue": 1500.10,
      "receivables": [
        {"id": "62", "grossValue": "500.00"},
        {"id": "63", "destroy": true},
        {"dueDate": "2025-08-10", "grossValue": 1000.10}
      ],
      "services": [{"id": "39", "units": "8", "unitValue": "187.5125"}]
    }}"""
    with gateway_with(answer(200, seed_response())) as gateway:
        result = gateway.graphql(UPDATE_INVOICE, variables, Authorization=TOKEN)
    assert result["data"] == {"updateInvoice": {"invoice": EXPECTED_SEED_INVOICE, "userErrors": []}}
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.url.query) == (
        "PATCH",
        "/api/v1/contracts/3/invoices/61",
        b"",
    )
    assert sent.headers["authorization"] == TOKEN
    assert sent.headers["content-type"] == "application/json"
    assert body_of(sent) == {
        "invoice": {
            "gross_value": "1500.10",
            "description": "Consultoria de julho",
            "comments": None,
            "receivables": [
                {"id": "62", "gross_value": "500.00"},
                {"id": "63", "_destroy": True},
                {"gross_value": "1000.10", "due_date": "10-08-2025"},
            ],
            "services": [{"id": "39", "units": "8", "unit_value": "187.5125"}],
        }
    }


def test_an_empty_update_is_a_user_error_and_never_reaches_the_upstream() -> None:
    with gateway_with(answer(200, seed_response())) as gateway:
        result = gateway.graphql(UPDATE_INVOICE, {"input": {"contractId": "3", "id": "61"}})
    assert gateway.sent == []
    assert result["data"]["updateInvoice"] == {
        "invoice": None,
        "userErrors": [
            {
                "field": ["input"],
                "message": "Nothing to change: give at least one field of the invoice.",
                "code": "BLANK",
            }
        ],
    }


def test_update_422_points_at_the_input_fields() -> None:
    errors = {
        "receivables.due_date": "não pode ficar em branco",
        "gross_value": "deve ser numérico",
    }
    with gateway_with(answer(422, {"errors": errors})) as gateway:
        result = gateway.graphql(
            UPDATE_INVOICE,
            {"input": {"contractId": "3", "id": "61", "receivables": [{"grossValue": "1"}]}},
        )
    assert result["data"]["updateInvoice"] == {
        "invoice": None,
        "userErrors": [
            {
                "field": ["input", "receivables", "dueDate"],
                "message": "não pode ficar em branco",
                "code": "BLANK",
            },
            {
                "field": ["input", "grossValue"],
                "message": "deve ser numérico",
                "code": "NOT_A_NUMBER",
            },
        ],
    }


def test_update_404_names_the_invoice_and_its_items() -> None:
    with gateway_with(answer(404, b"")) as gateway:
        result = gateway.graphql(
            UPDATE_INVOICE,
            {
                "input": {
                    "contractId": "3",
                    "id": "61",
                    "services": [{"id": "999", "destroy": True}],
                }
            },
        )
    assert result["data"]["updateInvoice"] == {
        "invoice": None,
        "userErrors": [
            {
                "field": ["input", "id"],
                "message": "Invoice not found, or a receivable, service or attachment id is not "
                "one of its items.",
                "code": "NOT_FOUND",
            }
        ],
    }


def test_delete_sends_a_bodiless_delete_and_answers_the_id_to_evict() -> None:
    with gateway_with(answer(204)) as gateway:
        result = gateway.graphql(
            DELETE_INVOICE, {"input": {"contractId": "3", "id": "061"}}, Authorization=TOKEN
        )
    assert result["data"] == {"deleteInvoice": {"deletedInvoiceId": "61", "userErrors": []}}
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.content) == (
        "DELETE",
        "/api/v1/contracts/3/invoices/61",
        b"",
    )
    assert sent.headers["authorization"] == TOKEN


def test_delete_refused_by_the_upstream_is_a_user_error() -> None:
    refusal = {"errors": "O faturamento não pode ser excluído."}
    with gateway_with(answer(422, refusal)) as gateway:
        result = gateway.graphql(DELETE_INVOICE, {"input": {"contractId": "3", "id": "61"}})
    assert result["data"]["deleteInvoice"] == {
        "deletedInvoiceId": None,
        "userErrors": [
            {"field": None, "message": "O faturamento não pode ser excluído.", "code": "INVALID"}
        ],
    }


@pytest.mark.parametrize(
    ("document", "field", "action"),
    [(APPROVE_INVOICE, "approveInvoice", "approve"), (BLOCK_INVOICE, "blockInvoice", "block")],
)
def test_approve_and_block_are_bodiless_patches_answering_the_invoice(
    document: str, field: str, action: str
) -> None:
    changed = seed_response()
    changed["invoice"]["approval_status"] = "blocked" if action == "block" else "approved"
    with gateway_with(answer(200, changed)) as gateway:
        result = gateway.graphql(document, {"input": {"contractId": "3", "id": "61"}})
    invoice = result["data"][field]["invoice"]
    assert invoice["id"] == "61"
    assert invoice["approvalStatus"] == ("BLOCKED" if action == "block" else "APPROVED")
    assert {k: v for k, v in invoice.items() if k != "approvalStatus"} == {
        k: v for k, v in EXPECTED_SEED_INVOICE.items() if k != "approvalStatus"
    }
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.content) == (
        "PATCH",
        f"/api/v1/contracts/3/invoices/61/{action}",
        b"",
    )
    assert "content-type" not in sent.headers


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        (APPROVE_INVOICE, "approveInvoice", "O faturamento não pode ser aprovado."),
        (BLOCK_INVOICE, "blockInvoice", "O faturamento não pode ser bloqueado."),
    ],
)
def test_the_plain_string_422_of_approve_and_block_is_a_user_error_without_a_field(
    document: str, field: str, message: str
) -> None:
    with gateway_with(answer(422, {"errors": message})) as gateway:
        result = gateway.graphql(document, {"input": {"contractId": "3", "id": "61"}})
    assert result["data"][field] == {
        "invoice": None,
        "userErrors": [{"field": None, "message": message, "code": "INVALID"}],
    }


def test_late_invoices_lists_the_contracts_overdue_invoices() -> None:
    late = {"invoices": [seed_invoice(61), seed_invoice(70, state="to_receive")]}
    with gateway_with(answer(200, late)) as gateway:
        result = gateway.graphql(LATE_INVOICES, {"contractId": "3"}, Authorization=TOKEN)
    first, second = result["data"]["lateInvoices"]
    assert first == EXPECTED_SEED_INVOICE
    assert (second["id"], second["state"], second["receivables"][0]["invoiceId"]) == (
        "70",
        "TO_RECEIVE",
        "70",
    )
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.url.query) == (
        "GET",
        "/api/v1/contracts/3/invoices/late",
        b"",
    )


def test_search_sends_the_page_and_every_criterion_and_answers_a_connection() -> None:
    variables = {
        "organizationId": "1",
        "first": 2,
        "filter": {
            "issueDateFrom": "2025-06-01",
            "issueDateTo": "2025-06-30",
            "receivablesDueDateFrom": "2025-07-01",
            "receivablesDueDateTo": "2025-07-31",
            "state": "LATE",
            "customerId": "3",
            "customerType": "COMPANY",
            "contractId": "3",
        },
    }
    page = search_response([61, 62], page=1, per_page=2, total_pages=3)
    with gateway_with(answer(200, page)) as gateway:
        result = gateway.graphql(SEARCH_INVOICES, variables, Authorization=TOKEN)
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("GET", "/api/v1/organizations/1/invoices/search")
    assert query_of(sent) == [
        ("page", "1"),
        ("per_page", "2"),
        ("q[issue_date_gteq]", "01-06-2025"),
        ("q[issue_date_lteq]", "30-06-2025"),
        ("q[receivables_due_date_gteq]", "01-07-2025"),
        ("q[receivables_due_date_lteq]", "31-07-2025"),
        ("q[state_eq]", "late"),
        ("q[customer_id_eq]", "3"),
        ("q[customer_type_eq]", "Company"),
        ("q[contract_id_eq]", "3"),
    ]
    assert sent.headers["authorization"] == TOKEN
    connection = result["data"]["invoices"]
    nodes = [edge["node"] for edge in connection["edges"]]
    assert nodes == [
        {
            "id": str(invoice_id),
            "contractId": "3",
            "state": "TO_EMIT",
            "grossValue": "700.00",
            "issueDate": "2025-06-02",
        }
        for invoice_id in (61, 62)
    ]
    assert connection["totalPages"] == 3
    info = connection["pageInfo"]
    assert (info["hasNextPage"], info["hasPreviousPage"]) == (True, False)
    assert info["startCursor"] == connection["edges"][0]["cursor"]
    assert info["endCursor"] == connection["edges"][1]["cursor"]


def test_search_defaults_to_50_caps_first_at_100_and_leaves_out_unset_criteria() -> None:
    with gateway_with(answer(200, search_response([], page=1, per_page=50, total_pages=0))) as gw:
        empty = gw.graphql(SEARCH_INVOICES, {"organizationId": "1", "filter": {"state": None}})
    with gateway_with(answer(200, search_response([], page=1, per_page=100, total_pages=0))) as gw2:
        capped = gw2.graphql(SEARCH_INVOICES, {"organizationId": "1", "first": 1000})
    assert query_of(gw.sent[0]) == [("page", "1"), ("per_page", "50")]
    assert query_of(gw2.sent[0]) == [("page", "1"), ("per_page", "100")]
    for result in (empty, capped):
        assert result["data"]["invoices"] == {
            "edges": [],
            "pageInfo": {
                "hasNextPage": False,
                "hasPreviousPage": False,
                "startCursor": None,
                "endCursor": None,
            },
            "totalPages": 0,
        }


class PagedUpstream:
    """The search endpoint over a fixed list of rows, paged as the upstream pages."""

    def __init__(self, rows: list[int]) -> None:
        self.rows = rows

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(query_of(request))
        page, size = int(params["page"]), int(params["per_page"])
        total = -(-len(self.rows) // size)
        ids = self.rows[(page - 1) * size : page * size]
        return answer(200, search_response(ids, page=page, per_page=size, total_pages=total))(
            request
        )


def walk(rows: list[int], sizes: list[int]) -> tuple[list[str], list[int]]:
    """Page through the whole result; the ids served and the upstream calls per answer."""
    served: list[str] = []
    calls: list[int] = []
    after = None
    with gateway_with(PagedUpstream(rows)) as gateway:
        for turn in range(len(rows) + 1):
            before = len(gateway.sent)
            first = sizes[min(turn, len(sizes) - 1)]
            result = gateway.graphql(
                SEARCH_INVOICES, {"organizationId": "1", "first": first, "after": after}
            )
            calls.append(len(gateway.sent) - before)
            connection = result["data"]["invoices"]
            served += [edge["node"]["id"] for edge in connection["edges"]]
            if not connection["pageInfo"]["hasNextPage"]:
                return served, calls
            after = connection["pageInfo"]["endCursor"]
    raise AssertionError("the walk did not end")


def test_walking_23_invoices_seven_at_a_time_with_an_upstream_repeat() -> None:
    # Invoice 7 is repeated across the boundary of the first two upstream pages.
    rows = [*range(1, 8), 7, *range(8, 24)]
    served, calls = walk(rows, [7])
    assert served == [str(n) for n in range(1, 24)]
    assert calls == [1, 1, 1, 1]


def test_a_client_changing_first_midway_needs_at_most_two_calls_per_page() -> None:
    served, calls = walk(list(range(1, 24)), [7, 5, 10, 3])
    assert served == [str(n) for n in range(1, 24)]
    assert max(calls) == 2
    assert len(served) == len(set(served))


def test_bad_paging_arguments_are_refused_before_any_call() -> None:
    with gateway_with(PagedUpstream([1, 2, 3])) as gateway:
        bad_cursor = gateway.graphql(
            SEARCH_INVOICES, {"organizationId": "1", "after": "not-a-cursor"}
        )
        no_rows = gateway.graphql(SEARCH_INVOICES, {"organizationId": "1", "first": 0})
    assert gateway.sent == []
    for result, word in ((bad_cursor, "after"), (no_rows, "first")):
        assert result["data"] is None
        (error,) = result["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT"}
        assert error["path"] == ["invoices"]
        assert word in error["message"]


def test_ids_no_invoice_can_have_read_as_nothing_without_a_call() -> None:
    with gateway_with(answer(200, seed_response())) as gateway:
        search = gateway.graphql(
            SEARCH_INVOICES, {"organizationId": "1", "filter": {"customerId": "abc"}}
        )
        organization = gateway.graphql(SEARCH_INVOICES, {"organizationId": "org-1"})
        late = gateway.graphql(LATE_INVOICES, {"contractId": "../3"})
    assert gateway.sent == []
    assert search["data"]["invoices"]["edges"] == []
    assert organization["data"]["invoices"]["totalPages"] == 0
    assert late["data"] == {"lateInvoices": []}


def test_an_odd_value_in_a_search_result_costs_only_that_field() -> None:
    page = search_response([61, 62], page=1, per_page=2, total_pages=1)
    page["invoices"][1]["state"] = "on_hold"
    with gateway_with(answer(200, page)) as gateway:
        result = gateway.graphql(SEARCH_INVOICES, {"organizationId": "1", "first": 2})
    nodes = [edge["node"] for edge in result["data"]["invoices"]["edges"]]
    assert [(node["id"], node["state"]) for node in nodes] == [("61", "TO_EMIT"), ("62", None)]
    assert nodes[1]["grossValue"] == "700.00"
    (error,) = result["errors"]
    assert error["path"] == ["invoices", "edges", 1, "node", "state"]
    assert error["extensions"] == {"code": "UPSTREAM_INVALID_VALUE"}


@pytest.mark.parametrize(
    "answered",
    [
        {"page": 2, "per_page": 7, "total_pages": 4, "invoices": []},
        {"page": 1, "per_page": 50, "total_pages": 4, "invoices": []},
        {"page": 1, "per_page": 7, "total_pages": 4},
        {"page": 1, "per_page": 7, "total_pages": 4, "invoices": [{"description": "no id"}]},
    ],
)
def test_a_search_page_other_than_the_one_asked_for_is_a_bad_response(
    answered: dict[str, Any],
) -> None:
    with gateway_with(answer(200, answered, **{"X-Request-Id": "req-7"})) as gateway:
        result = gateway.graphql(SEARCH_INVOICES, {"organizationId": "1", "first": 7})
    assert result["data"] is None
    assert result["errors"][0]["extensions"] == {
        "code": "UPSTREAM_BAD_RESPONSE",
        "upstreamRequestId": "req-7",
        "upstreamStatus": 200,
    }


def test_a_search_without_total_pages_still_pages() -> None:
    page = search_response([61, 62], page=1, per_page=2, total_pages=None)
    del page["total_pages"]
    with gateway_with(answer(200, page)) as gateway:
        result = gateway.graphql(SEARCH_INVOICES, {"organizationId": "1", "first": 2})
    connection = result["data"]["invoices"]
    assert connection["totalPages"] is None
    assert connection["pageInfo"]["hasNextPage"] is True


def test_the_invoice_query_reads_through_the_request_loader() -> None:
    with gateway_with(answer(200, seed_response())) as gateway:
        result = gateway.graphql(GET_INVOICE, {"contractId": "3", "id": "61"})
    assert result["data"]["invoice"]["grossValue"] == "700.00"
    assert Decimal(result["data"]["invoice"]["grossValue"]) == Decimal("700")
    assert len(gateway.sent) == 1
