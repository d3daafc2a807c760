"""The company queries and mutations through the whole gateway, upstream mocked."""

from __future__ import annotations

from tests.support.gateway import answer, gateway_with
from tests.support.parties import (
    COMPANIES,
    COMPANY,
    CREATE_COMPANY,
    DELETE_COMPANY,
    UPDATE_COMPANY,
    by_route,
    fixture,
    sent_body,
    sent_query,
)

SEARCHED = {
    "id": "2122",
    "accountId": "29",
    "name": "F1 Teste Documentação",
    "companyName": "F1 Teste Documentação Ltda",
    "cnpj": "55.391.268/0001-93",
    "stateInscription": None,
    "cityInscription": None,
    "address": "Rua Tiradentes",
    "number": "1899",
    "zipcode": "09781220",
    "district": "Ferrazópolis",
    "complement": None,
    "city": "São Bernardo do Campo",
    "state": "SP",
    "ibgeCode": None,
    "contacts": "teste",
    "billingContacts": "teste@teste.com.br",
    "kind": "company",
    "comments": "teste",
    "clientSince": None,
    "nfseEmail": "teste@teste.com.br",
    "myfinanceCustomerId": "213341",
    "myfinanceErrors": None,
    "createdAt": "2018-12-10T15:26:12-02:00",
    "updatedAt": "2018-12-10T15:26:12-02:00",
}


def test_companies_lists_them_all_without_a_cnpj() -> None:
    with gateway_with(answer(200, fixture("company_list.response.json"))) as gateway:
        result = gateway.graphql(COMPANIES)
    companies = result["data"]["companies"]
    assert [c["id"] for c in companies] == ["7828", "7854", "7853"]
    assert [c["nfseEmail"] for c in companies] == [None, "teste@teste.com.br", None]
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.url.query) == ("GET", "/api/v1/companies", b"")


def test_companies_with_a_cnpj_searches_and_answers_the_list() -> None:
    with gateway_with(answer(200, fixture("company_search.response.json"))) as gateway:
        result = gateway.graphql(COMPANIES, {"cnpj": "55391268000193"})
    assert result["data"] == {"companies": [SEARCHED]}
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("GET", "/api/v1/companies/search")
    assert sent_query(sent) == [("cnpj", "55391268000193")]


def test_a_blank_cnpj_matches_no_company_without_a_call() -> None:
    with gateway_with(answer(200, fixture("company_list.response.json"))) as gateway:
        result = gateway.graphql(COMPANIES, {"cnpj": ""})
    assert result["data"] == {"companies": []}
    assert gateway.sent == []


def test_company_reads_one_and_maps_the_2016_shape_with_its_ibge_code() -> None:
    with gateway_with(answer(200, fixture("company_create_2016.response.json"))) as gateway:
        result = gateway.graphql(COMPANY, {"id": "571"})
    company = result["data"]["company"]
    assert (company["ibgeCode"], company["stateInscription"], company["updatedAt"]) == (
        "12345",
        None,
        None,
    )
    assert company["contacts"] == "foo@bar.com, spam@eggs.co.uk"
    assert [r.url.path for r in gateway.sent] == ["/api/v1/companies/571"]


def test_company_is_null_for_an_organizations_id_which_organization_finds() -> None:
    # The upstream answers `GET companies/{id}` with a 404 for an organization's id.
    handler = by_route(
        {("GET", "organizations"): answer(200, fixture("organization_list.response.json"))}
    )
    with gateway_with(handler) as gateway:
        result = gateway.graphql("query { company(id: 2115) { id } organization(id: 2115) { id } }")
    assert result["data"] == {"company": None, "organization": {"id": "2115"}}


def test_create_posts_the_flat_body_and_maps_the_documented_answer() -> None:
    documented = fixture("company_create.request.json")["company"]
    variables = {
        "input": {
            "name": documented["name"],
            "cnpj": documented["cnpj"],
            "clientSince": "2025-02-03",
            "zipcode": "01001000",
            "stateInscription": None,
        }
    }
    with gateway_with(answer(201, fixture("company_create.response.json"))) as gateway:
        result = gateway.graphql(CREATE_COMPANY, variables)
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("POST", "/api/v1/companies")
    # Flat, as the traffic sends it (the docs wrap it in "company").
    assert sent_body(sent) == {
        **documented,
        "client_since": "03/02/2025",
        "zipcode": "01001000",
        "state_inscription": None,
    }
    company = result["data"]["createCompany"]["company"]
    assert (company["id"], company["kind"], company["companyName"]) == ("14009", "company", None)


def test_create_rejected_as_recorded_names_each_field() -> None:
    recorded = {
        "errors": {
            "cnpj": ["já está em uso"],
            "name": ["já está em uso"],
            "company_name": ["já está em uso"],
            "zipcode": ["Por favor digite um CEP válido."],
        }
    }
    request = fixture("company_create_2016.request.json")
    variables = {
        "input": {
            "name": request["name"],
            "cnpj": request["cnpj"],
            "companyName": request["company_name"],
            "zipcode": "22290-080",
        }
    }
    with gateway_with(answer(422, recorded)) as gateway:
        result = gateway.graphql(CREATE_COMPANY, variables)
    assert [(e["field"], e["code"]) for e in result["data"]["createCompany"]["userErrors"]] == [
        (["input", "cnpj"], "TAKEN"),
        (["input", "name"], "TAKEN"),
        (["input", "companyName"], "TAKEN"),
        (["input", "zipcode"], "INVALID"),
    ]


def test_update_patches_only_the_fields_given() -> None:
    with gateway_with(answer(200, fixture("company_update.response.json"))) as gateway:
        result = gateway.graphql(
            UPDATE_COMPANY, {"input": {"id": "14009", "address": "Nossa Senhora das Vitórias"}}
        )
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("PATCH", "/api/v1/companies/14009")
    assert sent_body(sent) == fixture("company_update.request.json")
    company = result["data"]["updateCompany"]["company"]
    assert (company["address"], company["myfinanceCustomerId"]) == (
        "Av Nossa Senhora das Vitorias",
        "2411787",
    )


def test_delete_sends_a_bodiless_delete_and_answers_the_id_to_evict() -> None:
    with gateway_with(answer(204)) as gateway:
        result = gateway.graphql(DELETE_COMPANY, {"input": {"id": "0571"}})
    assert result["data"] == {"deleteCompany": {"deletedCompanyId": "571", "userErrors": []}}
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.content) == ("DELETE", "/api/v1/companies/571", b"")


def test_a_value_the_gateway_cannot_read_costs_only_its_field() -> None:
    answered = fixture("company_show.response.json")
    answered["company"] |= {"client_since": "date", "myfinance_customer_id": [1], "extra": 1}
    with gateway_with(answer(200, answered)) as gateway:
        result = gateway.graphql(COMPANY, {"id": "7828"})
    company = result["data"]["company"]
    assert (company["id"], company["name"], company["clientSince"]) == (
        "7828",
        "Gol de Placa",
        None,
    )
    assert company["myfinanceCustomerId"] is None
    assert sorted(error["path"][-1] for error in result["errors"]) == [
        "clientSince",
        "myfinanceCustomerId",
    ]
