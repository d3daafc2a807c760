"""Organizations, companies, people and service items through the gateway and the sandbox
upstream, both real servers on loopback, on the default data set; the recorder in front of
the sandbox shows the exact REST request each operation made."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from examples.seed import CREATE_INVOICE
from tests.e2e.test_invoice_api_over_sandbox import exact, only, post, query_of
from tests.support.parties import (
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
    PERSON,
    SERVICE_ITEM_BY_NAME,
    UPDATE_COMPANY,
    UPDATE_ORGANIZATION,
    UPDATE_PERSON,
    UPDATE_SERVICE_ITEM,
)
from tests.support.recorder import Recorder
from upstream_sandbox.documents import cnpj_from, cpf_from

# Documents no other test of the module uses: the sandbox lives as long as the module.
_fresh = itertools.count(100)


def new_cnpj() -> str:
    return cnpj_from(f"{next(_fresh):08d}0001")


def new_cpf() -> str:
    return cpf_from(f"{next(_fresh):09d}")


def payload(result: Any, field: str) -> Any:
    assert "errors" not in result, result
    return result["data"][field]


def changed(client: httpx.Client, document: str, field: str, input: dict[str, Any]) -> Any:
    """The object a mutation answers, asserting it had no user errors."""
    answered = payload(post(client, document, {"input": input}), field)
    assert answered["userErrors"] == [], answered
    (record,) = (value for key, value in answered.items() if key != "userErrors")
    return record


DATA_SET = """query($organization: ID!, $company: ID!, $person: ID!) {
  organizations { id name cnpj }
  organization(id: $organization) { name companyName zipcode createdAt }
  companies { id name }
  company(id: $company) { companyName cnpj clientSince kind updatedAt }
  people { id name }
  person(id: $person) { cpf clientSince allowEmailOnNfse }
  serviceItems { id name value unit }
}"""


def test_the_default_data_set_costs_one_get_per_collection(
    client: httpx.Client, recorder: Recorder
) -> None:
    ids = {"organization": "1", "company": "3", "person": "1"}
    data = post(client, DATA_SET, ids)
    assert post(client, DATA_SET, ids) == data
    assert data["data"]["organizations"] == [
        {"id": "1", "name": "Aurora Tecnologia", "cnpj": "27.438.156/0001-05"}
    ]
    assert data["data"]["organization"] == {
        "name": "Aurora Tecnologia",
        "companyName": "Aurora Tecnologia da Informação Ltda.",
        "zipcode": "01310200",
        "createdAt": "2025-01-06T09:00:00-03:00",
    }
    assert data["data"]["companies"][:2] == [
        {"id": "2", "name": "Pão Dourado"},
        {"id": "3", "name": "Horizonte Engenharia"},
    ]
    assert data["data"]["company"] == {
        "companyName": "Horizonte Engenharia e Construções S.A.",
        "cnpj": "63.194.582/0001-04",
        "clientSince": "2025-03-10",
        "kind": "company",
        "updatedAt": "2025-01-06T09:00:00-03:00",
    }
    assert data["data"]["people"][0] == {"id": "1", "name": "Mariana Souza Lima"}
    assert data["data"]["person"] == {
        "cpf": "31875406271",
        "clientSince": "2025-01-15",
        "allowEmailOnNfse": True,
    }
    assert data["data"]["serviceItems"][:3] == [
        {"id": "1", "name": "Consultoria", "value": "150.00", "unit": "item"},
        {"id": "2", "name": "Faturamento", "value": "100.00", "unit": "item"},
        {"id": "3", "name": "Suporte técnico", "value": "80.00", "unit": "item"},
    ]
    # Per request, one read per collection: `organizations` and `organization(id:)` share one;
    # the second request reads again (reads are cached per request only).
    paths = sorted(r.path.removeprefix("/api/v1/") for r in recorder.requests)
    assert paths == sorted(
        2 * ["organizations", "companies", "companies/3", "people", "people/1", "service_items"]
    )


SEARCHES = """query(
  $digits: String!, $formatted: String, $cpf: String, $name: String!, $foo: String!,
  $blank: String
) {
  organizationByCnpj(cnpj: $digits) { id }
  companies(cnpj: $formatted) { id }
  people(cpf: $cpf) { id }
  serviceItemByName(name: $name) { id }
  noOrganization: organizationByCnpj(cnpj: $foo) { id }
  noCompany: companies(cnpj: $blank) { id }
}"""


def test_searches_send_the_document_as_given_and_read_not_found_as_nothing(
    client: httpx.Client, recorder: Recorder
) -> None:
    variables = {
        "digits": "27438156000105",
        "formatted": "50.812.739/0001-76",
        "cpf": "318.754.062-71",
        "name": "Faturamento",
        "foo": "foo",
        "blank": "",
    }
    result = post(client, SEARCHES, variables)
    assert result["data"] == {
        "organizationByCnpj": {"id": "1"},
        "companies": [{"id": "2"}],
        "people": [{"id": "1"}],
        "serviceItemByName": {"id": "2"},
        "noOrganization": None,
        "noCompany": [],
    }
    # The blank CNPJ is never sent; the rest, each as given.
    assert sorted((r.path, tuple(query_of(r))) for r in recorder.requests) == [
        ("/api/v1/companies/search", (("cnpj", "50.812.739/0001-76"),)),
        ("/api/v1/organizations/search", (("cnpj", "27438156000105"),)),
        ("/api/v1/organizations/search", (("cnpj", "foo"),)),
        ("/api/v1/people/search", (("cpf", "318.754.062-71"),)),
        ("/api/v1/service_items/search", (("name", "Faturamento"),)),
    ]


def test_an_organization_is_created_once_per_key_changed_and_deleted(
    client: httpx.Client, recorder: Recorder
) -> None:
    cnpj = new_cnpj()
    digits = "".join(c for c in cnpj if c.isdigit())
    create = {"name": "Filial Sul", "cnpj": digits, "zipcode": "90010000", "idempotencyKey": cnpj}
    organization = changed(client, CREATE_ORGANIZATION, "createOrganization", create)
    again = changed(client, CREATE_ORGANIZATION, "createOrganization", create)
    request = only(recorder)
    assert (request.method, request.path) == ("POST", "/api/v1/organizations")
    assert exact(request) == {"name": "Filial Sul", "cnpj": digits, "zipcode": "90010000"}
    assert again == organization
    assert (organization["cnpj"], organization["zipcode"]) == (cnpj, "90010000")

    recorder.requests.clear()
    update = {"id": organization["id"], "city": "Porto Alegre", "complement": None}
    updated = changed(client, UPDATE_ORGANIZATION, "updateOrganization", update)
    request = only(recorder)
    assert (request.method, request.path) == ("PUT", f"/api/v1/organizations/{organization['id']}")
    assert exact(request) == {"city": "Porto Alegre", "complement": None}
    assert {k for k in organization if organization[k] != updated[k]} == {"city"}
    read = post(client, ORGANIZATION, {"id": organization["id"]})
    assert read == {"data": {"organization": updated}}

    deleted = payload(
        post(client, DELETE_ORGANIZATION, {"input": {"id": organization["id"]}}),
        "deleteOrganization",
    )
    assert deleted == {"deletedOrganizationId": organization["id"], "userErrors": []}
    assert post(client, ORGANIZATION, {"id": organization["id"]}) == {
        "data": {"organization": None}
    }


def test_a_company_is_created_patched_read_and_deleted(
    client: httpx.Client, recorder: Recorder
) -> None:
    cnpj = new_cnpj()
    create = {
        "name": f"Mercado {cnpj}",
        "cnpj": cnpj,
        "clientSince": "2025-05-02",
        "billingContacts": "contas@mercado.com.br",
        "complement": "",
    }
    company = changed(client, CREATE_COMPANY, "createCompany", create)
    assert exact(only(recorder)) == {
        "name": f"Mercado {cnpj}",
        "cnpj": cnpj,
        "client_since": "02/05/2025",
        "billing_contacts": "contas@mercado.com.br",
        "complement": "",
    }
    assert (company["clientSince"], company["kind"], company["complement"]) == (
        "2025-05-02",
        "company",
        None,
    )
    recorder.requests.clear()
    update = {"id": company["id"], "nfseEmail": "nfe@mercado.com.br"}
    updated = changed(client, UPDATE_COMPANY, "updateCompany", update)
    request = only(recorder)
    assert (request.method, request.path) == ("PATCH", f"/api/v1/companies/{company['id']}")
    assert exact(request) == {"nfse_email": "nfe@mercado.com.br"}
    assert post(client, COMPANY, {"id": company["id"]}) == {"data": {"company": updated}}
    deleted = payload(
        post(client, DELETE_COMPANY, {"input": {"id": company["id"]}}), "deleteCompany"
    )
    assert deleted["deletedCompanyId"] == company["id"]
    assert post(client, COMPANY, {"id": company["id"]}) == {"data": {"company": None}}


def test_a_person_is_created_with_a_formatted_cpf_and_read_as_its_digits(
    client: httpx.Client, recorder: Recorder
) -> None:
    cpf = new_cpf()
    formatted = f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"
    create = {"name": "João Pereira", "cpf": formatted, "clientSince": "2024-11-30"}
    person = changed(client, CREATE_PERSON, "createPerson", create)
    assert exact(only(recorder)) == {
        "name": "João Pereira",
        "cpf": formatted,
        "client_since": "30/11/2024",
    }
    assert (person["cpf"], person["clientSince"], person["allowEmailOnNfse"]) == (
        cpf,
        "2024-11-30",
        False,
    )
    recorder.requests.clear()
    updated = changed(
        client, UPDATE_PERSON, "updatePerson", {"id": person["id"], "email": "joao@exemplo.com"}
    )
    request = only(recorder)
    assert (request.method, request.path, exact(request)) == (
        "PUT",
        f"/api/v1/people/{person['id']}",
        {"email": "joao@exemplo.com"},
    )
    assert post(client, PERSON, {"id": person["id"]}) == {"data": {"person": updated}}
    deleted = payload(post(client, DELETE_PERSON, {"input": {"id": person["id"]}}), "deletePerson")
    assert deleted == {"deletedPersonId": person["id"], "userErrors": []}


def test_a_service_item_keeps_its_price_digits_and_is_found_by_name(
    client: httpx.Client, recorder: Recorder
) -> None:
    name = f"Treinamento {next(_fresh)}"
    item = changed(
        client,
        CREATE_SERVICE_ITEM,
        "createServiceItem",
        {"name": name, "description": "Turma de 8 horas", "value": "1234.50"},
    )
    assert exact(only(recorder)) == {
        "name": name,
        "description": "Turma de 8 horas",
        "value": "1234.50",
    }
    assert (item["value"], item["unit"]) == ("1234.50", "item")
    recorder.requests.clear()
    updated = changed(
        client, UPDATE_SERVICE_ITEM, "updateServiceItem", {"id": item["id"], "value": 1300}
    )
    request = only(recorder)
    assert (request.method, request.path, exact(request)) == (
        "PUT",
        f"/api/v1/service_items/{item['id']}",
        {"value": "1300"},
    )
    assert post(client, SERVICE_ITEM_BY_NAME, {"name": name}) == {
        "data": {"serviceItemByName": updated}
    }


def test_the_upstream_rules_come_back_as_user_errors_on_the_input(client: httpx.Client) -> None:
    def errors(document: str, field: str, input: dict[str, Any]) -> list[Any]:
        result: list[Any] = payload(post(client, document, {"input": input}), field)["userErrors"]
        return result

    assert errors(
        CREATE_ORGANIZATION, "createOrganization", {"name": "", "cnpj": "27438156000105"}
    ) == [
        {"field": ["input", "name"], "message": "não pode ficar em branco", "code": "BLANK"},
        {"field": ["input", "cnpj"], "message": "já está em uso", "code": "TAKEN"},
    ]
    assert errors(
        CREATE_COMPANY, "createCompany", {"name": "Pão Dourado", "cnpj": "123", "zipcode": "123"}
    ) == [
        {"field": ["input", "cnpj"], "message": "inválido", "code": "INVALID"},
        {"field": ["input", "name"], "message": "já está em uso", "code": "TAKEN"},
        {
            "field": ["input", "zipcode"],
            "message": "Por favor digite um CEP válido.",
            "code": "INVALID",
        },
    ]
    assert errors(CREATE_PERSON, "createPerson", {"name": "Ana", "cpf": "318.754.062-71"}) == [
        {"field": ["input", "cpf"], "message": "já está em uso", "code": "TAKEN"}
    ]
    # An organization's id is no company's.
    assert errors(UPDATE_COMPANY, "updateCompany", {"id": "1", "name": "X"}) == [
        {
            "field": ["input", "id"],
            "message": "Company not found (an organization's id is not a company's).",
            "code": "NOT_FOUND",
        }
    ]


def test_parties_with_contracts_and_items_invoices_use_cannot_be_deleted(
    client: httpx.Client,
) -> None:
    for document, field, party_id, whom in (
        (DELETE_ORGANIZATION, "deleteOrganization", "1", "esta organização"),
        (DELETE_COMPANY, "deleteCompany", "2", "esta empresa"),
        (DELETE_PERSON, "deletePerson", "1", "esta pessoa"),
    ):
        refused = payload(post(client, document, {"input": {"id": party_id}}), field)
        assert refused["userErrors"] == [
            {
                "field": None,
                "message": f"Não foi possível apagar {whom}, pois há contratos associados à mesma.",
                "code": "INVALID",
            }
        ]
    item = changed(
        client, CREATE_SERVICE_ITEM, "createServiceItem", {"name": f"Licença {next(_fresh)}"}
    )
    invoice = {
        "contractId": "3",
        "description": "Licenças",
        "grossValue": "90.00",
        "issueDate": "2025-06-02",
        "receivables": [{"dueDate": "2025-06-10", "grossValue": "90.00"}],
        "services": [
            {"serviceItemId": item["id"], "description": "Licença", "units": 1, "unitValue": 90}
        ],
    }
    assert (
        payload(post(client, CREATE_INVOICE, {"input": invoice}), "createInvoice")["userErrors"]
        == []
    )
    refused = payload(
        post(client, DELETE_SERVICE_ITEM, {"input": {"id": item["id"]}}), "deleteServiceItem"
    )
    assert refused["deletedServiceItemId"] is None
    assert [e["message"] for e in refused["userErrors"]] == [
        "Não foi possível apagar este serviço. Verifique se há faturamentos ou planos associados "
        "ao mesmo."
    ]
