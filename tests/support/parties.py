"""GraphQL documents for the parties (organizations, companies, people) and service items,
shared by their unit and end-to-end tests, and their documented examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from tests.support.gateway import Handler

FIXTURES = Path(__file__).resolve().parents[2] / "examples" / "fixtures"

_FIELDS = {
    "Organization": "id accountId name companyName cnpj address number complement zipcode "
    "district city state createdAt",
    "Company": "id accountId name companyName cnpj stateInscription cityInscription address "
    "number zipcode district complement city state ibgeCode contacts billingContacts kind "
    "comments clientSince nfseEmail myfinanceCustomerId myfinanceErrors createdAt updatedAt",
    "Person": "id accountId name cpf email zipcode address number complement district city "
    "state comments clientSince allowEmailOnNfse myfinanceCustomerId myfinanceErrors createdAt",
    "ServiceItem": "id accountId name description value unit",
}
USER_ERRORS = "userErrors { field message code }"


def fixture(name: str) -> Any:
    """A documented example body, as the upstream sent it."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _fragment(type_name: str) -> str:
    return f"fragment {type_name}Fields on {type_name} {{ {_FIELDS[type_name]} }}"


def _read(field: str, type_name: str, variable: str = "", kind: str = "") -> str:
    selection = f"{{ ...{type_name}Fields }} }} {_fragment(type_name)}"
    if not variable:
        return f"query {{ {field} {selection}"
    return f"query(${variable}: {kind}) {{ {field}({variable}: ${variable}) {selection}"


def _change(verb: str, type_name: str, payload_field: str) -> str:
    return (
        f"mutation($input: {verb}{type_name}Input!) {{ {verb.lower()}{type_name}(input: $input) "
        f"{{ {payload_field} {{ ...{type_name}Fields }} {USER_ERRORS} }} }} {_fragment(type_name)}"
    )


def _delete(type_name: str) -> str:
    return (
        f"mutation($input: Delete{type_name}Input!) {{ delete{type_name}(input: $input) "
        f"{{ deleted{type_name}Id {USER_ERRORS} }} }}"
    )


ORGANIZATIONS = _read("organizations", "Organization")
ORGANIZATION = _read("organization", "Organization", "id", "ID!")
ORGANIZATION_BY_CNPJ = _read("organizationByCnpj", "Organization", "cnpj", "String!")
CREATE_ORGANIZATION = _change("Create", "Organization", "organization")
UPDATE_ORGANIZATION = _change("Update", "Organization", "organization")
DELETE_ORGANIZATION = _delete("Organization")

COMPANIES = _read("companies", "Company", "cnpj", "String")
COMPANY = _read("company", "Company", "id", "ID!")
CREATE_COMPANY = _change("Create", "Company", "company")
UPDATE_COMPANY = _change("Update", "Company", "company")
DELETE_COMPANY = _delete("Company")

PEOPLE = _read("people", "Person", "cpf", "String")
PERSON = _read("person", "Person", "id", "ID!")
CREATE_PERSON = _change("Create", "Person", "person")
UPDATE_PERSON = _change("Update", "Person", "person")
DELETE_PERSON = _delete("Person")

SERVICE_ITEMS = _read("serviceItems", "ServiceItem")
SERVICE_ITEM_BY_NAME = _read("serviceItemByName", "ServiceItem", "name", "String!")
CREATE_SERVICE_ITEM = _change("Create", "ServiceItem", "serviceItem")
UPDATE_SERVICE_ITEM = _change("Update", "ServiceItem", "serviceItem")
DELETE_SERVICE_ITEM = _delete("ServiceItem")


def sent_body(request: httpx.Request) -> Any:
    """A request's JSON body, numbers as their source text (`7900` and `7900.0` differ)."""
    return json.loads(request.content, parse_float=str, parse_int=str)


def sent_query(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode(), keep_blank_values=True)


def by_route(answers: dict[tuple[str, str], Handler]) -> Handler:
    """Answers each `(method, path under the base URL)` with its own handler; others 404."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1/")
        found = answers.get((request.method, path))
        return httpx.Response(404) if found is None else found(request)

    return handle
