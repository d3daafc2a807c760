"""The gateway and the sandbox upstream as real servers, driven by a plain HTTP client."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from examples.seed import CREATE_INVOICE, GET_INVOICE, expected_seed_body, seed_variables_json
from gateway.app import create_app
from gateway.settings import Settings
from tests.e2e.conftest import AUTHORIZATION
from tests.support.recorder import Recorder
from tests.support.servers import serve


def post(client: httpx.Client, query: str, variables: str | dict[str, Any], **headers: str) -> Any:
    text = variables if isinstance(variables, str) else json.dumps(variables)
    response = client.post(
        "/graphql",
        content=f'{{"query": {json.dumps(query)}, "variables": {text}}}',
        headers={"Content-Type": "application/json", **headers},
    )
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


def minimal(**fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "contractId": "3",
            "description": "e2e",
            "grossValue": "250.50",
            "issueDate": "2025-06-02",
            "receivables": [{"dueDate": "2025-06-10"}],
            **fields,
        }
    }


def test_create_then_read_back_the_seed_invoice(client: httpx.Client, recorder: Recorder) -> None:
    created = post(client, CREATE_INVOICE, seed_variables_json(), Authorization=AUTHORIZATION)
    assert "errors" not in created
    payload = created["data"]["createInvoice"]
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert invoice["contractId"] == "3"
    assert invoice["grossValue"] == "700.00"
    assert invoice["issueDate"] == "2025-06-02"
    assert invoice["accrualDate"] == "2025-06-01"
    assert invoice["state"] == "TO_EMIT"
    assert invoice["customerType"] == "COMPANY"
    assert invoice["receivables"][0]["value"] == "100"
    assert invoice["receivables"][0]["dueDate"] == "2025-06-10"
    assert invoice["services"][0]["units"] == "7"
    assert invoice["paymentInformation"]["paymentMethod"] == "BILLET"
    assert invoice["createdAt"].endswith("-03:00")

    (sent,) = recorder.requests
    assert (sent.method, sent.path) == ("POST", "/api/v1/contracts/3/invoices")
    assert sent.headers["authorization"] == AUTHORIZATION
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == expected_seed_body()

    read = post(
        client, GET_INVOICE, {"contractId": "3", "id": invoice["id"]}, Authorization=AUTHORIZATION
    )
    assert read == {"data": {"invoice": invoice}}
    assert (recorder.requests[-1].method, recorder.requests[-1].path) == (
        "GET",
        f"/api/v1/contracts/3/invoices/{invoice['id']}",
    )


def test_upstream_validation_errors_reach_the_client_as_user_errors(
    client: httpx.Client, recorder: Recorder
) -> None:
    result = post(
        client,
        CREATE_INVOICE,
        minimal(
            description="",
            services=[{"units": "7", "unitValue": "100"}],
            receivables=[{"dueDate": "2025-06-10", "value": "60"}],
        ),
        Authorization=AUTHORIZATION,
    )
    payload = result["data"]["createInvoice"]
    assert payload["invoice"] is None
    errors = {tuple(error["field"]): error for error in payload["userErrors"]}
    assert errors[("input", "description")] == {
        "field": ["input", "description"],
        "message": "não pode ficar em branco",
        "code": "BLANK",
    }
    assert errors[("input", "receivables")]["message"] == "Os vencimentos não totalizam 100%."
    assert len(recorder.requests) == 1


def test_unknown_contract_is_a_user_error(client: httpx.Client) -> None:
    result = post(client, CREATE_INVOICE, minimal(contractId="999"), Authorization=AUTHORIZATION)
    assert result["data"]["createInvoice"]["userErrors"] == [
        {"field": ["input", "contractId"], "message": "Contract not found.", "code": "NOT_FOUND"}
    ]


def test_a_wrong_token_is_unauthenticated(client: httpx.Client) -> None:
    result = post(client, CREATE_INVOICE, minimal(), Authorization="Token token=wrong")
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_missing_invoice_reads_as_null(client: httpx.Client) -> None:
    result = post(
        client, GET_INVOICE, {"contractId": "3", "id": "987654"}, Authorization=AUTHORIZATION
    )
    assert result == {"data": {"invoice": None}}


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "circuit": "closed"}


def test_an_unreachable_upstream_is_reported_and_the_gateway_stays_up() -> None:
    # Port 9 (discard) on loopback: nothing listens there, so connecting is refused.
    settings = Settings(upstream_url="http://127.0.0.1:9/api/v1", connect_timeout=2)
    with serve(create_app(settings)) as url, httpx.Client(base_url=url, timeout=10) as client:
        result = post(client, CREATE_INVOICE, minimal(), Authorization=AUTHORIZATION)
        assert result["data"] is None
        assert result["errors"][0]["extensions"] == {"code": "UPSTREAM_UNAVAILABLE"}
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["code"] == "UPSTREAM_UNAVAILABLE"
        assert client.get("/healthz").status_code == 200


def test_the_request_id_is_returned_and_sent_upstream(
    client: httpx.Client, recorder: Recorder
) -> None:
    query = {"query": GET_INVOICE, "variables": {"contractId": "3", "id": "1"}}
    given = client.post(
        "/graphql", json=query, headers={"Authorization": AUTHORIZATION, "X-Request-Id": "abc-123"}
    )
    generated = client.post("/graphql", json=query, headers={"Authorization": AUTHORIZATION})
    unsafe = client.post(
        "/graphql",
        json=query,
        headers={"Authorization": AUTHORIZATION, "X-Request-Id": "bad id\twith spaces"},
    )
    assert given.headers["x-request-id"] == "abc-123"
    assert len(generated.headers["x-request-id"]) == 32
    assert unsafe.headers["x-request-id"] not in ("bad id\twith spaces", "")
    sent = [request.headers["x-request-id"] for request in recorder.requests]
    assert sent == [
        "abc-123",
        generated.headers["x-request-id"],
        unsafe.headers["x-request-id"],
    ]


def test_readyz_reports_an_unreachable_idempotency_store(redis_url: str) -> None:
    with serve(create_app(Settings(redis_url=redis_url))) as url:
        assert httpx.get(f"{url}/readyz").json() == {"status": "ready", "circuit": "closed"}
    # Port 9 on loopback: nothing listens, so Redis cannot be reached.
    with serve(create_app(Settings(redis_url="redis://127.0.0.1:9/0"))) as url:
        ready = httpx.get(f"{url}/readyz")
    assert ready.status_code == 503
    assert ready.json()["code"] == "IDEMPOTENCY_STORE_UNAVAILABLE"
    assert "redis" not in ready.text.lower()
