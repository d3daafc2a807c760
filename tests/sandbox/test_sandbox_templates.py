"""An organization's templates, financial accounts and NFS-e in the sandbox: the seeded data
set answered in the documented examples' shapes and formats, the 404s, the template search by
type, and the NFS-e search's pages and Ransack predicates."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from upstream_sandbox import Contract, create_app
from upstream_sandbox.templates import Templates

from .support import client_for, load_fixture

pytestmark = pytest.mark.asyncio

ISO_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-03:00")
UPSTREAM_TIMESTAMP = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2} -03:00")
DECIMAL = re.compile(r"-?\d+\.\d+")

LISTS = [
    "invoice_templates",
    "email_templates",
    "nfse_templates",
    "charge_templates",
    "financial_accounts",
]


async def ok(api: httpx.AsyncClient, path: str, **params: Any) -> Any:
    # Only with params given: httpx would drop a query string written in the path.
    response = await api.get(path, params=params or None)
    assert response.status_code == 200, response.text
    return response.json()


def keys(fixture: str, envelope: str) -> list[str]:
    found = load_fixture(fixture)[envelope]
    return list((found[0] if isinstance(found, list) else found).keys())


@pytest.mark.parametrize(
    ("plural", "fixture"),
    [
        ("email_templates", "email_template_list.response.json"),
        ("nfse_templates", "nfse_template_list.response.json"),
        ("charge_templates", "charge_template_list.response.json"),
        ("financial_accounts", "financial_account_list.response.json"),
    ],
)
async def test_each_list_answers_the_documented_keys_in_order(
    api: httpx.AsyncClient, plural: str, fixture: str
) -> None:
    (record,) = (await ok(api, f"/organizations/1/{plural}"))[plural]
    documented = keys(fixture, plural)
    if plural == "charge_templates":
        # The documented list writes `charging_account_id` on one item only.
        documented = [*documented[:7], "charging_account_id", *documented[7:]]
    assert list(record) == documented


async def test_invoice_templates_answer_the_documented_keys_and_nested_keys(
    api: httpx.AsyncClient,
) -> None:
    found = (await ok(api, "/organizations/1/invoice_templates"))["invoice_templates"]
    documented = load_fixture("invoice_template_list.response.json")["invoice_templates"][1]
    shown = load_fixture("invoice_template_show.response.json")["invoice_template"]
    for template in found:
        assert list(template) == list(documented)
        # The list's example has `move_due_date_to_business_day`, the show's the week day.
        terms = {**documented["receivables_additional_information"]}
        terms |= shown["receivables_additional_information"]
        assert set(template["receivables_additional_information"]) == set(terms)
        for service in template["services"]:
            assert list(service) == list(documented["services"][0])
    recurring = next(t for t in found if t["scheduled_updates"])
    (update,) = recurring["scheduled_updates"]
    assert list(update) == list(documented["scheduled_updates"][0])


async def test_the_seeded_templates_refer_to_each_other_and_write_the_upstreams_formats(
    api: httpx.AsyncClient,
) -> None:
    one_off, recurring = (await ok(api, "/organizations/1/invoice_templates"))["invoice_templates"]
    (email,) = (await ok(api, "/organizations/1/email_templates"))["email_templates"]
    (account,) = (await ok(api, "/organizations/1/financial_accounts"))["financial_accounts"]
    (charge,) = (await ok(api, "/organizations/1/charge_templates"))["charge_templates"]
    (nfse_template,) = (await ok(api, "/organizations/1/nfse_templates"))["nfse_templates"]

    assert one_off["month_quantity"] is None
    assert one_off["scheduled_updates"] == []
    assert recurring["month_quantity"] == 1
    assert recurring["automatic_email_template_id"] == email["id"]
    assert recurring["management_type"] == "automatic"
    for template in (one_off, recurring):
        assert template["financial_account_id"] == account["id"]
        assert template["financial_charge_template_id"] == charge["id"]
        total = sum(float(s["value"]) for s in template["services"])
        assert float(template["gross_value"]) == total
        assert UPSTREAM_TIMESTAMP.fullmatch(template["created_at"])
        assert all(DECIMAL.fullmatch(s["units"]) for s in template["services"])
    (update,) = recurring["scheduled_updates"]
    assert update["invoice_template_id"] == recurring["id"]
    assert update["invoice_rule_id"] is None
    assert (update["notified"], update["price_index"]) == (False, "ipca")
    assert charge["financial_account_id"] == account["id"]
    assert charge["payment_method"] == "boleto"
    assert account["payment_methods"] == ["boleto"]
    assert nfse_template["retencoes_destacadas_nota"] == ["IR", "PIS", "COFINS", "CSLL"]
    assert (email["company_id"], nfse_template["company_id"]) == (1, 1)
    assert (charge["organization_id"], account["organization_id"]) == (1, 1)
    assert UPSTREAM_TIMESTAMP.fullmatch(email["created_at"])
    for stamped in (update, charge, account, nfse_template):
        assert ISO_MS.fullmatch(stamped["created_at"]), stamped["created_at"]
        assert ISO_MS.fullmatch(stamped["updated_at"]), stamped["updated_at"]


async def test_the_part_keeps_each_invoice_template_as_rendered_with_its_organization(
    sandbox: Starlette, api: httpx.AsyncClient
) -> None:
    found = (await ok(api, "/organizations/1/invoice_templates"))["invoice_templates"]
    kept = sandbox.state.store.part(Templates).invoice_templates
    assert kept == {t["id"]: {**t, "organization_id": 1} for t in found}


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("invoice_templates", "invoice_template"),
        ("charge_templates", "charge_template"),
        ("financial_accounts", "financial_account"),
    ],
)
async def test_show_answers_one_and_404_for_an_id_the_organization_does_not_have(
    api: httpx.AsyncClient, plural: str, singular: str
) -> None:
    listed = (await ok(api, f"/organizations/1/{plural}"))[plural]
    for record in listed:
        assert await ok(api, f"/organizations/1/{plural}/{record['id']}") == {singular: record}
    missing = await api.get(f"/organizations/1/{plural}/999")
    assert (missing.status_code, missing.content) == (404, b"")


async def test_a_record_of_another_organization_is_not_found_under_this_one(
    sandbox: Starlette, api: httpx.AsyncClient
) -> None:
    templates = sandbox.state.store.part(Templates)
    template = next(iter(templates.invoice_templates.values()))
    templates.invoice_templates[99] = {**template, "id": 99, "organization_id": 2}
    response = await api.get("/organizations/1/invoice_templates/99")
    assert response.status_code == 404
    listed = (await ok(api, "/organizations/1/invoice_templates"))["invoice_templates"]
    assert 99 not in [t["id"] for t in listed]


@pytest.mark.parametrize(
    "path",
    [
        *(f"/organizations/999/{plural}" for plural in LISTS),
        "/organizations/999/invoice_templates/1",
        "/organizations/999/invoice_templates/search?type=invoice",
        "/organizations/999/charge_templates/1",
        "/organizations/999/financial_accounts/1",
        "/organizations/999/nfses/search",
    ],
)
async def test_an_unknown_organization_is_a_404_with_an_empty_body(
    api: httpx.AsyncClient, path: str
) -> None:
    response = await api.get(path)
    assert (response.status_code, response.content) == (404, b"")


@pytest.mark.parametrize("path", ["/email_templates/1", "/nfse_templates/1"])
async def test_email_and_nfse_templates_have_no_show(api: httpx.AsyncClient, path: str) -> None:
    response = await api.get(f"/organizations/1{path}")
    assert (response.status_code, response.content) == (404, b"")


async def test_the_template_search_finds_one_off_templates_for_invoices_and_recurring_for_rules(
    api: httpx.AsyncClient,
) -> None:
    one_off, recurring = (await ok(api, "/organizations/1/invoice_templates"))["invoice_templates"]
    path = "/organizations/1/invoice_templates/search"
    assert await ok(api, path, type="invoice") == {"invoice_templates": [one_off]}
    assert await ok(api, path, type="invoice_rule") == {"invoice_templates": [recurring]}


@pytest.mark.parametrize("query", ["", "?type=", "?type=%20", "?type=contract"])
async def test_the_template_search_without_a_known_type_is_a_400(
    api: httpx.AsyncClient, query: str
) -> None:
    response = await api.get(f"/organizations/1/invoice_templates/search{query}")
    assert response.status_code == 400
    assert response.json() == {"errors": "Parâmetro(s) inválido(s) para busca: type"}


async def test_every_route_needs_the_token(sandbox: Starlette) -> None:
    async with client_for(sandbox, token="wrong") as api:
        for path in ("/organizations/1/charge_templates", "/organizations/1/nfses/search"):
            assert (await api.get(path)).status_code == 401


async def test_without_the_default_data_set_an_organization_of_a_contract_has_nothing() -> None:
    app = create_app(
        token="t",
        contracts=[Contract(id=5, customer_id=7, customer_type="Company", organization_id=8)],
    )
    async with client_for(app, token="t") as api:
        for plural in LISTS:
            assert await ok(api, f"/organizations/8/{plural}") == {plural: []}
        assert (await ok(api, "/organizations/8/nfses/search"))["nfses"] == []
        assert (await api.get("/organizations/1/invoice_templates")).status_code == 404


# The NFS-e search.


async def nfse_ids(api: httpx.AsyncClient, query: str = "") -> list[int]:
    body = await ok(api, f"/organizations/1/nfses/search{query}")
    return [nfse["id"] for nfse in body["nfses"]]


async def test_the_nfses_answer_the_documented_keys_and_formats(api: httpx.AsyncClient) -> None:
    body = await ok(api, "/organizations/1/nfses/search")
    assert list(body) == ["page", "per_page", "total_pages", "nfses"]
    assert (body["page"], body["per_page"], body["total_pages"]) == (1, 50, 1)
    documented = load_fixture("nfse_search.response.json")["nfses"][0]
    assert len(body["nfses"]) == 4
    for nfse in body["nfses"]:
        assert list(nfse) == list(documented)
        (item,) = nfse["nfse_service_items"]
        assert list(item) == list(documented["nfse_service_items"][0])
        assert item["nfse_id"] == nfse["id"]
        assert UPSTREAM_TIMESTAMP.fullmatch(nfse["generated_at"])
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", nfse["accrual_date"])
        assert DECIMAL.fullmatch(nfse["value"])
        assert re.fullmatch(r"\d{11}|\d{14}", nfse["customer_document_number"])
        assert nfse["organization_id"] == 1
    statuses = [nfse["status"] for nfse in body["nfses"]]
    assert statuses == ["Cancelada", "Emitida", "Emitida", "Cancelando"]
    customers = {(nfse["customer_type"], nfse["customer_id"]) for nfse in body["nfses"]}
    assert customers == {("Company", 2), ("Person", 1)}


async def test_an_nfse_names_an_invoice_of_its_customer_when_the_store_has_one(
    sandbox: Starlette, api: httpx.AsyncClient
) -> None:
    store = sandbox.state.store
    for nfse in (await ok(api, "/organizations/1/nfses/search"))["nfses"]:
        if nfse["invoice_id"] is not None:
            contract = store.invoices[nfse["invoice_id"]].contract
            assert (contract.customer_type, contract.customer_id) == (
                nfse["customer_type"],
                nfse["customer_id"],
            )


async def test_nfses_made_before_any_invoice_name_none() -> None:
    app = create_app(token="t")
    app.state.store.invoices.clear()
    async with client_for(app, token="t") as api:
        found = (await ok(api, "/organizations/1/nfses/search"))["nfses"]
    assert {nfse["invoice_id"] for nfse in found} == {None}


async def test_nfses_page_like_the_invoice_search(api: httpx.AsyncClient) -> None:
    everything = await nfse_ids(api)
    pages = [await ok(api, "/organizations/1/nfses/search", page=n, per_page=3) for n in (1, 2, 3)]
    assert [[n["id"] for n in page["nfses"]] for page in pages] == [
        everything[:3],
        everything[3:],
        [],
    ]
    assert {(page["per_page"], page["total_pages"]) for page in pages} == {(3, 2)}
    for params in ({"per_page": 101}, {"per_page": 0}, {"page": 0}, {"page": "x"}):
        response = await api.get("/organizations/1/nfses/search", params=params)
        assert response.status_code == 400
        assert isinstance(response.json()["errors"], str)


@pytest.mark.parametrize(
    ("query", "statuses"),
    [
        ("?q[status_eq]=1", ["Emitida", "Emitida"]),
        ("?q[status_eq]=4", ["Cancelando"]),
        ("?q[status_eq]=6", []),
        ("?q[status_not_eq]=1", ["Cancelada", "Cancelando"]),
        ("?q[status_in][]=2&q[status_in][]=4", ["Cancelada", "Cancelando"]),
        ("?q[status_not_in][]=1&q[status_not_in][]=2", ["Cancelando"]),
        # Ransack ignores a condition without a predicate, as the documented example sends it.
        ("?q[status]=1", ["Cancelada", "Emitida", "Emitida", "Cancelando"]),
        ("?q[colour_eq]=1", ["Cancelada", "Emitida", "Emitida", "Cancelando"]),
    ],
)
async def test_the_status_is_filtered_by_its_code(
    api: httpx.AsyncClient, query: str, statuses: list[str]
) -> None:
    body = await ok(api, f"/organizations/1/nfses/search{query}")
    assert [nfse["status"] for nfse in body["nfses"]] == statuses


@pytest.mark.parametrize(
    ("query", "days"),
    [
        ("?q[generated_at_gteq]=02/06/2025", ["02/06", "05/06", "01/07"]),
        ("?q[generated_at_lteq]=05/06/2025", ["02/05", "02/06", "05/06"]),
        (
            "?q[generated_at_gteq]=02/06/2025&q[generated_at_lteq]=02/06/2025",
            ["02/06"],
        ),
        ("?q[generated_at_gteq]=&q[generated_at_lteq]=", ["02/05", "02/06", "05/06", "01/07"]),
    ],
)
async def test_the_issue_day_bounds_include_their_days(
    api: httpx.AsyncClient, query: str, days: list[str]
) -> None:
    body = await ok(api, f"/organizations/1/nfses/search{query}")
    assert [nfse["generated_at"][:5] for nfse in body["nfses"]] == days


async def test_the_customer_invoice_number_and_id_predicates(api: httpx.AsyncClient) -> None:
    everything = (await ok(api, "/organizations/1/nfses/search"))["nfses"]
    person = [n["id"] for n in everything if n["customer_type"] == "Person"]
    company = [n["id"] for n in everything if n["customer_type"] == "Company"]
    assert await nfse_ids(api, "?q[customer_type_eq]=Person") == person
    assert await nfse_ids(api, "?q[customer_id_eq]=2&q[customer_type_eq]=Company") == company
    first = everything[0]
    assert await nfse_ids(api, f"?q[nfse_number_eq]={first['nfse_number']}") == [first["id"]]
    assert await nfse_ids(api, f"?q[id_in][]={first['id']}") == [first["id"]]
    assert await nfse_ids(api, f"?q[id_not_in][]={first['id']}") == [
        n["id"] for n in everything[1:]
    ]
    with_invoice = [n for n in everything if n["invoice_id"] is not None]
    for nfse in with_invoice:
        found = await nfse_ids(api, f"?q[invoice_id_eq]={nfse['invoice_id']}")
        assert nfse["id"] in found


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?q[generated_at_gteq]=2025-13-01", "q[generated_at_gteq] não é uma data válida"),
        ("?q[status_eq]=Emitida", "q[status_eq] deve ser um número inteiro"),
        ("?q[customer_id_eq]=dois", "q[customer_id_eq] deve ser um número inteiro"),
        ("?q[id_in][]=x", "q[id_in][] deve ser um número inteiro"),
    ],
)
async def test_a_value_the_search_cannot_read_is_a_400(
    api: httpx.AsyncClient, query: str, message: str
) -> None:
    response = await api.get(f"/organizations/1/nfses/search{query}")
    assert response.status_code == 400
    assert response.json()["errors"].startswith(message)
