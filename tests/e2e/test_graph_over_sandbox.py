"""The resources as one graph (issue 14): each link fetched only when selected, each distinct
object once per request, counted on the requests the sandbox upstream received."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import AUTHORIZATION, SANDBOX_TOKEN
from tests.support.recorder import Recorder
from tests.support.servers import serve
from upstream_sandbox import create_app as create_sandbox

# The default data set: organization 1 supplies contracts 1 (person 1), 2 (company 2) and
# 3 (company 3).
ORGANIZATION = "1"
CONTRACT_CUSTOMERS = {1: ("Person", 1), 2: ("Company", 2), 3: ("Company", 3)}
INVOICES_PER_CONTRACT = 34  # 102 in all, so a page of 100 spans the three contracts

SCREEN = """
query Screen($organizationId: ID!, $first: Int) {
  invoices(organizationId: $organizationId, first: $first) {
    edges { node { id contract { id name customer { ... on Company { id name } } } } }
  }
}
"""
ONE_INVOICE = """
query One($contractId: ID!, $id: ID!) {
  invoice(contractId: $contractId, id: $id) {
    id
    contract { id name }
    customer { __typename ... on Person { id name } ... on Company { id name } }
  }
}
"""
CONTRACT_CHILDREN = """
query Children($organizationId: ID!, $id: ID!) {
  contract(organizationId: $organizationId, id: $id) {
    id
    customer { __typename ... on Company { id } ... on Person { id } }
    supplier { __typename ... on Organization { id name } }
    invoiceRules { id }
    lateInvoices { id }
    receivables { id }
    invoices(first: 5) { edges { node { id contractId } } }
  }
}
"""
ORGANIZATION_CHILDREN = """
query Org($id: ID!) {
  organization(id: $id) {
    id
    contracts { id }
    invoices(first: 3) { edges { node { id } } }
    invoiceTemplates { id }
    emailTemplates { id }
    nfseTemplates { id }
    chargeTemplates { id }
    financialAccounts { id }
    nfses(first: 2) { edges { node { id } } }
  }
}
"""


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder(create_sandbox(token=SANDBOX_TOKEN))
    with serve(recorder) as url:
        for contract in CONTRACT_CUSTOMERS:
            for day in range(1, INVOICES_PER_CONTRACT + 1):
                _create_invoice(url, contract, day)
        yield url, recorder


def _create_invoice(url: str, contract: int, day: int) -> None:
    body = {
        "invoice": {
            "description": f"Mensalidade {day}",
            "gross_value": "100.00",
            "issue_date": f"{day % 28 + 1:02d}-06-2025",
            "receivables": [{"due_date": "10-07-2025", "gross_value": "100.00"}],
        }
    }
    response = httpx.post(
        f"{url}/api/v1/contracts/{contract}/invoices",
        json=body,
        headers={"Authorization": AUTHORIZATION},
    )
    assert response.status_code == 201, response.text


def post(client: httpx.Client, query: str, variables: dict[str, Any]) -> Any:
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": AUTHORIZATION},
    )
    assert response.status_code == 200, response.text
    result = json.loads(response.text, parse_float=Decimal)
    assert "errors" not in result, result
    return result["data"]


def reads(recorder: Recorder) -> Counter[str]:
    assert all(request.method == "GET" for request in recorder.requests)
    return Counter(request.path.removeprefix("/api/v1/") for request in recorder.requests)


def test_a_page_of_invoices_with_contract_and_customer_costs_one_read_per_distinct_object(
    client: httpx.Client, recorder: Recorder
) -> None:
    data = post(client, SCREEN, {"organizationId": ORGANIZATION, "first": 100})

    nodes = [edge["node"] for edge in data["invoices"]["edges"]]
    assert len(nodes) == 100
    assert {node["contract"]["id"] for node in nodes} == {"1", "2", "3"}
    for node in nodes:
        kind, customer = CONTRACT_CUSTOMERS[int(node["contract"]["id"])]
        assert node["contract"]["name"]
        selected = node["contract"]["customer"]
        if kind == "Person":
            assert selected == {}  # `... on Company` selects nothing of a person
        else:
            assert selected["id"] == str(customer)
            assert selected["name"]
    # The search, one read per distinct contract, one per distinct customer: no look-ups.
    assert reads(recorder) == Counter(
        {
            f"organizations/{ORGANIZATION}/invoices/search": 1,
            **{f"organizations/{ORGANIZATION}/contracts/{c}": 1 for c in CONTRACT_CUSTOMERS},
            "people/1": 1,
            "companies/2": 1,
            "companies/3": 1,
        }
    )


def test_a_link_not_selected_costs_nothing(client: httpx.Client, recorder: Recorder) -> None:
    post(
        client,
        "query($o: ID!) { invoices(organizationId: $o, first: 50) { edges { node { id } } } }",
        {"o": ORGANIZATION},
    )
    assert reads(recorder) == Counter({f"organizations/{ORGANIZATION}/invoices/search": 1})


def test_an_invoice_read_alone_finds_its_contract_through_the_organizations(
    client: httpx.Client, recorder: Recorder
) -> None:
    page = post(client, SCREEN, {"organizationId": ORGANIZATION, "first": 1})
    invoice = page["invoices"]["edges"][0]["node"]
    contract_id = invoice["contract"]["id"]
    recorder.requests.clear()

    data = post(client, ONE_INVOICE, {"contractId": contract_id, "id": invoice["id"]})

    assert data["invoice"]["contract"]["id"] == contract_id
    kind, customer = CONTRACT_CUSTOMERS[int(contract_id)]
    assert data["invoice"]["customer"]["__typename"] == kind
    assert data["invoice"]["customer"]["id"] == str(customer)
    assert reads(recorder) == Counter(
        {
            f"contracts/{contract_id}/invoices/{invoice['id']}": 1,
            "organizations": 1,
            f"organizations/{ORGANIZATION}/contracts/{contract_id}": 1,
            f"{'people' if kind == 'Person' else 'companies'}/{customer}": 1,
        }
    )


def test_a_contracts_children_and_its_organization_supplier(
    client: httpx.Client, recorder: Recorder
) -> None:
    data = post(client, CONTRACT_CHILDREN, {"organizationId": ORGANIZATION, "id": "3"})

    contract = data["contract"]
    assert contract["customer"] == {"__typename": "Company", "id": "3"}
    # The supplier of a sale is an organization, typed "Company" upstream: companies/1 is a
    # 404, and the organization is found in the account's list.
    assert contract["supplier"]["__typename"] == "Organization"
    assert contract["supplier"]["id"] == ORGANIZATION
    assert [e["node"]["contractId"] for e in contract["invoices"]["edges"]] == ["3"] * 5
    counted = reads(recorder)
    assert counted["companies/1"] == 1
    assert counted["organizations"] == 1
    assert counted["contracts/3/invoice_rules"] == 1
    assert counted["contracts/3/invoices/late"] == 1
    assert counted["contracts/3/receivables/search"] == 1
    (search,) = [
        r
        for r in recorder.requests
        if r.path.endswith(f"organizations/{ORGANIZATION}/invoices/search")
    ]
    assert "q%5Bcontract_id_eq%5D=3" in search.query or "q[contract_id_eq]=3" in search.query


def test_an_organizations_children(client: httpx.Client, recorder: Recorder) -> None:
    data = post(client, ORGANIZATION_CHILDREN, {"id": ORGANIZATION})

    organization = data["organization"]
    assert {c["id"] for c in organization["contracts"]} >= {"1", "2", "3"}
    assert len(organization["invoices"]["edges"]) == 3
    assert organization["invoiceTemplates"]
    assert organization["emailTemplates"]
    counted = reads(recorder)
    # Each list once, though `organization(id:)` and nothing else needed the organizations.
    assert counted["organizations"] == 1
    assert all(count == 1 for count in counted.values()), counted
