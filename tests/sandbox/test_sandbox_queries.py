"""Late invoices, the organization's invoice search and the contract's receivable search."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from upstream_sandbox import Contract, create_app
from upstream_sandbox.formats import SAO_PAULO

from .support import client_for, create_invoice, receive, without_data_set

pytestmark = pytest.mark.asyncio


@pytest.fixture
def sandbox() -> Starlette:
    return without_data_set()


@pytest.fixture(autouse=True)
def first_of_july(sandbox: Starlette) -> None:
    sandbox.state.store.clock = lambda: datetime(2025, 7, 1, 9, 30, tzinfo=SAO_PAULO)


def due(date: str, amount: float = 700.0) -> list[dict[str, Any]]:
    return [{"gross_value": amount, "due_date": date}]


async def search(api: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await api.get("/organizations/1/invoices/search", params=params)


async def found_ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    response = await search(api, **params)
    assert response.status_code == 200, response.text
    return [invoice["id"] for invoice in response.json()["invoices"]]


async def test_late_lists_open_invoices_past_due(api: httpx.AsyncClient) -> None:
    overdue = await create_invoice(api, receivables=due("10-06-2025"))
    await create_invoice(api, receivables=due("01-07-2025"))
    paid = await create_invoice(api, receivables=due("10-06-2025"))
    await receive(api, paid["receivables"][0]["id"])
    await create_invoice(api, contract_id=2, receivables=due("10-06-2025"))

    response = await api.get("/contracts/3/invoices/late")

    assert response.status_code == 200
    assert response.json() == {"invoices": [overdue]}


async def test_late_of_an_unknown_contract_is_an_empty_404(api: httpx.AsyncClient) -> None:
    response = await api.get("/contracts/9/invoices/late")

    assert (response.status_code, response.content) == (404, b"")


async def test_search_pages_by_id(api: httpx.AsyncClient) -> None:
    for _ in range(5):
        await create_invoice(api)

    first = await search(api)
    third = await search(api, page=3, per_page=2)
    beyond = await search(api, page=4, per_page=2)

    assert first.json()["page"] == 1
    assert first.json()["per_page"] == 50
    assert first.json()["total_pages"] == 1
    assert [i["id"] for i in first.json()["invoices"]] == [1, 2, 3, 4, 5]
    assert list(first.json()) == ["page", "per_page", "total_pages", "invoices"]
    assert {k: v for k, v in third.json().items() if k != "invoices"} == {
        "page": 3,
        "per_page": 2,
        "total_pages": 3,
    }
    assert [i["id"] for i in third.json()["invoices"]] == [5]
    assert beyond.json()["invoices"] == []


async def test_search_without_matches_has_no_pages(api: httpx.AsyncClient) -> None:
    response = await search(api)

    assert response.json() == {"page": 1, "per_page": 50, "total_pages": 0, "invoices": []}


async def test_search_filters(api: httpx.AsyncClient) -> None:
    june = await create_invoice(api, contract_id=1, issue_date="02-06-2025")
    july = await create_invoice(
        api, contract_id=2, issue_date="02-07-2025", receivables=due("20-08-2025")
    )
    late = await create_invoice(
        api, contract_id=3, issue_date="15-05-2025", receivables=due("20-05-2025")
    )
    paid = await create_invoice(api, contract_id=3, issue_date="20-06-2025")
    await receive(api, paid["receivables"][0]["id"])
    ids = (june["id"], july["id"], late["id"], paid["id"])

    assert await found_ids(api, **{"q[issue_date_gteq]": "02-06-2025"}) == [ids[0], ids[1], ids[3]]
    assert await found_ids(api, **{"q[issue_date_lteq]": "02-06-2025"}) == [ids[0], ids[2]]
    assert await found_ids(
        api,
        **{
            "q[receivables_due_date_gteq]": "01-06-2025",
            "q[receivables_due_date_lteq]": "30-06-2025",
        },
    ) == [ids[0], ids[3]]
    assert await found_ids(api, **{"q[state_eq]": "received"}) == [ids[3]]
    assert await found_ids(api, **{"q[state_eq]": "to_emit"}) == [ids[0], ids[1], ids[2]]
    assert await found_ids(api, **{"q[state_eq]": "late"}) == [ids[0], ids[2]]
    assert await found_ids(api, **{"q[customer_id_eq]": "2"}) == [ids[1]]
    assert await found_ids(api, **{"q[customer_type_eq]": "Person"}) == [ids[0]]
    assert await found_ids(api, **{"q[contract_id_eq]": 3}) == [ids[2], ids[3]]
    assert await found_ids(api, **{"q[state_eq]": "", "q[contract_id_eq]": ""}) == list(ids)


async def test_search_is_limited_to_the_organization() -> None:
    app = create_app(
        contracts=[
            Contract(id=1, customer_id=1, customer_type="Person", organization_id=1),
            Contract(id=2, customer_id=2, customer_type="Company", organization_id=2),
        ]
    )
    async with client_for(app) as api:
        await create_invoice(api, contract_id=1)
        mine = await create_invoice(api, contract_id=2)
        response = await api.get("/organizations/2/invoices/search")
        unknown = await api.get("/organizations/3/invoices/search")

    assert [i["id"] for i in response.json()["invoices"]] == [mine["id"]]
    assert (unknown.status_code, unknown.content) == (404, b"")


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "um"},
        {"per_page": "0"},
        {"per_page": "101"},
        {"per_page": "1.5"},
        {"q[issue_date_gteq]": "2025-13-01"},
        {"q[receivables_due_date_lteq]": "ontem"},
        {"q[state_eq]": "paid"},
        {"q[customer_id_eq]": "abc"},
    ],
)
async def test_bad_search_parameters_are_a_400(
    api: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await search(api, **params)

    assert response.status_code == 400
    assert isinstance(response.json()["errors"], str)
    assert list(response.json()) == ["errors"]


async def test_receivable_search_embeds_the_invoice(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(
        api,
        receivables=[
            {"gross_value": 350, "due_date": "10-06-2025"},
            {"gross_value": 350, "due_date": "10-07-2025"},
        ],
    )
    await create_invoice(api, contract_id=2)

    response = await api.get(
        "/contracts/3/receivables/search",
        params={"due_date_from": "01-07-2025", "due_date_to": "31-07-2025"},
    )

    assert response.status_code == 200
    (found,) = response.json()["receivables"]
    embedded = found.pop("invoice")
    assert found == invoice["receivables"][1]
    assert embedded == {k: v for k, v in invoice.items() if k != "receivables"}


async def test_receivable_search_filters_by_state(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(
        api,
        receivables=[
            {"gross_value": 350, "due_date": "10-06-2025"},
            {"gross_value": 350, "due_date": "10-07-2025"},
        ],
    )
    first, second = (r["id"] for r in invoice["receivables"])
    await receive(api, second, received_value=350)

    async def ids(**params: str) -> list[int]:
        response = await api.get("/contracts/3/receivables/search", params=params)
        return [r["id"] for r in response.json()["receivables"]]

    assert await ids() == [first, second]
    assert await ids(state="received") == [second]
    assert await ids(state="to_emit") == [first]
    assert await ids(state="late") == [first]
    assert await ids(due_date_to="09-06-2025") == []


@pytest.mark.parametrize("params", [{"due_date_from": "2025-06"}, {"state": "pago"}])
async def test_bad_receivable_search_parameters_are_a_400(
    api: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await api.get("/contracts/3/receivables/search", params=params)

    assert response.status_code == 400


async def test_receivable_search_of_an_unknown_contract_is_an_empty_404(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/contracts/9/receivables/search")

    assert (response.status_code, response.content) == (404, b"")
