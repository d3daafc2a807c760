"""The receivable query and mutations through the whole gateway, upstream mocked."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from examples.seed import (
    FIXTURES,
    RECEIVABLES,
    RECEIVE_RECEIVABLE,
    UNDO_RECEIVABLE_RECEIPT,
    load_fixture,
)
from tests.support.gateway import answer, gateway_with
from tests.unit.test_create_invoice import EXPECTED_SEED_INVOICE

TOKEN = "Token token=client-secret-123"
RECEIVABLE = EXPECTED_SEED_INVOICE["receivables"][0]


def test_receivables_sends_the_criteria_and_maps_each_with_its_embedded_invoice() -> None:
    variables = {
        "contractId": "3",
        "dueDateFrom": "2025-06-01",
        "dueDateTo": "2025-06-30",
        "state": "TO_RECEIVE",
    }
    with gateway_with(answer(200, load_fixture("receivables-search.response.json"))) as gateway:
        result = gateway.graphql(RECEIVABLES, variables, Authorization=TOKEN)
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("GET", "/api/v1/contracts/3/receivables/search")
    assert parse_qsl(sent.url.query.decode()) == [
        ("due_date_from", "01-06-2025"),
        ("due_date_to", "30-06-2025"),
        ("state", "to_receive"),
    ]
    assert sent.headers["authorization"] == TOKEN
    (receivable,) = result["data"]["receivables"]
    invoice = receivable.pop("invoice")
    assert receivable == {
        **RECEIVABLE,
        "state": "TO_RECEIVE",
        # One documented search example calls it `boleto_url`.
        "billetUrl": "https://boletos.example/62.pdf",
    }
    # The embedded invoice comes without its receivables: nothing more was fetched for it.
    assert invoice == {**EXPECTED_SEED_INVOICE, "state": "TO_RECEIVE", "receivables": None}


def test_receivables_without_criteria_sends_none_and_an_unknown_contract_is_empty() -> None:
    with gateway_with(answer(404, b"")) as gateway:
        result = gateway.graphql(RECEIVABLES, {"contractId": "9"})
        impossible = gateway.graphql(RECEIVABLES, {"contractId": "nine"})
    assert result["data"] == {"receivables": []}
    assert impossible["data"] == {"receivables": []}
    (sent,) = gateway.sent
    assert (sent.url.path, sent.url.query) == ("/api/v1/contracts/9/receivables/search", b"")


def test_an_embedded_invoice_without_an_id_costs_only_the_invoice_field() -> None:
    found = load_fixture("receivables-search.response.json")
    del found["receivables"][0]["invoice"]["id"]
    with gateway_with(answer(200, found)) as gateway:
        result = gateway.graphql(RECEIVABLES, {"contractId": "3"})
    (receivable,) = result["data"]["receivables"]
    assert (receivable["id"], receivable["invoice"]) == ("62", None)
    (error,) = result["errors"]
    assert error["path"] == ["receivables", 0, "invoice"]
    assert error["extensions"] == {"code": "UPSTREAM_INVALID_VALUE"}


def test_receive_sends_the_documented_body_and_answers_the_receivable() -> None:
    variables = """{"input": {"contractId": "3", "id": "62", "receivedValue": 50.00,
                    "receivedAt": "2024-10-30"}}"""
    with gateway_with(answer(200, load_fixture("receive-receivable.response.json"))) as gateway:
        result = gateway.graphql(RECEIVE_RECEIVABLE, variables, Authorization=TOKEN)
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("PATCH", "/api/v1/contracts/3/receivables/62/receive")
    assert sent.headers["content-type"] == "application/json"
    # REFERENCE.md's example body, digit for digit.
    documented = (FIXTURES / "receive-receivable.request.json").read_text(encoding="utf-8")
    assert json.loads(sent.content, parse_float=str) == json.loads(documented, parse_float=str)
    assert result["data"]["receiveReceivable"] == {
        "receivable": {
            **RECEIVABLE,
            "state": "RECEIVED",
            "receivedValue": "50.00",
            "receivedAt": "2024-10-30",
        },
        "userErrors": [],
    }


def test_receive_rejections_point_at_the_input() -> None:
    rejections: list[tuple[Any, list[dict[str, Any]]]] = [
        (
            {"received_value": "deve ser numérico", "received_at": "não é uma data válida"},
            [
                {
                    "field": ["input", "receivedValue"],
                    "message": "deve ser numérico",
                    "code": "NOT_A_NUMBER",
                },
                {
                    "field": ["input", "receivedAt"],
                    "message": "não é uma data válida",
                    "code": "INVALID",
                },
            ],
        ),
        (
            "O vencimento não pode ser recebido.",
            [{"field": None, "message": "O vencimento não pode ser recebido.", "code": "INVALID"}],
        ),
    ]
    variables = {
        "input": {"contractId": "3", "id": "62", "receivedValue": "50", "receivedAt": "2024-10-30"}
    }
    for errors, expected in rejections:
        with gateway_with(answer(422, {"errors": errors})) as gateway:
            result = gateway.graphql(RECEIVE_RECEIVABLE, variables)
        assert result["data"]["receiveReceivable"] == {"receivable": None, "userErrors": expected}


def test_undo_receipt_is_a_bodiless_patch_answering_the_reopened_receivable() -> None:
    reopened = load_fixture("receive-receivable.response.json")
    reopened["receivable"].update(state="to_receive", received_value=None, received_at=None)
    with gateway_with(answer(200, reopened)) as gateway:
        result = gateway.graphql(
            UNDO_RECEIVABLE_RECEIPT, {"input": {"contractId": "3", "id": "62"}}
        )
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.content) == (
        "PATCH",
        "/api/v1/contracts/3/receivables/62/undo_receipt",
        b"",
    )
    assert result["data"]["undoReceivableReceipt"] == {
        "receivable": {**RECEIVABLE, "state": "TO_RECEIVE"},
        "userErrors": [],
    }


def test_a_receivable_id_that_cannot_exist_is_a_user_error_before_any_call() -> None:
    with gateway_with(answer(200, {})) as gateway:
        result = gateway.graphql(
            UNDO_RECEIVABLE_RECEIPT, {"input": {"contractId": "3", "id": "62; DROP"}}
        )
    assert gateway.sent == []
    assert result["data"]["undoReceivableReceipt"]["userErrors"] == [
        {"field": ["input", "id"], "message": "must be a numeric id", "code": "INVALID"}
    ]
