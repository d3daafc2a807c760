"""The service item queries and mutations through the whole gateway, upstream mocked."""

from __future__ import annotations

from tests.support.gateway import answer, gateway_with
from tests.support.parties import (
    CREATE_SERVICE_ITEM,
    DELETE_SERVICE_ITEM,
    SERVICE_ITEM_BY_NAME,
    SERVICE_ITEMS,
    UPDATE_SERVICE_ITEM,
    fixture,
    sent_body,
    sent_query,
)

DOCUMENTED = {
    "id": "943",
    "accountId": "29",
    "name": "Teste Doc",
    "description": "Descrição do item de Item de serviços ",
    "value": "7900.00",
    "unit": "item",
}


def test_service_items_lists_the_catalogue() -> None:
    with gateway_with(answer(200, fixture("service_item_list.response.json"))) as gateway:
        result = gateway.graphql(SERVICE_ITEMS)
    assert result["data"]["serviceItems"] == [
        {
            "id": "2",
            "accountId": "1",
            "name": "Serviço #2",
            "description": "Descrição serviço 2",
            "value": "200.00",
            "unit": "item",
        },
        {
            "id": "1",
            "accountId": "1",
            "name": "Serviço #1",
            "description": "Descrição serviço 1",
            "value": "100.00",
            "unit": "item",
        },
    ]
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.url.query) == ("GET", "/api/v1/service_items", b"")


def test_by_name_searches_and_maps_the_single_object() -> None:
    with gateway_with(answer(200, fixture("service_item_search.response.json"))) as gateway:
        result = gateway.graphql(SERVICE_ITEM_BY_NAME, {"name": "Teste Doc"})
    assert result["data"] == {"serviceItemByName": DOCUMENTED}
    (sent,) = gateway.sent
    assert (sent.url.path, sent_query(sent)) == (
        "/api/v1/service_items/search",
        [("name", "Teste Doc")],
    )


def test_by_name_is_null_for_no_match_and_for_a_blank_name() -> None:
    with gateway_with(answer(404, b"")) as gateway:
        missing = gateway.graphql(SERVICE_ITEM_BY_NAME, {"name": "Nada"})
        blank = gateway.graphql(SERVICE_ITEM_BY_NAME, {"name": ""})
    assert missing["data"] == blank["data"] == {"serviceItemByName": None}
    assert len(gateway.sent) == 1


def test_create_posts_the_value_with_its_digits() -> None:
    variables = """{"input": {"name": "Teste Doc",
      "description": "Descrição do item de Item de serviços ", "value": 7900}}"""
    with gateway_with(answer(201, fixture("service_item_create.response.json"))) as gateway:
        result = gateway.graphql(CREATE_SERVICE_ITEM, variables)
    assert result["data"]["createServiceItem"] == {"serviceItem": DOCUMENTED, "userErrors": []}
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("POST", "/api/v1/service_items")
    assert sent_body(sent) == {**fixture("service_item_create.request.json"), "value": "7900"}


def test_create_of_a_taken_name_is_a_user_error() -> None:
    with gateway_with(answer(422, {"errors": {"name": ["já está em uso"]}})) as gateway:
        result = gateway.graphql(CREATE_SERVICE_ITEM, {"input": {"name": "Teste Doc"}})
    assert result["data"]["createServiceItem"]["userErrors"] == [
        {"field": ["input", "name"], "message": "já está em uso", "code": "TAKEN"}
    ]


def test_update_puts_the_fields_given() -> None:
    variables = """{"input": {"id": "943", "name": "Novo Item de serviço",
      "description": "Teste para Doc - Novo Item de Serviço", "value": "4600"}}"""
    with gateway_with(answer(200, fixture("service_item_update.response.json"))) as gateway:
        result = gateway.graphql(UPDATE_SERVICE_ITEM, variables)
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("PUT", "/api/v1/service_items/943")
    assert sent_body(sent) == fixture("service_item_update.request.json")
    assert result["data"]["updateServiceItem"]["serviceItem"]["value"] == "4600.00"


def test_delete_refused_while_invoices_use_it() -> None:
    message = (
        "Não foi possível apagar este serviço. Verifique se há faturamentos ou planos associados "
        "ao mesmo."
    )
    with gateway_with(answer(422, {"errors": {"base": [message]}})) as gateway:
        refused = gateway.graphql(DELETE_SERVICE_ITEM, {"input": {"id": "943"}})
    with gateway_with(answer(204)) as deleting:
        deleted = deleting.graphql(DELETE_SERVICE_ITEM, {"input": {"id": "943"}})
    assert refused["data"]["deleteServiceItem"] == {
        "deletedServiceItemId": None,
        "userErrors": [{"field": None, "message": message, "code": "INVALID"}],
    }
    assert deleted["data"]["deleteServiceItem"] == {
        "deletedServiceItemId": "943",
        "userErrors": [],
    }
    assert (deleting.sent[0].method, deleting.sent[0].url.path) == (
        "DELETE",
        "/api/v1/service_items/943",
    )
