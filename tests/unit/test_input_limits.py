"""List and string limits on the input: refused before any resolver or upstream call."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from examples.seed import CREATE_INVOICE, seed_response
from gateway.input_limits import InputLimits, oversized_variable
from tests.support.gateway import Gateway, answer, gateway_with

LIMITS = {"max_list_length": 3, "max_string_length": 20, "max_upload_bytes": 30}
RESPONSE_JSON = "application/graphql-response+json"


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    with gateway_with(answer(201, seed_response()), **LIMITS) as gateway:
        yield gateway


def post(gateway: Gateway, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = gateway.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Accept": RESPONSE_JSON}
    )
    assert response.headers["content-type"].startswith(RESPONSE_JSON)
    return response.status_code, response.json()


def invoice(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "contractId": "3",
        "description": "x",
        "receivables": [{"dueDate": "2025-06-10"}],
    }
    return {"input": {**base, **fields}}


def receivables(count: int) -> list[dict[str, str]]:
    return [{"dueDate": "2025-06-10"}] * count


@pytest.mark.parametrize(
    ("variables", "path", "what"),
    [
        (invoice(receivables=receivables(4)), "$input.receivables", "more than 3 items"),
        (invoice(services=[{"description": "s"}] * 4), "$input.services", "more than 3 items"),
        (invoice(attachments=[{"filename": "a"}] * 4), "$input.attachments", "more than 3 items"),
        (invoice(description="d" * 21), "$input.description", "longer than 20 characters"),
        (
            invoice(services=[{"description": "s" * 21}]),
            "$input.services.0.description",
            "longer than 20 characters",
        ),
        (
            invoice(attachments=[{"content": "A" * 41}]),
            "$input.attachments.0.content",
            "longer than 40 characters",
        ),
    ],
)
def test_oversized_variables_are_refused_before_calling(
    gateway: Gateway, variables: dict[str, Any], path: str, what: str
) -> None:
    status, result = post(gateway, CREATE_INVOICE, variables)
    assert gateway.sent == []
    assert status == 400
    assert result == {
        "errors": [
            {
                "message": f"Variable {path} is {what}."
                if "longer" in what
                else f"Variable {path} has {what}.",
                "extensions": {"code": "INPUT_TOO_LARGE"},
            }
        ],
    }


def test_inputs_at_the_limits_are_sent(gateway: Gateway) -> None:
    content = base64.b64encode(b"b" * 30).decode()  # the Base64 of the largest upload
    variables = invoice(
        receivables=receivables(3),
        description="d" * 20,
        attachments=[{"filename": "a.txt", "content": content}],
    )
    result = gateway.graphql(CREATE_INVOICE, variables)
    assert result["data"]["createInvoice"]["userErrors"] == []
    [sent] = gateway.sent
    assert sent.content.count(b'"due_date"') == 3
    assert content.encode() in sent.content


def test_oversized_literals_are_validation_errors(gateway: Gateway) -> None:
    document = """
    mutation {
      createInvoice(input: {contractId: "3", description: "%s",
                            receivables: [{dueDate: "2025-06-10"}, {dueDate: "2025-06-11"},
                                          {dueDate: "2025-06-12"}, {dueDate: "2025-06-13"}]}) {
        userErrors { code }
      }
    }""" % ("d" * 21)
    status, result = post(gateway, document)
    assert gateway.sent == []
    assert status == 400
    # The string is refused from the text, before parsing (gateway.document_limits); the
    # list only validation can see, so the first refusal is the one reported.
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        ("A string is longer than 20 characters.", "INPUT_TOO_LARGE"),
    ]
    status, result = post(gateway, document.replace("d" * 21, "d"))
    assert gateway.sent == []
    assert status == 400
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        ("A list has more than 3 items.", "INPUT_TOO_LARGE"),
    ]


def test_the_content_limit_follows_the_upload_limit() -> None:
    limits = InputLimits.for_uploads(max_items=1, max_string_length=10, max_upload_bytes=3000)
    assert limits.max_content_length == 4000
    assert oversized_variable({"c": {"content": "A" * 4000}}, limits) is None
    assert oversized_variable({"c": {"content": "A" * 4001}}, limits) is not None
    assert oversized_variable({"c": {"other": "A" * 11}}, limits) is not None
