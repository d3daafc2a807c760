"""Every failure the template, financial-account and NFS-e queries share, upstream mocked: a 404
is nothing, and 400, 401, 403, 5xx, timeouts and answers without the documented envelope are
top-level errors with their code, each after exactly one call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from examples.templates import (
    CHARGE_TEMPLATE,
    CHARGE_TEMPLATES,
    EMAIL_TEMPLATES,
    FINANCIAL_ACCOUNT,
    FINANCIAL_ACCOUNTS,
    INVOICE_TEMPLATE,
    INVOICE_TEMPLATES,
    NFSE_TEMPLATES,
    NFSES,
)
from tests.support.gateway import answer, gateway_with
from tests.unit.test_nfses import EMPTY


@dataclass(frozen=True)
class Query:
    field: str
    document: str
    variables: dict[str, Any]
    path: str
    when_not_found: Any
    # The key of the answer's envelope.
    key: str


ORGANIZATION = {"organizationId": "1"}
QUERIES = [
    Query(
        "invoiceTemplates",
        INVOICE_TEMPLATES,
        ORGANIZATION,
        "organizations/1/invoice_templates",
        [],
        "invoice_templates",
    ),
    Query(
        "invoiceTemplates",
        INVOICE_TEMPLATES,
        {**ORGANIZATION, "type": "INVOICE"},
        "organizations/1/invoice_templates/search",
        [],
        "invoice_templates",
    ),
    Query(
        "invoiceTemplate",
        INVOICE_TEMPLATE,
        {**ORGANIZATION, "id": "14"},
        "organizations/1/invoice_templates/14",
        None,
        "invoice_template",
    ),
    Query(
        "emailTemplates",
        EMAIL_TEMPLATES,
        ORGANIZATION,
        "organizations/1/email_templates",
        [],
        "email_templates",
    ),
    Query(
        "nfseTemplates",
        NFSE_TEMPLATES,
        ORGANIZATION,
        "organizations/1/nfse_templates",
        [],
        "nfse_templates",
    ),
    Query(
        "chargeTemplates",
        CHARGE_TEMPLATES,
        ORGANIZATION,
        "organizations/1/charge_templates",
        [],
        "charge_templates",
    ),
    Query(
        "chargeTemplate",
        CHARGE_TEMPLATE,
        {**ORGANIZATION, "id": "16"},
        "organizations/1/charge_templates/16",
        None,
        "charge_template",
    ),
    Query(
        "financialAccounts",
        FINANCIAL_ACCOUNTS,
        ORGANIZATION,
        "organizations/1/financial_accounts",
        [],
        "financial_accounts",
    ),
    Query(
        "financialAccount",
        FINANCIAL_ACCOUNT,
        {**ORGANIZATION, "id": "1"},
        "organizations/1/financial_accounts/1",
        None,
        "financial_account",
    ),
    Query("nfses", NFSES, ORGANIZATION, "organizations/1/nfses/search", EMPTY, "nfses"),
]
BY_QUERY = pytest.mark.parametrize(
    "query", QUERIES, ids=lambda q: f"{q.field}-{q.path.rsplit('/', 1)[-1]}"
)


def run(query: Query, handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    with gateway_with(handler) as gateway:
        result = gateway.graphql(query.document, query.variables)
    (sent,) = gateway.sent  # never retried, never more than the one call
    assert (sent.method, sent.url.path) == ("GET", f"/api/v1/{query.path}")
    return result


@BY_QUERY
def test_404_is_nothing(query: Query) -> None:
    # The upstream's 404s were recorded with each of these content types and no body.
    for content_type in ("application/json", "text/html; charset=utf-8"):
        result = run(query, answer(404, b"", **{"Content-Type": content_type}))
        assert result == {"_status": 200, "data": {query.field: query.when_not_found}}


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("slow", request=request)


FAILURES = [
    pytest.param(answer(401, b""), "UNAUTHENTICATED", 401, id="401"),
    pytest.param(answer(403, b""), "FORBIDDEN", 403, id="403"),
    pytest.param(answer(503, b"<html>secret</html>"), "UPSTREAM_SERVER_ERROR", 503, id="503"),
    pytest.param(answer(200, b"<html>not json"), "UPSTREAM_BAD_RESPONSE", 200, id="not-json"),
    pytest.param(
        answer(400, {"errors": "Parâmetro(s) inválido(s) para busca: type"}),
        "UPSTREAM_REJECTED",
        400,
        id="400",
    ),
    pytest.param(timeout, "UPSTREAM_TIMEOUT", None, id="timeout"),
]


@BY_QUERY
@pytest.mark.parametrize(("handler", "code", "status"), FAILURES)
def test_upstream_failures_are_top_level_errors_with_their_code(
    query: Query,
    handler: Callable[[httpx.Request], httpx.Response],
    code: str,
    status: int | None,
) -> None:
    result = run(query, handler)
    (error,) = result["errors"]
    assert error["path"] == [query.field]
    assert error["extensions"]["code"] == code
    assert error["extensions"].get("upstreamStatus") == status
    assert "secret" not in error["message"]
    # The gateway builds every read's parameters itself: the upstream's words are for logs.
    assert "Parâmetro" not in error["message"]


@BY_QUERY
def test_a_success_without_the_documented_envelope_is_a_bad_response(query: Query) -> None:
    result = run(query, answer(200, {"status": "ok"}))
    (error,) = result["errors"]
    assert error["path"] == [query.field]
    assert error["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"
    assert query.key in error["message"]


@BY_QUERY
def test_an_object_without_an_id_is_a_bad_response(query: Query) -> None:
    item = {"name": "sem id"}
    body: dict[str, Any] = {query.key: item if query.when_not_found is None else [item]}
    if query.field == "nfses":
        body |= {"page": 1, "per_page": 50, "total_pages": 1}
    result = run(query, answer(200, body))
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"
    assert "has no id" in error["message"]
