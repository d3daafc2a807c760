"""Contracts in the sandbox: the default data set's, answered in the recorded shapes, and the
upstream's rules: unique names, the organization a sale or purchase needs, 404s for parties
that do not exist, the organization-scoped reads, the search, and contracts invoices can use."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from upstream_sandbox import Contract, create_app

from .support import client_for, create_invoice, load_fixture

pytestmark = pytest.mark.asyncio

TIMESTAMP = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2} -03:00")
TOKEN = re.compile(r"[0-9a-f]{32}")
# The parties of the default data set.
ORGANIZATION, PERSON, COMPANY = ("Company", 1), ("Person", 1), ("Company", 2)
NOT_LISTED = {"overdue", "valid_until", "plan", "cobrato_payment_gateway_charge_config_id"}


def parties(customer: tuple[str, int], supplier: tuple[str, int]) -> dict[str, Any]:
    return {
        "customer_type": customer[0],
        "customer_id": customer[1],
        "supplier_type": supplier[0],
        "supplier_id": supplier[1],
    }


def contract_body(name: str = "Contrato novo", **fields: Any) -> dict[str, Any]:
    return {"name": name, "title": "Contrato", **parties(PERSON, ORGANIZATION), **fields}


async def created(api: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await api.post("/contracts", json=contract_body(**fields))
    assert response.status_code == 201, response.text
    contract: dict[str, Any] = response.json()["contract"]
    return contract


async def rejected(response: httpx.Response) -> Any:
    assert response.status_code == 422, response.text
    return response.json()


async def test_the_default_contracts_are_the_organizations_in_the_recorded_list_shape(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/organizations/1/contracts")
    assert response.status_code == 200
    contracts = response.json()["contracts"]
    assert [(c["id"], c["customer_type"], c["customer_id"]) for c in contracts] == [
        (1, "Person", 1),
        (2, "Company", 2),
        (3, "Company", 3),
    ]
    for contract in contracts:
        assert (contract["supplier_type"], contract["supplier_id"]) == ORGANIZATION
        assert (contract["kind"], contract["state"], contract["status"]) == (
            "sale",
            "active",
            "established",
        )
        assert contract["name"]
        assert contract["title"]
        assert TOKEN.fullmatch(contract["token"])
        # The organization's list leaves these out, as recorded.
        assert not NOT_LISTED & contract.keys()


async def test_a_contract_is_shown_with_the_documented_keys_in_order(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/organizations/1/contracts/3")
    assert response.status_code == 200
    contract = response.json()["contract"]
    documented = load_fixture("contract_show.response.json")["contract"]
    # A field of the newer docs that no documented example shows.
    assert [key for key in contract if key != "overdue_automatic_management"] == list(documented)
    assert (contract["init_date"], contract["end_date"]) == ("10/03/2025", "09/03/2027")
    assert TIMESTAMP.fullmatch(contract["created_at"])
    assert contract["plan"] is None


async def test_a_contract_is_created_from_the_documented_body(api: httpx.AsyncClient) -> None:
    body = load_fixture("contract_create.request.json")
    # The documented ids as strings, naming the default data set's person and organization.
    body |= {"customer_id": "1", "supplier_id": "1"}
    response = await api.post("/contracts", json=body)
    assert response.status_code == 201, response.text
    contract = response.json()["contract"]
    documented = load_fixture("contract_create.response.json")["contract"]
    volatile = {"id", "token", "created_at", "customer_id", "supplier_id"}
    assert {k: v for k, v in contract.items() if k in documented and k not in volatile} == {
        k: v for k, v in documented.items() if k not in volatile
    }
    assert (contract["customer_id"], contract["supplier_id"]) == (1, 1)
    assert TOKEN.fullmatch(contract["token"])
    assert TIMESTAMP.fullmatch(contract["created_at"])


async def test_a_new_contract_is_a_sale_by_default_and_invoices_can_be_billed_under_it(
    api: httpx.AsyncClient,
) -> None:
    contract = await created(api, init_date="01-08-2025", description="", comments="")
    assert contract["kind"] == "sale"
    # Dates in DD/MM/YYYY; free text as written, "" included.
    assert (contract["init_date"], contract["description"], contract["comments"]) == (
        "01/08/2025",
        "",
        "",
    )
    invoice = await create_invoice(api, contract["id"])
    assert (invoice["contract_id"], invoice["customer_type"], invoice["customer_id"]) == (
        contract["id"],
        "Person",
        1,
    )
    listed = (await api.get("/organizations/1/contracts")).json()["contracts"]
    assert contract["id"] in [c["id"] for c in listed]
    searched = await api.get("/organizations/1/invoices/search", params={"per_page": 100})
    assert invoice["id"] in [i["id"] for i in searched.json()["invoices"]]


async def test_a_name_is_required_and_unique_in_the_account(api: httpx.AsyncClient) -> None:
    blank = await api.post("/contracts", json=contract_body(name=""))
    assert await rejected(blank) == {"errors": {"name": ["não pode ficar em branco"]}}
    taken = await api.post("/contracts", json=contract_body(name="Suporte Horizonte Engenharia"))
    assert await rejected(taken) == {
        "errors": {"name": ["Já existe um contrato com este nome nesta conta."]}
    }


async def test_a_sale_needs_an_organization_as_supplier_and_a_purchase_as_customer(
    api: httpx.AsyncClient,
) -> None:
    sale = await api.post("/contracts", json=contract_body(**parties(PERSON, COMPANY)))
    assert await rejected(sale) == {
        "errors": {"supplier_id": ["O fornecedor deve ser uma organização."]}
    }
    purchase = await api.post(
        "/contracts", json=contract_body(kind="purchase", **parties(PERSON, COMPANY))
    )
    assert await rejected(purchase) == {
        "errors": {"customer_id": ["O cliente deve ser uma organização."]}
    }
    bought = await created(api, kind="purchase", **parties(ORGANIZATION, COMPANY))
    assert (bought["customer_id"], bought["supplier_type"], bought["supplier_id"]) == (1, *COMPANY)
    # Listed for the organization that buys under it, and billed under it as its invoices.
    listed = (await api.get("/organizations/1/contracts")).json()["contracts"]
    assert bought["id"] in [c["id"] for c in listed]
    invoice = await create_invoice(api, bought["id"])
    searched = await api.get("/organizations/1/invoices/search", params={"per_page": 100})
    assert invoice["id"] in [i["id"] for i in searched.json()["invoices"]]


@pytest.mark.parametrize(
    "missing",
    [
        parties(("Person", 999), ORGANIZATION),
        parties(PERSON, ("Company", 999)),
        parties(("Company", 1), ("Person", 999)),
        {"customer_type": "Person", "customer_id": None},
    ],
)
async def test_a_customer_or_supplier_that_does_not_exist_is_an_empty_404(
    api: httpx.AsyncClient, missing: dict[str, Any]
) -> None:
    response = await api.post("/contracts", json=contract_body(**missing))
    assert (response.status_code, response.content) == (404, b"")
    update = await api.put("/contracts/3", json=missing)
    assert (update.status_code, update.content) == (404, b"")


async def test_a_contract_is_read_only_under_its_organization() -> None:
    contracts = [
        Contract(id=20, customer_id=5, customer_type="Company", organization_id=20),
        Contract(id=21, customer_id=6, customer_type="Person", organization_id=21),
    ]
    async with client_for(create_app(token="sandbox-token", contracts=contracts)) as api:
        assert (await api.get("/organizations/20/contracts/20")).status_code == 200
        for path in (
            "/organizations/20/contracts/21",  # another organization's
            "/organizations/20/contracts/99",
            "/organizations/99/contracts/20",
            "/organizations/99/contracts",
        ):
            response = await api.get(path)
            assert (response.status_code, response.content) == (404, b""), path
        (only,) = (await api.get("/organizations/21/contracts")).json()["contracts"]
        # A contract made with ids alone: a sale by its organization, its other fields null.
        assert (only["id"], only["supplier_id"], only["name"], only["token"]) == (
            21,
            21,
            None,
            None,
        )


async def test_the_search_matches_part_of_the_name_case_counting(api: httpx.AsyncClient) -> None:
    async def names(**params: Any) -> list[str]:
        response = await api.get("/contracts/search", params=params)
        assert response.status_code == 200
        return [c["name"] for c in response.json()["contracts"]]

    assert await names(name="Horizonte") == ["Suporte Horizonte Engenharia"]
    assert await names(name="horizonte") == []
    assert len(await names(name="o")) == 3
    assert await names(name="o", customer_id=2) == ["Sistema de gestão Pão Dourado"]
    for params in ({"name": ""}, {}):
        blank = await api.get("/contracts/search", params=params)
        assert (blank.status_code, blank.json()) == (
            400,
            {"errors": "Parâmetro(s) inválido(s) para busca: name"},
        )


async def test_an_update_changes_only_what_it_sends(api: httpx.AsyncClient) -> None:
    contract = await created(api, init_date="01-08-2025")
    response = await api.put(
        f"/contracts/{contract['id']}",
        json={"comments": "Contrato de cliente vips", "name": contract["name"]},
    )
    assert response.status_code == 200, response.text
    changed = response.json()["contract"]
    assert changed == contract | {"comments": "Contrato de cliente vips"}
    # Wrapped bodies and PATCH reach the same action.
    patched = await api.patch(f"/contracts/{contract['id']}", json={"contract": {"title": "T"}})
    assert patched.json()["contract"]["title"] == "T"
    taken = await api.put(
        f"/contracts/{contract['id']}", json={"name": "Suporte Horizonte Engenharia"}
    )
    assert (await rejected(taken))["errors"] == {
        "name": ["Já existe um contrato com este nome nesta conta."]
    }
    assert (await api.put("/contracts/999", json={"title": "x"})).status_code == 404


async def test_a_new_customer_is_what_its_invoices_show_from_then_on(
    api: httpx.AsyncClient,
) -> None:
    contract = await created(api)
    invoice = await create_invoice(api, contract["id"])
    response = await api.put(f"/contracts/{contract['id']}", json=parties(COMPANY, ORGANIZATION))
    assert response.status_code == 200, response.text
    shown = await api.get(f"/contracts/{contract['id']}/invoices/{invoice['id']}")
    assert (
        shown.json()["invoice"]["customer_type"],
        shown.json()["invoice"]["customer_id"],
    ) == COMPANY


async def test_a_contract_made_with_ids_alone_changes_without_its_parties() -> None:
    contracts = [Contract(id=20, customer_id=5, customer_type="Company", organization_id=20)]
    async with client_for(create_app(token="sandbox-token", contracts=contracts)) as api:
        response = await api.put("/contracts/20", json={"name": "Contrato 20"})
        assert response.status_code == 200, response.text
        assert response.json()["contract"]["name"] == "Contrato 20"


async def test_a_deleted_contract_is_gone_with_its_invoices(api: httpx.AsyncClient) -> None:
    contract = await created(api)
    invoice = await create_invoice(api, contract["id"])
    deleted = await api.delete(f"/contracts/{contract['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await api.get(f"/organizations/1/contracts/{contract['id']}")).status_code == 404
    assert (
        await api.get(f"/contracts/{contract['id']}/invoices/{invoice['id']}")
    ).status_code == 404
    searched = await api.get("/organizations/1/invoices/search", params={"per_page": 100})
    assert invoice["id"] not in [i["id"] for i in searched.json()["invoices"]]
    again = await api.delete(f"/contracts/{contract['id']}")
    assert (again.status_code, again.content) == (404, b"")


async def test_the_default_data_set_bills_the_default_contracts(api: httpx.AsyncClient) -> None:
    response = await api.get("/organizations/1/invoices/search")
    invoices = response.json()["invoices"]
    assert sorted({i["contract_id"] for i in invoices}) == [1, 2, 3]
    assert "received" in {i["state"] for i in invoices}
