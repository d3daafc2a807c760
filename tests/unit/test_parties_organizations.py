"""The organization queries and mutations through the whole gateway, upstream mocked: the exact
REST request each makes, and how the documented answers and errors reach the client."""

from __future__ import annotations

from typing import Any

from tests.support.gateway import answer, gateway_with
from tests.support.parties import (
    CREATE_ORGANIZATION,
    DELETE_ORGANIZATION,
    ORGANIZATION,
    ORGANIZATION_BY_CNPJ,
    ORGANIZATIONS,
    UPDATE_ORGANIZATION,
    fixture,
    sent_body,
    sent_query,
)

TOKEN = "Token token=client-secret-123"

DOCUMENTED = {
    "id": "2115",
    "accountId": "29",
    "name": "Org Doc Bills",
    "companyName": "Org Doc Bills",
    "cnpj": "57.757.975/0001-86",
    "address": "Nossa Senhora das Graças",
    "number": "390",
    "complement": "-",
    "zipcode": "02460100",
    "district": "Centro",
    "city": "São Paulo",
    "state": "SP",
    "createdAt": "2018-12-05T16:54:00-02:00",
}


def test_organizations_lists_the_account_organizations() -> None:
    with gateway_with(answer(200, fixture("organization_list.response.json"))) as gateway:
        result = gateway.graphql(ORGANIZATIONS, Authorization=TOKEN)
    first, second = result["data"]["organizations"]
    assert first == DOCUMENTED
    assert (second["id"], second["companyName"]) == ("14008", "Mattos Bills Ltda")
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.url.query) == ("GET", "/api/v1/organizations", b"")
    assert sent.headers["authorization"] == TOKEN


def test_one_organization_is_found_in_the_list_read_once_per_request() -> None:
    query = (
        "query($id: ID!) { a: organization(id: $id) { name } b: organization(id: 14008) { name }"
        " c: organization(id: 99) { name } all: organizations { id } }"
    )
    with gateway_with(answer(200, fixture("organization_list.response.json"))) as gateway:
        result = gateway.graphql(query, {"id": "02115"})
    assert result["data"] == {
        "a": {"name": "Org Doc Bills"},
        "b": {"name": "Mattos Bills"},
        "c": None,
        "all": [{"id": "2115"}, {"id": "14008"}],
    }
    assert [r.url.path for r in gateway.sent] == ["/api/v1/organizations"]


def test_an_id_that_is_no_number_names_no_organization_and_costs_no_call() -> None:
    with gateway_with(answer(200, fixture("organization_list.response.json"))) as gateway:
        result = gateway.graphql(ORGANIZATION, {"id": "abc"})
    assert result["data"] == {"organization": None}
    assert gateway.sent == []


def test_organization_by_cnpj_searches_and_maps_the_single_object() -> None:
    with gateway_with(answer(200, fixture("organization_search.response.json"))) as gateway:
        result = gateway.graphql(ORGANIZATION_BY_CNPJ, {"cnpj": "57.757.975/0001-86"})
    assert result["data"] == {"organizationByCnpj": DOCUMENTED}
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("GET", "/api/v1/organizations/search")
    assert sent_query(sent) == [("cnpj", "57.757.975/0001-86")]


def test_organization_by_cnpj_is_null_for_the_upstream_404_and_for_a_blank_cnpj() -> None:
    with gateway_with(answer(404, b"")) as gateway:
        missing = gateway.graphql(ORGANIZATION_BY_CNPJ, {"cnpj": "foo"})
        blank = gateway.graphql(ORGANIZATION_BY_CNPJ, {"cnpj": " "})
    assert missing["data"] == blank["data"] == {"organizationByCnpj": None}
    assert [sent_query(r) for r in gateway.sent] == [[("cnpj", "foo")]]


def test_create_posts_the_flat_body_and_answers_the_organization() -> None:
    request = fixture("organization_create.request.json")
    variables = {
        "input": {
            "name": request["name"],
            "companyName": request["company_name"],
            "cnpj": request["cnpj"],
            "address": request["address"],
            "number": request["number"],
            "complement": request["complement"],
            "zipcode": request["zipcode"],
            "district": request["district"],
            "city": request["city"],
            "state": request["state"],
            "idempotencyKey": "org-1",
        }
    }
    with gateway_with(answer(201, fixture("organization_create.response.json"))) as gateway:
        result = gateway.graphql(CREATE_ORGANIZATION, variables, Authorization=TOKEN)
        again = gateway.graphql(CREATE_ORGANIZATION, variables, Authorization=TOKEN)
    payload = result["data"]["createOrganization"]
    assert payload["userErrors"] == []
    assert payload["organization"] == {
        "id": "31",
        "accountId": "1",
        "name": "Nova Organização",
        "companyName": "Nova Organização LTDA.",
        "cnpj": "87.667.729/0001-02",
        "address": "Praça da Sé",
        "number": "123",
        "complement": "conj. 402",
        "zipcode": "01001000",
        "district": "Sé",
        "city": "São Paulo",
        "state": "SP",
        "createdAt": "2018-08-08T10:32:50-03:00",
    }
    assert again == result
    (sent,) = gateway.sent  # the retry under the same key is answered without a call
    assert (sent.method, sent.url.path) == ("POST", "/api/v1/organizations")
    assert sent_body(sent) == request


def test_create_rejected_by_the_upstream_points_at_each_field() -> None:
    errors = {
        "errors": {
            "name": ["não pode ficar em branco"],
            "cnpj": ["já está em uso", "inválido"],
            "zipcode": ["Por favor digite um CEP válido."],
        }
    }
    with gateway_with(answer(422, errors)) as gateway:
        result = gateway.graphql(
            CREATE_ORGANIZATION, {"input": {"name": "", "cnpj": "123456", "zipcode": "123"}}
        )
    assert result["data"]["createOrganization"] == {
        "organization": None,
        "userErrors": [
            {"field": ["input", "name"], "message": "não pode ficar em branco", "code": "BLANK"},
            {"field": ["input", "cnpj"], "message": "já está em uso", "code": "TAKEN"},
            {"field": ["input", "cnpj"], "message": "inválido", "code": "INVALID"},
            {
                "field": ["input", "zipcode"],
                "message": "Por favor digite um CEP válido.",
                "code": "INVALID",
            },
        ],
    }
    assert sent_body(gateway.sent[0]) == {"name": "", "cnpj": "123456", "zipcode": "123"}


def test_update_puts_only_the_fields_given_and_maps_an_answer_without_address_keys() -> None:
    variables: dict[str, Any] = {
        "input": {"id": "403", "name": "Organização atualizada", "complement": None}
    }
    with gateway_with(answer(200, fixture("organization_update_2016.response.json"))) as gateway:
        result = gateway.graphql(UPDATE_ORGANIZATION, variables, Authorization=TOKEN)
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("PUT", "/api/v1/organizations/403")
    assert sent_body(sent) == {"name": "Organização atualizada", "complement": None}
    organization = result["data"]["updateOrganization"]["organization"]
    assert organization["name"] == "Organização atualizada"
    assert organization["address"] is organization["companyName"] is None


def test_delete_refused_while_contracts_exist_is_a_user_error_on_the_whole_input() -> None:
    refusal = {
        "errors": {
            "base": [
                "Não foi possível apagar esta organização, pois há contratos associados à mesma."
            ]
        }
    }
    with gateway_with(answer(422, refusal)) as gateway:
        result = gateway.graphql(DELETE_ORGANIZATION, {"input": {"id": "564"}})
    assert result["data"]["deleteOrganization"] == {
        "deletedOrganizationId": None,
        "userErrors": [
            {
                "field": None,
                "message": "Não foi possível apagar esta organização, pois há contratos "
                "associados à mesma.",
                "code": "INVALID",
            }
        ],
    }
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.content) == (
        "DELETE",
        "/api/v1/organizations/564",
        b"",
    )
