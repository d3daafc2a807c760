"""Every failure the party and service-item operations share, upstream mocked: 404, 401, 5xx,
timeouts, 400s, and answers that are not the documented shape; the same checks as
test_operation_failures makes of the invoice operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support.gateway import answer
from tests.support.parties import (
    COMPANIES,
    COMPANY,
    CREATE_COMPANY,
    CREATE_ORGANIZATION,
    CREATE_PERSON,
    CREATE_SERVICE_ITEM,
    DELETE_COMPANY,
    DELETE_ORGANIZATION,
    DELETE_PERSON,
    DELETE_SERVICE_ITEM,
    ORGANIZATION,
    ORGANIZATION_BY_CNPJ,
    ORGANIZATIONS,
    PEOPLE,
    PERSON,
    SERVICE_ITEM_BY_NAME,
    SERVICE_ITEMS,
    UPDATE_COMPANY,
    UPDATE_ORGANIZATION,
    UPDATE_PERSON,
    UPDATE_SERVICE_ITEM,
)
from tests.unit.test_operation_failures import Operation, run

_ID = {"id": "7"}


def _missing(message: str) -> list[dict[str, Any]]:
    return [{"field": ["input", "id"], "message": message, "code": "NOT_FOUND"}]


_NOT_CREATED = [
    {
        "field": ["input"],
        "message": "The upstream answered the creation with 404 Not Found.",
        "code": "NOT_FOUND",
    }
]


def _writes(
    name: str, path: str, update_method: str, create: dict[str, Any], not_found: str
) -> list[Operation]:
    """The three mutations of one collection; `name` is its GraphQL type's."""
    field = name[0].lower() + name[1:]
    documents = {"create": CREATES[name], "update": UPDATES[name], "delete": DELETES[name]}
    missing = _missing(not_found)
    return [
        Operation(
            f"create{name}",
            documents["create"],
            {"input": create},
            "POST",
            path,
            {field: None, "userErrors": _NOT_CREATED},
            field_key(path),
        ),
        Operation(
            f"update{name}",
            documents["update"],
            {"input": {**_ID, "name": "x"}},
            update_method,
            f"{path}/7",
            {field: None, "userErrors": missing},
            field_key(path),
        ),
        Operation(
            f"delete{name}",
            documents["delete"],
            {"input": _ID},
            "DELETE",
            f"{path}/7",
            {f"deleted{name}Id": None, "userErrors": missing},
            None,
        ),
    ]


def field_key(path: str) -> str:
    """The singular envelope key of a collection."""
    return {"people": "person", "companies": "company"}.get(path, path.removesuffix("s"))


CREATES = {
    "Organization": CREATE_ORGANIZATION,
    "Company": CREATE_COMPANY,
    "Person": CREATE_PERSON,
    "ServiceItem": CREATE_SERVICE_ITEM,
}
UPDATES = {
    "Organization": UPDATE_ORGANIZATION,
    "Company": UPDATE_COMPANY,
    "Person": UPDATE_PERSON,
    "ServiceItem": UPDATE_SERVICE_ITEM,
}
DELETES = {
    "Organization": DELETE_ORGANIZATION,
    "Company": DELETE_COMPANY,
    "Person": DELETE_PERSON,
    "ServiceItem": DELETE_SERVICE_ITEM,
}
CNPJ = "57.757.975/0001-86"

OPERATIONS = [
    Operation("organizations", ORGANIZATIONS, {}, "GET", "organizations", [], "organizations"),
    Operation("organization", ORGANIZATION, _ID, "GET", "organizations", None, "organizations"),
    Operation(
        "organizationByCnpj",
        ORGANIZATION_BY_CNPJ,
        {"cnpj": CNPJ},
        "GET",
        "organizations/search",
        None,
        "organization",
    ),
    Operation("companies", COMPANIES, {}, "GET", "companies", [], "companies"),
    Operation("companies", COMPANIES, {"cnpj": CNPJ}, "GET", "companies/search", [], "companies"),
    Operation("company", COMPANY, _ID, "GET", "companies/7", None, "company"),
    Operation("people", PEOPLE, {}, "GET", "people", [], "people"),
    Operation("people", PEOPLE, {"cpf": "82868688977"}, "GET", "people/search", [], "people"),
    Operation("person", PERSON, _ID, "GET", "people/7", None, "person"),
    Operation("serviceItems", SERVICE_ITEMS, {}, "GET", "service_items", [], "service_items"),
    Operation(
        "serviceItemByName",
        SERVICE_ITEM_BY_NAME,
        {"name": "Teste Doc"},
        "GET",
        "service_items/search",
        None,
        "service_item",
    ),
    *_writes(
        "Organization",
        "organizations",
        "PUT",
        {"name": "x", "cnpj": CNPJ},
        "Organization not found.",
    ),
    *_writes(
        "Company",
        "companies",
        "PATCH",
        {"name": "x", "cnpj": CNPJ},
        "Company not found (an organization's id is not a company's).",
    ),
    *_writes("Person", "people", "PUT", {"name": "x", "cpf": "82868688977"}, "Person not found."),
    *_writes("ServiceItem", "service_items", "PUT", {"name": "x"}, "Service item not found."),
]


def _id(operation: Operation) -> str:
    return f"{operation.field}-{operation.path}"


BY_OPERATION = pytest.mark.parametrize("operation", OPERATIONS, ids=_id)


@BY_OPERATION
def test_404_is_nothing_for_reads_and_a_user_error_for_mutations(operation: Operation) -> None:
    result = run(operation, answer(404, b""))
    assert result == {"_status": 200, "data": {operation.field: operation.when_not_found}}


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("slow", request=request)


FAILURES = [
    pytest.param(answer(401, b""), "UNAUTHENTICATED", 401, id="401"),
    pytest.param(answer(503, b"<html>secret</html>"), "UPSTREAM_SERVER_ERROR", 503, id="503"),
    pytest.param(answer(200, b"<html>not json"), "UPSTREAM_BAD_RESPONSE", 200, id="not-json"),
    pytest.param(_timeout, "UPSTREAM_TIMEOUT", None, id="timeout"),
]


@BY_OPERATION
@pytest.mark.parametrize(("handler", "code", "status"), FAILURES)
def test_upstream_failures_are_top_level_errors_with_their_code(
    operation: Operation,
    handler: Callable[[httpx.Request], httpx.Response],
    code: str,
    status: int | None,
) -> None:
    result = run(operation, handler)
    (error,) = result["errors"]
    assert error["path"] == [operation.field]
    assert error["extensions"]["code"] == code
    assert error["extensions"].get("upstreamStatus") == status
    assert "secret" not in error["message"]
    if code == "UPSTREAM_TIMEOUT":
        assert ("may have been processed" in error["message"]) is operation.is_mutation


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op.answer_key], ids=_id)
def test_a_success_without_the_documented_envelope_is_a_bad_response(
    operation: Operation,
) -> None:
    result = run(operation, answer(200, {"status": "ok"}))
    (error,) = result["errors"]
    assert error["path"] == [operation.field]
    assert error["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"
    assert str(operation.answer_key) in error["message"]


@BY_OPERATION
def test_400_is_a_user_error_for_mutations_and_an_upstream_rejection_for_reads(
    operation: Operation,
) -> None:
    message = "Parâmetro(s) inválido(s) para busca: cnpj"
    result = run(operation, answer(400, {"errors": message}))
    if operation.is_mutation:
        payload = result["data"][operation.field]
        assert payload["userErrors"] == [{"field": None, "message": message, "code": "INVALID"}]
        return
    # The gateway never sends a blank search value, so the client cannot fix a 400.
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "UPSTREAM_REJECTED", "upstreamStatus": 400}
