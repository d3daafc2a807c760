"""Service items in the sandbox: the documented shapes, unique names, the one-object search,
and the refusal to delete an item invoices use."""

from __future__ import annotations

import httpx
import pytest

from .support import create_invoice, load_fixture

pytestmark = pytest.mark.asyncio


async def test_a_service_item_is_answered_as_documented(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/service_items", json=load_fixture("service_item_create.request.json")
    )
    assert response.status_code == 201
    item = response.json()["service_item"]
    documented = load_fixture("service_item_create.response.json")["service_item"]
    assert list(item) == list(documented)
    assert {k: v for k, v in item.items() if k not in ("id", "account_id")} == {
        k: v for k, v in documented.items() if k not in ("id", "account_id")
    }
    assert item["id"] == 4  # after the seeded three


async def test_the_catalogue_starts_with_the_default_data_set(api: httpx.AsyncClient) -> None:
    listed = (await api.get("/service_items")).json()["service_items"]
    assert [(i["id"], i["name"], i["value"], i["unit"]) for i in listed] == [
        (1, "Consultoria", "150.0", "item"),
        (2, "Faturamento", "100.0", "item"),
        (3, "Suporte técnico", "80.0", "item"),
    ]


async def test_names_are_required_and_unique(api: httpx.AsyncClient) -> None:
    for body, errors in (
        ({"name": "Faturamento"}, {"name": ["já está em uso"]}),
        ({"description": "sem nome"}, {"name": ["não pode ficar em branco"]}),
        ({"name": "Novo", "value": "caro"}, {"value": ["deve ser numérico"]}),
    ):
        response = await api.post("/service_items", json=body)
        assert (response.status_code, response.json()) == (422, {"errors": errors})
    blank = await api.put("/service_items/1", json={"name": " "})
    assert blank.json() == {"errors": {"name": ["não pode ficar em branco"]}}
    same = await api.put("/service_items/1", json={"name": "Consultoria", "value": 175.5})
    assert same.json()["service_item"]["value"] == "175.5"


async def test_the_search_finds_one_item_by_its_whole_name(api: httpx.AsyncClient) -> None:
    found = await api.get("/service_items/search", params={"name": "Faturamento"})
    assert found.json()["service_item"]["id"] == 2
    for name in ("Fatura", "faturamento"):
        response = await api.get("/service_items/search", params={"name": name})
        assert (response.status_code, response.content) == (404, b"")
    empty = await api.get("/service_items/search?name=")
    assert (empty.status_code, empty.json()) == (
        400,
        {"errors": "Parâmetro(s) inválido(s) para busca: name"},
    )


async def test_an_item_invoices_use_cannot_be_deleted(api: httpx.AsyncClient) -> None:
    await create_invoice(
        api,
        services=[
            {"service_item_id": "2", "description": "Faturamento", "units": 7, "unit_value": 100}
        ],
    )
    response = await api.delete("/service_items/2")
    assert (response.status_code, response.json()) == (
        422,
        {
            "errors": {
                "base": [
                    "Não foi possível apagar este serviço. Verifique se há faturamentos ou "
                    "planos associados ao mesmo."
                ]
            }
        },
    )
    deleted = await api.delete("/service_items/3")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert [i["id"] for i in (await api.get("/service_items")).json()["service_items"]] == [1, 2]


async def test_unknown_ids_are_empty_404s_and_there_is_no_show(api: httpx.AsyncClient) -> None:
    for response in (
        await api.get("/service_items/1"),
        await api.put("/service_items/99", json={"name": "X"}),
        await api.delete("/service_items/99"),
    ):
        assert (response.status_code, response.content) == (404, b"")
