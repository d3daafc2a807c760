"""The HTTP surface of /graphql: malformed requests and what is (not) logged."""

from __future__ import annotations

import logging

import pytest

from tests.support.gateway import answer, gateway_with
from tests.support.seed import CREATE_INVOICE, seed_response, seed_variables_json


def test_a_body_that_is_not_json_gets_a_json_error() -> None:
    with gateway_with(answer(201, seed_response())) as gateway:
        response = gateway.client.post(
            "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "Unable to parse request body as JSON",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }
    assert gateway.sent == []


def test_mutations_are_refused_over_get() -> None:
    with gateway_with(answer(201, seed_response())) as gateway:
        response = gateway.client.get(
            "/graphql",
            params={"query": "mutation { createInvoice(input: {}) { userErrors { message } } }"},
        )
    assert response.status_code in (400, 405)
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert gateway.sent == []


def test_neither_the_token_nor_attachment_content_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret_token = "Token token=very-secret-token-value"
    content = "U0VDUkVULUFUVEFDSE1FTlQtQ09OVEVOVA=="
    variables = seed_variables_json().replace('"content": "tst"', f'"content": "{content}"')
    caplog.set_level(logging.DEBUG)
    response = seed_response()
    with gateway_with(answer(201, response)) as gateway:
        gateway.graphql(CREATE_INVOICE, variables, Authorization=secret_token)
    with gateway_with(answer(500, b"")) as gateway:
        gateway.graphql(CREATE_INVOICE, variables, Authorization=secret_token)
    assert content.encode() in gateway.sent[0].content  # it was sent, so it was in hand
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert caplog.records  # the gateway did log the exchanges
    assert "very-secret-token-value" not in logged
    assert content not in logged
