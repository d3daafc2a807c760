"""The people queries and mutations through the whole gateway, upstream mocked."""

from __future__ import annotations

from tests.support.gateway import answer, gateway_with
from tests.support.parties import (
    CREATE_PERSON,
    DELETE_PERSON,
    PEOPLE,
    PERSON,
    UPDATE_PERSON,
    fixture,
    sent_body,
    sent_query,
)

SHOWN = {
    "id": "1543",
    "accountId": "29",
    "name": "Fulano de Tal",
    "cpf": "82868688977",
    "email": "fulano@email.com",
    "zipcode": "02360100",
    "address": "Rua Americanas",
    "number": "12",
    "complement": None,
    "district": "Santana",
    "city": "São Paulo",
    "state": "SP",
    "comments": None,
    "clientSince": None,
    "allowEmailOnNfse": False,
    "myfinanceCustomerId": "2416551",
    "myfinanceErrors": None,
    "createdAt": "2018-12-05T14:03:36-02:00",
}


def test_person_reads_one() -> None:
    with gateway_with(answer(200, fixture("person_show.response.json"))) as gateway:
        result = gateway.graphql(PERSON, {"id": "1543"})
    assert result["data"] == {"person": SHOWN}
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path, sent.url.query) == ("GET", "/api/v1/people/1543", b"")


def test_people_lists_them_all_or_searches_by_cpf() -> None:
    with gateway_with(answer(200, fixture("person_list.response.json"))) as gateway:
        listed = gateway.graphql(PEOPLE)
    with gateway_with(answer(200, fixture("person_search.response.json"))) as searching:
        found = searching.graphql(PEOPLE, {"cpf": "828.686.889-77"})
    people = listed["data"]["people"]
    assert [(p["id"], p["number"], p["clientSince"]) for p in people] == [
        ("145", "Qd. D03 Lt. 03", "2015-07-16"),
        ("1054", "613", "2017-12-28"),
        ("410", "14", "2015-12-20"),
    ]
    assert gateway.sent[0].url.path == "/api/v1/people"
    assert [p["id"] for p in found["data"]["people"]] == ["1543"]
    (sent,) = searching.sent
    assert (sent.url.path, sent_query(sent)) == (
        "/api/v1/people/search",
        [("cpf", "828.686.889-77")],
    )


def test_no_match_and_a_blank_cpf_are_empty() -> None:
    with gateway_with(answer(200, {"people": []})) as gateway:
        none = gateway.graphql(PEOPLE, {"cpf": "12345678909"})
        blank = gateway.graphql(PEOPLE, {"cpf": "   "})
    assert none["data"] == blank["data"] == {"people": []}
    assert len(gateway.sent) == 1


def test_create_sends_client_since_as_recorded_and_maps_the_answer() -> None:
    request = fixture("person_create_2017.request.json")
    variables = {
        "input": {
            "name": request["name"],
            "cpf": request["cpf"],
            "email": request["email"],
            "clientSince": "2017-01-16",
            "allowEmailOnNfse": True,
        }
    }
    with gateway_with(answer(201, fixture("person_create_2017.response.json"))) as gateway:
        result = gateway.graphql(CREATE_PERSON, variables)
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("POST", "/api/v1/people")
    assert sent_body(sent) == {**request, "allow_email_on_nfse": True}
    person = result["data"]["createPerson"]["person"]
    assert (person["id"], person["cpf"], person["clientSince"]) == (
        "187",
        "24198947317",
        "2017-01-16",
    )
    assert person["allowEmailOnNfse"] is None  # not in 2017 answers


def test_create_rejections_as_recorded() -> None:
    for errors, code in (
        ({"cpf": ["já está em uso"]}, "TAKEN"),
        ({"cpf": ["inválido"]}, "INVALID"),
        ({"cpf": ["não pode ficar em branco"]}, "BLANK"),
    ):
        with gateway_with(answer(422, {"errors": errors})) as gateway:
            result = gateway.graphql(CREATE_PERSON, {"input": {"name": "Ana", "cpf": "1"}})
        (error,) = result["data"]["createPerson"]["userErrors"]
        assert (error["field"], error["message"], error["code"]) == (
            ["input", "cpf"],
            errors["cpf"][0],
            code,
        )


def test_update_puts_the_flat_body_the_docs_wrap() -> None:
    with gateway_with(answer(200, fixture("person_update.response.json"))) as gateway:
        result = gateway.graphql(UPDATE_PERSON, {"input": {"id": "1543", "name": "Beltrano"}})
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("PUT", "/api/v1/people/1543")
    assert sent_body(sent) == fixture("person_update.request.json")["person"]
    assert result["data"]["updatePerson"]["person"]["name"] == "Beltrano"


def test_update_with_a_blank_name_is_refused_on_the_name() -> None:
    refusal = {"errors": {"name": ["não pode ficar em branco"]}}
    with gateway_with(answer(422, refusal)) as gateway:
        result = gateway.graphql(UPDATE_PERSON, {"input": {"id": "1543", "name": ""}})
    assert result["data"]["updatePerson"]["userErrors"] == [
        {"field": ["input", "name"], "message": "não pode ficar em branco", "code": "BLANK"}
    ]
    assert sent_body(gateway.sent[0]) == {"name": ""}


def test_delete_refused_while_contracts_exist() -> None:
    message = "Não foi possível apagar esta pessoa, pois há contratos associados à mesma."
    with gateway_with(answer(422, {"errors": {"base": [message]}})) as gateway:
        result = gateway.graphql(DELETE_PERSON, {"input": {"id": "1543"}})
    assert result["data"]["deletePerson"] == {
        "deletedPersonId": None,
        "userErrors": [{"field": None, "message": message, "code": "INVALID"}],
    }
    assert (gateway.sent[0].method, gateway.sent[0].url.path) == ("DELETE", "/api/v1/people/1543")
