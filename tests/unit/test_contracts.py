"""The contract queries and mutations through the whole gateway, upstream mocked.

Each pins the exact REST request (method, path, query string, body) and how the documented
answer (examples/fixtures/contract_*.json, from the upstream's docs and traffic) reaches the
client, and maps every recorded error shape to user errors.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from examples.contracts import (
    CONTRACT,
    CONTRACTS,
    CREATE_CONTRACT,
    DELETE_CONTRACT,
    SEARCH_CONTRACTS,
    UPDATE_CONTRACT,
)
from examples.seed import load_fixture
from tests.support.gateway import answer, gateway_with

TOKEN = "Token token=client-secret-123"

# docs:contratos/_ctt_cria.md's answer, as a client reads it.
EXPECTED_CONTRACT: dict[str, Any] = {
    "id": "11984",
    "name": "Contrato Desenvolvimento de Software ABD",
    "title": "Contrato Desenvolvimento de Software",
    "token": "cebec471e33560b9c579217acd739b04",
    "description": None,
    "customerId": "1617",
    "customerType": "PERSON",
    "supplierId": "486",
    "supplierType": "COMPANY",
    "state": "ACTIVE",
    "comments": None,
    "initDate": None,
    "endDate": None,
    "createdAt": "2018-12-07T13:34:29-02:00",
    "kind": "SALE",
    "overdue": False,
    "validUntil": None,
    "status": "ESTABLISHED",
    "registrationMethod": "REGULAR",
    "cobratoPaymentGatewayChargeConfigId": None,
    "cobratoPaymentGatewayChargeConfigName": None,
    "cancelDate": None,
    "cancelReason": None,
    "overdueAutomaticManagement": None,
}
CREATE_VARIABLES: dict[str, Any] = {
    "input": {
        "kind": "SALE",
        "name": "Contrato Desenvolvimento de Software ABD",
        "title": "Contrato Desenvolvimento de Software",
        "customer": {"type": "PERSON", "id": "1617"},
        "supplier": {"type": "COMPANY", "id": "486"},
    }
}


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


def query_of(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode(), keep_blank_values=True)


def sent(request: httpx.Request) -> tuple[str, str]:
    return request.method, request.url.path


def test_an_organizations_contracts_are_listed_under_it() -> None:
    with gateway_with(answer(200, load_fixture("contract_list.response.json"))) as gateway:
        result = gateway.graphql(CONTRACTS, {"organizationId": "486"}, Authorization=TOKEN)
    assert result["data"] == {"contracts": [EXPECTED_CONTRACT]}
    (request,) = gateway.sent
    assert sent(request) == ("GET", "/api/v1/organizations/486/contracts")
    assert request.headers["authorization"] == TOKEN


@pytest.mark.parametrize("status", [200, 404])
def test_an_organization_without_contracts_or_unknown_has_none(status: int) -> None:
    body = {"contracts": []} if status == 200 else None
    with gateway_with(answer(status, body)) as gateway:
        result = gateway.graphql(CONTRACTS, {"organizationId": "999"})
    assert result["data"] == {"contracts": []}


def test_a_contract_is_read_under_its_organization() -> None:
    with gateway_with(answer(200, load_fixture("contract_show.response.json"))) as gateway:
        result = gateway.graphql(CONTRACT, {"organizationId": "486", "id": "11984"})
    assert result["data"]["contract"] == EXPECTED_CONTRACT | {
        "token": "bc46ab3fa231fc373e0f64ded6c36f6a",
        "createdAt": "2018-12-07T14:11:37-02:00",
    }
    assert [sent(r) for r in gateway.sent] == [("GET", "/api/v1/organizations/486/contracts/11984")]


def test_a_contract_that_is_not_there_is_null_and_an_id_no_contract_has_costs_no_call() -> None:
    with gateway_with(answer(404)) as gateway:
        missing = gateway.graphql(CONTRACT, {"organizationId": "486", "id": "1"})
        impossible = gateway.graphql(CONTRACT, {"organizationId": "486", "id": "abc"})
    assert missing["data"] == {"contract": None}
    assert impossible["data"] == {"contract": None}
    assert len(gateway.sent) == 1


def test_an_older_contract_maps_its_integer_state_and_null_status() -> None:
    with gateway_with(answer(200, load_fixture("contract_create_2016.response.json"))) as gateway:
        result = gateway.graphql(CONTRACT, {"organizationId": "564", "id": "7392"})
    contract = result["data"]["contract"]
    assert (contract["state"], contract["status"], contract["token"]) == ("ACTIVE", None, None)
    assert "errors" not in result


def test_search_sends_the_name_and_the_customer() -> None:
    with gateway_with(answer(200, load_fixture("contract_search.response.json"))) as gateway:
        result = gateway.graphql(SEARCH_CONTRACTS, {"name": "Contrato", "customerId": "1617"})
        gateway.graphql(SEARCH_CONTRACTS, {"name": "Contrato Desenvolvimento"})
    assert result["data"] == {"searchContracts": [EXPECTED_CONTRACT]}
    with_customer, by_name = gateway.sent
    assert sent(with_customer) == ("GET", "/api/v1/contracts/search")
    assert query_of(with_customer) == [("name", "Contrato"), ("customer_id", "1617")]
    assert query_of(by_name) == [("name", "Contrato Desenvolvimento")]


@pytest.mark.parametrize("variables", [{"name": " "}, {"name": "x", "customerId": "abc"}])
def test_a_search_nothing_can_match_costs_no_call(variables: dict[str, str]) -> None:
    # The upstream answers a blank name with 400 {"errors": "Parâmetro(s) inválido(s) ..."}.
    with gateway_with(answer(400, {"errors": "Parâmetro(s) inválido(s) para busca: name"})) as g:
        result = g.graphql(SEARCH_CONTRACTS, variables)
    assert result["data"] == {"searchContracts": []}
    assert g.sent == []


def test_create_sends_a_flat_body_with_each_party_as_its_rest_pair() -> None:
    with gateway_with(answer(201, load_fixture("contract_create.response.json"))) as gateway:
        result = gateway.graphql(CREATE_CONTRACT, CREATE_VARIABLES, Authorization=TOKEN)
    assert result["data"]["createContract"] == {"contract": EXPECTED_CONTRACT, "userErrors": []}
    (request,) = gateway.sent
    assert sent(request) == ("POST", "/api/v1/contracts")
    documented = load_fixture("contract_create.request.json")
    # The docs send the ids as strings, which they document; the traffic sends numbers.
    documented |= {"customer_id": 1617, "supplier_id": 486}
    assert body_of(request) == documented


def test_create_is_made_once_per_idempotency_key() -> None:
    variables = {"input": CREATE_VARIABLES["input"] | {"idempotencyKey": "contract-1"}}
    with gateway_with(answer(201, load_fixture("contract_create.response.json"))) as gateway:
        first = gateway.graphql(CREATE_CONTRACT, variables)
        again = gateway.graphql(CREATE_CONTRACT, variables)
    assert first["data"] == again["data"]
    assert len(gateway.sent) == 1
    assert "idempotencyKey" not in json.dumps(body_of(gateway.sent[0]))


@pytest.mark.parametrize(
    ("errors", "user_errors"),
    [
        (
            {"name": ["não pode ficar em branco"]},
            [{"field": ["input", "name"], "message": "não pode ficar em branco", "code": "BLANK"}],
        ),
        (
            {"name": ["Já existe um contrato com este nome nesta conta."]},
            [
                {
                    "field": ["input", "name"],
                    "message": "Já existe um contrato com este nome nesta conta.",
                    "code": "TAKEN",
                }
            ],
        ),
        (
            {"supplier_id": ["O fornecedor deve ser uma organização."]},
            [
                {
                    "field": ["input", "supplier", "id"],
                    "message": "O fornecedor deve ser uma organização.",
                    "code": "INVALID",
                }
            ],
        ),
        (
            {"customer_id": ["O cliente deve ser uma organização."]},
            [
                {
                    "field": ["input", "customer", "id"],
                    "message": "O cliente deve ser uma organização.",
                    "code": "INVALID",
                }
            ],
        ),
    ],
)
def test_each_recorded_rejection_of_a_create_is_a_user_error_on_its_input_field(
    errors: dict[str, list[str]], user_errors: list[dict[str, Any]]
) -> None:
    with gateway_with(answer(422, {"errors": errors})) as gateway:
        result = gateway.graphql(CREATE_CONTRACT, CREATE_VARIABLES)
    assert result["data"]["createContract"] == {"contract": None, "userErrors": user_errors}


def test_a_create_answered_404_is_a_customer_or_supplier_that_does_not_exist() -> None:
    with gateway_with(answer(404)) as gateway:
        result = gateway.graphql(CREATE_CONTRACT, CREATE_VARIABLES)
    assert result["data"]["createContract"] == {
        "contract": None,
        "userErrors": [
            {
                "field": ["input"],
                "message": "The customer or the supplier does not exist.",
                "code": "NOT_FOUND",
            }
        ],
    }


def test_a_party_id_that_is_no_number_is_a_user_error_and_costs_no_call() -> None:
    variables = {"input": CREATE_VARIABLES["input"] | {"supplier": {"type": "COMPANY", "id": "x"}}}
    with gateway_with(answer(201, load_fixture("contract_create.response.json"))) as gateway:
        result = gateway.graphql(CREATE_CONTRACT, variables)
    (error,) = result["data"]["createContract"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "supplier", "id"], "INVALID")
    assert gateway.sent == []


def test_update_puts_only_the_fields_given() -> None:
    variables = {"input": {"id": "11985", "comments": "Contrato de cliente vips"}}
    with gateway_with(answer(200, load_fixture("contract_update.response.json"))) as gateway:
        result = gateway.graphql(UPDATE_CONTRACT, variables)
    payload = result["data"]["updateContract"]
    assert payload["userErrors"] == []
    assert (payload["contract"]["id"], payload["contract"]["comments"]) == (
        "11985",
        "Contrato de cliente vips",
    )
    (request,) = gateway.sent
    assert sent(request) == ("PUT", "/api/v1/contracts/11985")
    assert body_of(request) == load_fixture("contract_update.request.json")


def test_update_sends_a_new_party_as_its_rest_pair_and_null_clears_a_field() -> None:
    variables = {
        "input": {
            "id": "11985",
            "customer": {"type": "COMPANY", "id": "578"},
            "endDate": "2026-12-31",
            "description": None,
        }
    }
    with gateway_with(answer(200, load_fixture("contract_update.response.json"))) as gateway:
        gateway.graphql(UPDATE_CONTRACT, variables)
    assert body_of(gateway.sent[0]) == {
        "description": None,
        "end_date": "31-12-2026",
        "customer_type": "Company",
        "customer_id": 578,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "Novo"}, "Contract not found."),
        (
            {"supplier": {"type": "COMPANY", "id": "999"}},
            "Contract not found, or the customer or the supplier given does not exist.",
        ),
    ],
)
def test_an_update_answered_404_says_what_may_not_exist(
    change: dict[str, Any], message: str
) -> None:
    with gateway_with(answer(404)) as gateway:
        result = gateway.graphql(UPDATE_CONTRACT, {"input": {"id": "11985", **change}})
    (error,) = result["data"]["updateContract"]["userErrors"]
    assert (error["message"], error["code"]) == (message, "NOT_FOUND")
    assert error["field"] == (["input", "id"] if "title" in change else ["input"])


def test_an_empty_update_is_a_user_error_and_never_reaches_the_upstream() -> None:
    with gateway_with(answer(200, load_fixture("contract_update.response.json"))) as gateway:
        result = gateway.graphql(UPDATE_CONTRACT, {"input": {"id": "11985"}})
    assert result["data"]["updateContract"]["userErrors"] == [
        {
            "field": ["input"],
            "message": "Nothing to change: give at least one field of the contract.",
            "code": "BLANK",
        }
    ]
    assert gateway.sent == []


def test_delete_answers_the_deleted_id_or_not_found() -> None:
    with gateway_with(answer(204)) as gateway:
        deleted = gateway.graphql(DELETE_CONTRACT, {"input": {"id": "11985"}})
    assert deleted["data"]["deleteContract"] == {"deletedContractId": "11985", "userErrors": []}
    assert [sent(r) for r in gateway.sent] == [("DELETE", "/api/v1/contracts/11985")]
    with gateway_with(answer(404)) as gateway:
        missing = gateway.graphql(DELETE_CONTRACT, {"input": {"id": "11985"}})
    assert missing["data"]["deleteContract"] == {
        "deletedContractId": None,
        "userErrors": [
            {"field": ["input", "id"], "message": "Contract not found.", "code": "NOT_FOUND"}
        ],
    }
