"""`createInvoice` and `invoice` through the whole gateway, with a mocked upstream.

These pin what goes upstream (method, path, headers, exact JSON body) and how every
upstream answer reaches the client. The same flows run against real servers in tests/e2e.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from examples.seed import (
    CREATE_INVOICE,
    GET_INVOICE,
    expected_seed_body,
    seed_response,
    seed_variables_json,
)
from gateway.rest.invoices import InvoicesAPI
from tests.support.gateway import answer, gateway_with

EXPECTED_SEED_INVOICE: dict[str, Any] = {
    "id": "61",
    "contractId": "3",
    "issueDate": "2025-06-02",
    "estimatedIssueDate": "2025-06-02",
    "grossValue": "700.00",
    "paymentValue": "700.00",
    "description": "Teste Doc",
    "state": "TO_EMIT",
    "cancelledAutomatically": False,
    "nfeService": None,
    "nfeVerification": None,
    "nfeIssueDate": None,
    "nfeBody": "Nfe teste ",
    "nfeIssued": False,
    "number": "2",
    "createdAt": "2025-05-06T08:28:35-03:00",
    "managementType": "MANUAL",
    "accrualDate": "2025-06-01",
    "comments": None,
    "customerId": "3",
    "customerType": "COMPANY",
    "emitesServiceValuesId": None,
    "emitesServiceValueName": None,
    "nfseTemplateId": None,
    "financeCategory": None,
    "financeCategoryId": None,
    "financeRevenueCenter": None,
    "financeRevenueCenterId": None,
    "myfinanceSaleAccountId": None,
    "myfinanceSaleAccountName": None,
    "cobratoChargeConfigId": None,
    "cobratoChargeConfigName": None,
    "cobratoChargeTemplateId": None,
    "cobratoChargeTemplateName": None,
    "daysUntilAutomaticNfeEmission": 0,
    "automaticNfeIssueDate": None,
    "automaticEmailTemplateId": None,
    "approvalStatus": "APPROVED",
    "notificationRulerId": None,
    "issueNfse": False,
    "automaticManagementOnBusinessDays": False,
    "nfseUrl": None,
    "faturaUrl": None,
    "receivables": [
        {
            "id": "62",
            "invoiceId": "61",
            "dueDate": "2025-06-10",
            "value": "100",
            "grossValue": "700.00",
            "paymentValue": "700.00",
            "receivedValue": None,
            "receivedAt": None,
            "createdAt": "2025-05-06T08:28:35-03:00",
            "state": "TO_EMIT",
            "paymentGatewayStatus": None,
            "cobratoChargeId": None,
            "cobratoErrors": None,
            "financeReceivableId": None,
            "myfinanceSaleId": None,
            "financeEntityId": None,
            "myfinanceErrors": None,
            "myfinanceReceivableAccountId": None,
            "billetUrl": None,
        }
    ],
    "services": [
        {
            "id": "39",
            "name": "Faturamento",
            "description": "Faturamento",
            "unitValue": "100.00",
            "units": "7",
            "value": "700.00",
        }
    ],
    "attachments": [
        {
            "id": "1",
            "filename": "teste",
            "url": "/system/attachments/attachments/000/000/001/original/teste?1746530915",
        }
    ],
    "paymentInformation": {
        "id": "65",
        "paymentMethod": "BILLET",
        "cobratoCardId": None,
        "cardExpirationMonth": None,
        "cardExpirationYear": None,
        "installments": None,
        "financialChargeTemplateId": "1",
        "financialAccountId": "1",
        "createdAt": "2025-05-06T08:28:35-03:00",
        "chargingAccountId": None,
    },
}

TOKEN = "Token token=client-secret-123"
MINIMAL = json.dumps(
    {"input": {"contractId": "3", "description": "x", "receivables": [{"dueDate": "2025-06-10"}]}}
)


def test_seed_variables_produce_the_seed_request_and_the_seed_response_maps() -> None:
    with gateway_with(answer(201, seed_response())) as gateway:
        result = gateway.graphql(CREATE_INVOICE, seed_variables_json(), Authorization=TOKEN)

    assert result == {
        "_status": 200,
        "data": {"createInvoice": {"invoice": EXPECTED_SEED_INVOICE, "userErrors": []}},
    }
    (sent,) = gateway.sent
    assert sent.method == "POST"
    assert sent.url == "http://upstream.test/api/v1/contracts/3/invoices"
    assert sent.headers["authorization"] == TOKEN
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept"] == "application/json"
    assert json.loads(sent.content, parse_float=str) == json.loads(
        json.dumps(expected_seed_body(), default=str), parse_float=str
    )
    # The exact digits the client wrote, as JSON numbers, never via a float.
    assert b'"gross_value":700.0,' in sent.content
    assert b'"payment_value":700.0,' in sent.content
    assert b'"unit_value":100,' in sent.content


def test_a_configured_token_replaces_the_clients_header() -> None:
    with gateway_with(answer(201, seed_response()), upstream_token="deploy-token") as gateway:
        gateway.graphql(CREATE_INVOICE, MINIMAL, Authorization=TOKEN)
    assert gateway.sent[0].headers["authorization"] == "Token token=deploy-token"


def test_no_header_and_no_token_sends_no_authorization_and_401_is_unauthenticated() -> None:
    with gateway_with(answer(401, b"", **{"X-Request-Id": "req-401"})) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    assert "authorization" not in gateway.sent[0].headers
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["extensions"] == {
        "code": "UNAUTHENTICATED",
        "upstreamRequestId": "req-401",
        "upstreamStatus": 401,
    }
    assert error["path"] == ["createInvoice"]


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        (
            {
                "receivables.due_date": "não pode ficar em branco",
                "services.units": "deve ser numérico",
            },
            [
                {
                    "field": ["input", "receivables", "dueDate"],
                    "message": "não pode ficar em branco",
                    "code": "BLANK",
                },
                {
                    "field": ["input", "services", "units"],
                    "message": "deve ser numérico",
                    "code": "NOT_A_NUMBER",
                },
            ],
        ),
        (
            {"description": ["não pode ficar em branco"]},
            [
                {
                    "field": ["input", "description"],
                    "message": "não pode ficar em branco",
                    "code": "BLANK",
                }
            ],
        ),
        (
            "O faturamento não pode ser criado.",
            [{"field": None, "message": "O faturamento não pode ser criado.", "code": "INVALID"}],
        ),
    ],
)
def test_422_in_each_shape_becomes_user_errors(errors: object, expected: list[object]) -> None:
    with gateway_with(answer(422, {"errors": errors})) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    assert result == {
        "_status": 200,
        "data": {"createInvoice": {"invoice": None, "userErrors": expected}},
    }


def test_404_on_create_is_a_user_error_on_the_contract() -> None:
    with gateway_with(answer(404, b"")) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    assert result["data"]["createInvoice"] == {
        "invoice": None,
        "userErrors": [
            {
                "field": ["input", "contractId"],
                "message": "Contract not found.",
                "code": "NOT_FOUND",
            }
        ],
    }


@pytest.mark.parametrize(
    ("handler", "code", "status"),
    [
        (
            answer(500, b"<html>Internal Server Error: secret stack</html>"),
            "UPSTREAM_SERVER_ERROR",
            500,
        ),
        (answer(502, b""), "UPSTREAM_SERVER_ERROR", 502),
        (answer(201, b"<html>not json"), "UPSTREAM_BAD_RESPONSE", 201),
        (answer(201, b'{"invoice": {"id": 1'), "UPSTREAM_BAD_RESPONSE", 201),
        (answer(201, b""), "UPSTREAM_BAD_RESPONSE", 201),
        (answer(201, {"invoice": "nope"}), "UPSTREAM_BAD_RESPONSE", 201),
        (answer(201, {"invoice": {"description": "no id"}}), "UPSTREAM_BAD_RESPONSE", 201),
        (answer(422, b"not json"), "UPSTREAM_BAD_RESPONSE", 422),
        (answer(403, b""), "FORBIDDEN", 403),
        (answer(418, b""), "UPSTREAM_BAD_RESPONSE", 418),
    ],
)
def test_upstream_failures_get_their_own_codes_and_safe_messages(
    handler: Any, code: str, status: int
) -> None:
    def with_request_id(request: httpx.Request) -> httpx.Response:
        response: httpx.Response = handler(request)
        response.headers["X-Request-Id"] = "req-42"
        return response

    with gateway_with(with_request_id) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["extensions"] == {
        "code": code,
        "upstreamRequestId": "req-42",
        "upstreamStatus": status,
    }
    assert "secret" not in error["message"]
    assert "Traceback" not in json.dumps(result)
    if status == 201:
        assert "created" in error["message"]


def test_429_carries_retry_after() -> None:
    with gateway_with(answer(429, b"", **{"Retry-After": "30"})) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    assert result["errors"][0]["extensions"] == {
        "code": "UPSTREAM_RATE_LIMITED",
        "upstreamStatus": 429,
        "retryAfter": "30",
    }


@pytest.mark.parametrize(
    ("exception", "code"),
    [
        (httpx.ConnectError("refused"), "UPSTREAM_UNAVAILABLE"),
        (httpx.ConnectTimeout("slow connect"), "UPSTREAM_TIMEOUT"),
        (httpx.ReadTimeout("slow read"), "UPSTREAM_TIMEOUT"),
        (httpx.RemoteProtocolError("closed mid-body"), "UPSTREAM_CONNECTION_LOST"),
        (httpx.ReadError("reset"), "UPSTREAM_CONNECTION_LOST"),
    ],
)
def test_transport_failures(exception: Exception, code: str) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exception

    with gateway_with(fail) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    assert result["data"] is None
    assert result["errors"][0]["extensions"] == {"code": code}
    assert "refused" not in result["errors"][0]["message"]


def test_an_unexpected_value_in_a_created_invoice_costs_only_that_field() -> None:
    response = seed_response()
    response["invoice"]["state"] = "on_hold"
    response["invoice"]["receivables"][0]["due_date"] = "31/02/2025"
    with gateway_with(answer(201, response)) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    invoice = result["data"]["createInvoice"]["invoice"]
    assert invoice["id"] == "61"
    assert invoice["state"] is None
    assert invoice["receivables"][0]["dueDate"] is None
    assert invoice["receivables"][0]["grossValue"] == "700.00"
    assert {k: v for k, v in invoice.items() if k not in ("state", "receivables")} == {
        k: v for k, v in EXPECTED_SEED_INVOICE.items() if k not in ("state", "receivables")
    }
    paths = {tuple(error["path"]): error for error in result["errors"]}
    assert set(paths) == {
        ("createInvoice", "invoice", "state"),
        ("createInvoice", "invoice", "receivables", 0, "dueDate"),
    }
    state_error = paths[("createInvoice", "invoice", "state")]
    assert state_error["extensions"] == {"code": "UPSTREAM_INVALID_VALUE"}
    assert "on_hold" in state_error["message"]


def test_input_the_gateway_can_reject_never_reaches_the_upstream() -> None:
    variables = json.dumps(
        {
            "input": {
                "contractId": "abc",
                "description": "x",
                "receivables": [{"dueDate": "2025-06-10"}],
                "services": [{"serviceItemId": "2"}, {"serviceItemId": "two"}],
            }
        }
    )
    with gateway_with(answer(201, seed_response())) as gateway:
        result = gateway.graphql(CREATE_INVOICE, variables)
    assert gateway.sent == []
    assert result["data"]["createInvoice"] == {
        "invoice": None,
        "userErrors": [
            {
                "field": ["input", "contractId"],
                "message": "must be a numeric id",
                "code": "INVALID",
            },
            {
                "field": ["input", "services", "1", "serviceItemId"],
                "message": "must be a numeric id",
                "code": "INVALID",
            },
        ],
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("grossValue", "NaN"),
        ("grossValue", "1e999999"),
        ("issueDate", "2025-02-30"),
        ("grossValue", "1.00000000001"),
    ],
)
def test_bad_scalars_are_request_errors_before_any_call(field: str, value: str) -> None:
    variables = {
        "input": {
            "contractId": "3",
            "description": "x",
            "receivables": [{"dueDate": "2025-06-10"}],
            field: value,
        }
    }
    with gateway_with(answer(201, seed_response())) as gateway:
        result = gateway.graphql(CREATE_INVOICE, variables)
    assert gateway.sent == []
    assert "data" not in result or result["data"] is None
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(
        f"Variable '$input' has an invalid value at 'input.{field}': "
    )


def test_a_bug_is_masked_and_never_shows_a_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(self: object, input: object) -> object:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(InvoicesAPI, "create", broken)
    with gateway_with(answer(201, seed_response())) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    assert result["errors"][0]["message"] == "Internal server error."
    assert result["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "hunter2" not in json.dumps(result)


def test_invoice_query_reads_one_invoice() -> None:
    with gateway_with(answer(200, seed_response())) as gateway:
        result = gateway.graphql(GET_INVOICE, {"contractId": "3", "id": "61"}, Authorization=TOKEN)
    assert result["data"] == {"invoice": EXPECTED_SEED_INVOICE}
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.content) == (
        "GET",
        "/api/v1/contracts/3/invoices/61",
        b"",
    )
    assert sent.headers["authorization"] == TOKEN


def test_invoice_query_is_null_on_404_and_for_ids_that_cannot_exist() -> None:
    with gateway_with(answer(404, b"")) as gateway:
        missing = gateway.graphql(GET_INVOICE, {"contractId": "3", "id": "999"})
        impossible = gateway.graphql(GET_INVOICE, {"contractId": "3", "id": "../../admin"})
    assert missing == {"_status": 200, "data": {"invoice": None}}
    assert impossible == {"_status": 200, "data": {"invoice": None}}
    assert [request.url.path for request in gateway.sent] == ["/api/v1/contracts/3/invoices/999"]


@pytest.mark.parametrize(
    "attachment",
    [
        {"filename": "a.txt", "content": ["U0VDUkVULUNPTlRFTlQ="]},
        {"filename": "a.txt", "content": {"nested": "U0VDUkVULUNPTlRFTlQ="}},
        {"filename": "a.txt", "unknown": "U0VDUkVULUNPTlRFTlQ="},
    ],
)
def test_input_errors_never_quote_the_value(attachment: dict[str, object]) -> None:
    variables = json.loads(MINIMAL)
    variables["input"]["attachments"] = [attachment]
    with gateway_with(answer(201, seed_response())) as gateway:
        result = gateway.graphql(CREATE_INVOICE, variables)
    assert gateway.sent == []
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(
        "Variable '$input' has an invalid value at 'input.attachments[0]"
    )
    assert "U0VDUkVULUNPTlRFTlQ=" not in json.dumps(result)


def test_a_201_that_is_not_utf8_is_a_bad_response() -> None:
    with gateway_with(answer(201, b'{"invoice": {"id": 61, "description": "\xff"}}')) as gateway:
        result = gateway.graphql(CREATE_INVOICE, MINIMAL)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"
    assert "created" in result["errors"][0]["message"]


def test_cookies_the_upstream_sets_are_never_sent_for_anyone() -> None:
    def with_cookie(request: httpx.Request) -> httpx.Response:
        response = answer(201, seed_response())(request)
        response.headers["Set-Cookie"] = "_session_id=for-the-first-caller; Path=/"
        return response

    with gateway_with(with_cookie) as gateway:
        gateway.graphql(CREATE_INVOICE, MINIMAL, Authorization=TOKEN)
        gateway.graphql(CREATE_INVOICE, MINIMAL, Authorization="Token token=someone-else")
    assert len(gateway.sent) == 2
    assert "cookie" not in gateway.sent[1].headers


def test_one_access_line_per_request_with_its_upstream_figures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("INFO"), gateway_with(answer(201, seed_response())) as gateway:
        gateway.graphql(CREATE_INVOICE, MINIMAL)
    [line] = [r for r in caplog.records if r.name == "gateway.access"]
    assert (line.method, line.path, line.status, line.upstream_calls) == (  # type: ignore[attr-defined]
        "POST",
        "/graphql",
        200,
        1,
    )
    assert line.upstream_ms <= line.duration_ms  # type: ignore[attr-defined]


def test_upstream_failures_are_logged_as_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with gateway_with(answer(502, b"<html>bad gateway</html>")) as gateway:
        gateway.graphql(CREATE_INVOICE, MINIMAL, Authorization=TOKEN)
    [warning] = [r for r in caplog.records if r.message == "upstream call failed"]
    assert warning.levelname == "WARNING"
    assert (warning.code, warning.status) == ("UPSTREAM_SERVER_ERROR", 502)  # type: ignore[attr-defined]
    assert "bad gateway" not in caplog.text
    assert TOKEN not in caplog.text
