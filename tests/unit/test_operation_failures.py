"""Every failure every issue-7 operation shares, upstream mocked: 404, 401, 5xx, timeouts and
answers that are not the documented shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from examples.seed import (
    APPROVE_INVOICE,
    BLOCK_INVOICE,
    DELETE_INVOICE,
    GET_INVOICE,
    LATE_INVOICES,
    RECEIVABLES,
    RECEIVE_RECEIVABLE,
    SEARCH_INVOICES,
    UNDO_RECEIVABLE_RECEIPT,
    UPDATE_INVOICE,
)
from tests.support.gateway import answer, gateway_with


@dataclass(frozen=True)
class Operation:
    field: str
    document: str
    variables: dict[str, Any]
    method: str
    path: str
    # What a 404 reads as: the field's value for reads, the payload for mutations.
    when_not_found: Any
    # The key of the object in a successful answer (None: the answer has no body).
    answer_key: str | None

    @property
    def is_mutation(self) -> bool:
        return self.method != "GET"


def _missing(message: str) -> list[dict[str, Any]]:
    return [{"field": ["input", "id"], "message": message, "code": "NOT_FOUND"}]


INVOICE = {"contractId": "3", "id": "61"}
RECEIVABLE = {"contractId": "3", "id": "62"}
NO_INVOICE = _missing("Invoice not found.")

OPERATIONS = [
    Operation("invoice", GET_INVOICE, INVOICE, "GET", "contracts/3/invoices/61", None, "invoice"),
    Operation(
        "invoices",
        SEARCH_INVOICES,
        {"organizationId": "1", "first": 7},
        "GET",
        "organizations/1/invoices/search",
        {
            "edges": [],
            "pageInfo": {
                "hasNextPage": False,
                "hasPreviousPage": False,
                "startCursor": None,
                "endCursor": None,
            },
            "totalPages": 0,
        },
        "invoices",
    ),
    Operation(
        "lateInvoices",
        LATE_INVOICES,
        {"contractId": "3"},
        "GET",
        "contracts/3/invoices/late",
        [],
        "invoices",
    ),
    Operation(
        "receivables",
        RECEIVABLES,
        {"contractId": "3"},
        "GET",
        "contracts/3/receivables/search",
        [],
        "receivables",
    ),
    Operation(
        "updateInvoice",
        UPDATE_INVOICE,
        {"input": {**INVOICE, "description": "x"}},
        "PATCH",
        "contracts/3/invoices/61",
        {
            "invoice": None,
            "userErrors": _missing(
                "Invoice not found, or a receivable, service or attachment id is not one of its "
                "items."
            ),
        },
        "invoice",
    ),
    Operation(
        "deleteInvoice",
        DELETE_INVOICE,
        {"input": INVOICE},
        "DELETE",
        "contracts/3/invoices/61",
        {"deletedInvoiceId": None, "userErrors": NO_INVOICE},
        None,
    ),
    Operation(
        "approveInvoice",
        APPROVE_INVOICE,
        {"input": INVOICE},
        "PATCH",
        "contracts/3/invoices/61/approve",
        {"invoice": None, "userErrors": NO_INVOICE},
        "invoice",
    ),
    Operation(
        "blockInvoice",
        BLOCK_INVOICE,
        {"input": INVOICE},
        "PATCH",
        "contracts/3/invoices/61/block",
        {"invoice": None, "userErrors": NO_INVOICE},
        "invoice",
    ),
    Operation(
        "receiveReceivable",
        RECEIVE_RECEIVABLE,
        {"input": {**RECEIVABLE, "receivedValue": "50.00", "receivedAt": "2024-10-30"}},
        "PATCH",
        "contracts/3/receivables/62/receive",
        {"receivable": None, "userErrors": _missing("Receivable not found.")},
        "receivable",
    ),
    Operation(
        "undoReceivableReceipt",
        UNDO_RECEIVABLE_RECEIPT,
        {"input": RECEIVABLE},
        "PATCH",
        "contracts/3/receivables/62/undo_receipt",
        {"receivable": None, "userErrors": _missing("Receivable not found.")},
        "receivable",
    ),
]
BY_FIELD = pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.field)


def run(operation: Operation, handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    with gateway_with(handler) as gateway:
        result = gateway.graphql(operation.document, operation.variables)
    (sent,) = gateway.sent  # never retried, never more than the one call
    assert (sent.method, sent.url.path) == (operation.method, f"/api/v1/{operation.path}")
    return result


@BY_FIELD
def test_404_is_nothing_for_reads_and_a_user_error_on_the_id_for_mutations(
    operation: Operation,
) -> None:
    result = run(operation, answer(404, b""))
    assert result == {"_status": 200, "data": {operation.field: operation.when_not_found}}


def failure_cases() -> list[Any]:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    cases = [
        pytest.param(answer(401, b""), "UNAUTHENTICATED", 401, id="401"),
        pytest.param(answer(503, b"<html>secret</html>"), "UPSTREAM_SERVER_ERROR", 503, id="503"),
        pytest.param(answer(200, b"<html>not json"), "UPSTREAM_BAD_RESPONSE", 200, id="not-json"),
        pytest.param(answer(403, b""), "FORBIDDEN", 403, id="403"),
        pytest.param(timeout, "UPSTREAM_TIMEOUT", None, id="timeout"),
    ]
    return [
        pytest.param(operation, *case.values, id=f"{operation.field}-{case.id}")
        for operation in OPERATIONS
        for case in cases
    ]


@pytest.mark.parametrize(("operation", "handler", "code", "status"), failure_cases())
def test_upstream_failures_are_top_level_errors_with_their_code(
    operation: Operation,
    handler: Callable[[httpx.Request], httpx.Response],
    code: str,
    status: int | None,
) -> None:
    result = run(operation, handler)
    errors = result["errors"]
    assert [error["path"] for error in errors] == [[operation.field]]
    assert errors[0]["extensions"]["code"] == code
    assert errors[0]["extensions"].get("upstreamStatus") == status
    assert "secret" not in errors[0]["message"]
    if code == "UPSTREAM_TIMEOUT":
        processed = "may have been processed" in errors[0]["message"]
        assert processed is operation.is_mutation


@pytest.mark.parametrize(
    "operation", [op for op in OPERATIONS if op.answer_key], ids=lambda op: op.field
)
def test_a_success_without_the_documented_object_is_a_bad_response(operation: Operation) -> None:
    result = run(operation, answer(200, {"status": "ok"}))
    (error,) = result["errors"]
    assert error["path"] == [operation.field]
    assert error["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"
    assert "answered 200 without" in error["message"]
    assert operation.answer_key in error["message"]


@BY_FIELD
def test_400_is_a_user_error_for_mutations_and_an_upstream_rejection_for_reads(
    operation: Operation,
) -> None:
    message = "param is missing or the value is empty: invoice"
    result = run(operation, answer(400, {"errors": message}))
    if operation.is_mutation:
        payload = result["data"][operation.field]
        assert payload["userErrors"] == [{"field": None, "message": message, "code": "INVALID"}]
        return
    # The gateway builds every read's parameters itself, so the client cannot fix a 400.
    (error,) = result["errors"]
    assert error["path"] == [operation.field]
    assert error["extensions"] == {"code": "UPSTREAM_REJECTED", "upstreamStatus": 400}
    assert message not in error["message"]
