"""Projections (upstream objects written straight into responses) give exactly what mapping
and graphql-core give, whatever the upstream sends: every quirk and every broken value of
every field, nested objects and lists included, on every shape of selection."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest import mock

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.types.field import StrawberryField

from examples.seed import FULL_INVOICE, load_fixture, search_response
from gateway.fastpath.selections import is_plain
from gateway.rest import invoices as rest_invoices
from gateway.rest import wire_objects
from gateway.types.base import Deferred
from gateway.upstream import codec
from tests.unit.test_execution import GRAPHQL_CORE, PLANNED, answering, run

PAGE = search_response([1, 2, 3], page=1, per_page=3, total_pages=1)
TEMPLATE: dict[str, Any] = PAGE["invoices"][0]

FULL_PAGE = (
    """
query Page($organizationId: ID!) {
  invoices(organizationId: $organizationId, first: 3) {
    edges { node { ...FullInvoice } }
  }
}
"""
    + FULL_INVOICE
)

# Aliases, repeated fields, fragments on nested types, `__typename` and a partial selection.
SHAPED_PAGE = """
query Page($organizationId: ID!) {
  invoices(organizationId: $organizationId, first: 3) {
    __typename
    edges {
      node {
        __typename key: id id ...Money
        receivables { ... on Receivable { due: dueDate state __typename } id value }
        services { ...Line total: value }
        paymentInformation { paymentMethod createdAt id }
        attachments { url }
        state when: createdAt
      }
    }
  }
}
fragment Money on Invoice { grossValue paymentValue grossValue ...Ids }
fragment Ids on Invoice { id contractId customerId customerType approvalStatus }
fragment Line on Service { id name units unitValue }
"""

VARIABLES = {"organizationId": "1"}


def mapped_objects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """From now on, (type name, id) of every `Deferred` something maps."""
    mapped: list[tuple[str, str]] = []
    original = Deferred.mapped

    def spy(self: Deferred) -> Any:
        mapped.append((self.mapped_type.__name__, self.id))
        return original(self)

    monkeypatch.setattr(Deferred, "mapped", spy)
    return mapped


def assert_same(planned: dict[str, Any], reference: dict[str, Any]) -> None:
    """Equal, and in the same order: a response's keys follow its selection."""
    assert planned == reference
    assert json.dumps(planned) == json.dumps(reference)


# What the upstream has been seen sending, and what it should never send.
QUIRKS = st.sampled_from(
    [
        None,
        "",
        "--",
        "   ",
        " padded ",
        "abc",
        0,
        7,
        -3,
        2**40,
        True,
        False,
        Decimal("1.50"),
        Decimal("700.125"),
        "700.0",
        "7.0",
        "1e3",
        "NaN",
        "02/06/2025",
        "2025-06-02",
        "02-06-2025",
        "30/02/2025",
        "06/05/2025 08:28:35 -03:00",
        "06/05/2025 08:28:35",
        "2025-05-06T08:28:35Z",
        "to_emit",
        "TO_RECEIVE",
        "somewhere_new",
        "Company",
        "person",
        "approved",
        "manual",
        "billet",
        [],
        ["IR", 1],
        {"a": 1},
        [{"id": 1}],
        {"id": 5},
    ]
)


def varied(template: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`template` with any of its values replaced by a quirk, or its key removed."""
    changes = st.dictionaries(
        st.sampled_from(sorted(template)), st.one_of(QUIRKS, st.just(KeyError)), max_size=6
    )

    def apply(change: dict[str, Any]) -> dict[str, Any]:
        result = copy.deepcopy(template)
        for key, value in change.items():
            if value is KeyError:
                del result[key]
            else:
                result[key] = value
        return result

    return changes.map(apply)


def nested(key: str) -> st.SearchStrategy[object]:
    item = TEMPLATE[key]
    if isinstance(item, list):
        return st.one_of(st.lists(varied(item[0]), max_size=3), QUIRKS)
    return st.one_of(varied(item), QUIRKS)


def invoices_with(
    nesting: Callable[[str], st.SearchStrategy[object]],
) -> st.SearchStrategy[dict[str, Any]]:
    """Invoices with any scalar varied, each nested field drawn by `nesting(key)`."""
    return st.builds(
        lambda invoice, receivables, services, attachments, payment: {
            **invoice,
            "receivables": receivables,
            "services": services,
            "attachments": attachments,
            "payment_information": payment,
        },
        varied({key: value for key, value in TEMPLATE.items() if key != "id"}),
        nesting("receivables"),
        nesting("services"),
        nesting("attachments"),
        nesting("payment_information"),
    )


INVOICES = invoices_with(nested)


def page_of(invoices: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [{**invoice, "id": index} for index, invoice in enumerate(invoices, 1)]
    return {**PAGE, "invoices": rows}


def answers(document: str, page: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The planned answer (pages decoded into structs where they have the structs' shape),
    and graphql-core's on mapping from plain decoded JSON, the reference."""

    async def both() -> tuple[dict[str, Any], dict[str, Any]]:
        handler = answering(200, page)
        planned = await run(PLANNED, handler, document, VARIABLES)
        with plain_decoding():
            return planned, await run(GRAPHQL_CORE, handler, document, VARIABLES)

    return asyncio.run(both())


def plain_decoding() -> Any:
    """Search pages decoded as any body is, into dicts, not into `wire_objects` structs."""
    return mock.patch.object(rest_invoices, "_SEARCH_PAGE", codec.decode)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(INVOICES, min_size=1, max_size=3), st.sampled_from([FULL_PAGE, SHAPED_PAGE]))
def test_a_projected_page_answers_exactly_as_mapping_and_graphql_core(
    invoices: list[dict[str, Any]], document: str
) -> None:
    planned, reference = answers(document, page_of(invoices))
    assert_same(planned, reference)


@pytest.mark.parametrize("document", [FULL_PAGE, SHAPED_PAGE], ids=["full", "shaped"])
def test_a_clean_page_is_projected_without_mapping_an_object(
    document: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapped = mapped_objects(monkeypatch)
    # The page is one the structs read, so what is projected here is read by attribute.
    decoded = rest_invoices._SEARCH_PAGE(codec.encode(PAGE))
    assert isinstance(decoded, wire_objects.WireObject)

    async def planned() -> dict[str, Any]:
        return await run(PLANNED, answering(200, PAGE), document, VARIABLES)

    body = asyncio.run(planned())
    edges = body["data"]["invoices"]["edges"]
    assert [edge["node"]["id"] for edge in edges] == ["1", "2", "3"]
    assert "errors" not in body
    assert mapped == []


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("days_until_automatic_nfe_emission", [1, True, 1, 0, False, 1.0, "1"]),
        ("gross_value", [700, "700", 700, Decimal("700.0"), True, 700]),
        ("cancelled_automatically", [1, True, 0, False, "true", 1]),
        ("number", [2, "2", True, 2, 2.0]),
    ],
)
def test_values_equal_across_classes_are_projected_each_as_its_own(
    key: str, values: list[object]
) -> None:
    # The recurring forms remember their answers for text and integers, for the process:
    # `1`, `True` and `1.0` are one key of a dict, and must not share an answer, within a
    # page or from one page to the next. Each value follows the others, in pages of three.
    for start in range(len(values)):
        page = copy.deepcopy(PAGE)
        for invoice, value in zip(page["invoices"], values[start:], strict=False):
            invoice[key] = value
        planned, reference = answers(FULL_PAGE, page)
        assert reference.get("data") is not None, reference
        assert_same(planned, reference)


def test_a_value_mapping_flags_falls_back_to_mapping_for_that_object_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = copy.deepcopy(PAGE)
    page["invoices"][1]["issue_date"] = "30/02/2025"
    _, reference = answers(FULL_PAGE, page)
    mapped = mapped_objects(monkeypatch)
    planned = asyncio.run(run(PLANNED, answering(200, page), FULL_PAGE, VARIABLES))
    assert_same(planned, reference)
    assert [error["path"] for error in planned["errors"]] == [
        ["invoices", "edges", 1, "node", "issueDate"]
    ]
    assert {id for _, id in mapped} == {"2"}


def plain_selection(type_name: str, depth: int = 2) -> str:
    """Every field of `type_name` read from its upstream object (no resolver, no arguments),
    nested objects included, as a selection set."""
    type_ = PLANNED._schema.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    parts = []
    for name, field_def in type_.fields.items():
        field = (field_def.extensions or {}).get("strawberry-definition")
        if field_def.args or not isinstance(field, StrawberryField) or not is_plain(field):
            continue
        named = get_named_type(field_def.type)
        if isinstance(named, GraphQLObjectType):
            if depth > 0:
                parts.append(f"{name} {{ {plain_selection(named.name, depth - 1)} }}")
        else:
            parts.append(name)
    return " ".join(parts)


def quirky(template: object) -> st.SearchStrategy[Any]:
    """Any upstream object shaped like `template`, its values (nested ones too) quirks."""
    if isinstance(template, list):
        return st.one_of(st.lists(quirky(template[0]), max_size=2), QUIRKS) if template else QUIRKS
    if not isinstance(template, dict):
        return st.just(template)
    fields = {key: quirky(value) for key, value in template.items() if key != "id"}
    return st.one_of(
        varied(template),
        st.fixed_dictionaries({"id": st.just(template.get("id"))}, optional=fields),
    )


# Resources read as lists, each with a documented answer to vary: (field and arguments,
# its type, the fixture, its list key, keys the upstream has also written).
RESOURCES = [
    ('contracts(organizationId: "1")', "Contract", "contract_list.response.json", "contracts"),
    (
        'receivables(contractId: "3")',
        "Receivable",
        "receivables-search.response.json",
        "receivables",
    ),
]


@pytest.mark.parametrize(
    ("field", "type_name", "fixture", "key"), RESOURCES, ids=[r[1] for r in RESOURCES]
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_resource_read_is_projected_exactly_as_it_is_mapped(
    field: str, type_name: str, fixture: str, key: str, data: st.DataObject
) -> None:
    template = load_fixture(fixture)[key][0]
    extra = {"state": 1} if type_name == "Contract" else {"boleto_url": "https://b/1.pdf"}
    rows = data.draw(st.lists(quirky({**template, **extra}), min_size=1, max_size=3))
    body = {key: [{**row, "id": index} for index, row in enumerate(rows, 1)]}
    document = f"query Read {{ {field} {{ {plain_selection(type_name)} }} }}"

    async def both() -> tuple[dict[str, Any], dict[str, Any]]:
        handler = answering(200, body)
        return await run(PLANNED, handler, document, {}), await run(
            GRAPHQL_CORE, handler, document, {}
        )

    planned, reference = asyncio.run(both())
    assert_same(planned, reference)


@pytest.mark.parametrize(
    ("field", "type_name", "fixture", "key"), RESOURCES, ids=[r[1] for r in RESOURCES]
)
def test_a_documented_resource_read_maps_nothing(
    field: str, type_name: str, fixture: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapped = mapped_objects(monkeypatch)
    document = f"query Read {{ {field} {{ {plain_selection(type_name)} }} }}"
    body = asyncio.run(run(PLANNED, answering(200, load_fixture(fixture)), document, {}))
    assert "errors" not in body
    assert body["data"][field.partition("(")[0]]
    assert mapped == []


GRAPH_PAGE = """
query Graph($organizationId: ID!) {
  invoices(organizationId: $organizationId, first: 3) {
    edges {
      cursor
      node {
        id number grossValue dueOn: issueDate
        contract { id name state kind }
        customer { __typename ... on Company { id name } ... on Person { id name } }
        services { id value }
      }
    }
  }
}
"""


def graph_upstream(page: dict[str, Any], contract: object, company: object, person: object) -> Any:
    """The search, and every contract, company and person read, each by its own path."""
    contract_show, company_show, person_show = (
        load_fixture(f"{name}_show.response.json") for name in ("contract", "company", "person")
    )

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1/")
        resource_id = int(path.rsplit("/", 1)[-1]) if path[-1].isdigit() else 0
        if path.endswith("invoices/search"):
            body: object = page
        elif "/contracts/" in path:
            body = {"contract": {**contract_show["contract"], **_dict(contract), "id": resource_id}}
        elif path.startswith("companies/"):
            body = {"company": {**company_show["company"], **_dict(company), "id": resource_id}}
        elif path.startswith("people/"):
            body = {"person": {**person_show["person"], **_dict(person), "id": resource_id}}
        else:
            return httpx.Response(404, json={"error": "not found"})
        return httpx.Response(200, content=codec.encode(body))

    return handler


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


CHANGES = st.dictionaries(st.sampled_from(["name", "state", "kind", "id"]), QUIRKS, max_size=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(INVOICES, min_size=1, max_size=3),
    st.lists(st.sampled_from(["Company", "Person", "company", None, 7]), min_size=3, max_size=3),
    CHANGES,
    CHANGES,
    CHANGES,
)
def test_a_page_of_the_graph_answers_exactly_as_graphql_core(
    invoices: list[dict[str, Any]],
    customer_types: list[object],
    contract: dict[str, Any],
    company: dict[str, Any],
    person: dict[str, Any],
) -> None:
    page = page_of(invoices)
    for row, customer_type in zip(page["invoices"], customer_types, strict=False):
        row["customer_type"] = customer_type
    handler = graph_upstream(page, contract, company, person)

    async def both() -> tuple[dict[str, Any], dict[str, Any]]:
        planned = await run(PLANNED, handler, GRAPH_PAGE, VARIABLES)
        return planned, await run(GRAPHQL_CORE, handler, GRAPH_PAGE, VARIABLES)

    planned, reference = asyncio.run(both())
    assert_same(planned, reference)


def test_a_page_of_the_graph_maps_no_invoice_and_reads_each_link_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mapped = mapped_objects(monkeypatch)
    sent: list[str] = []
    handler = graph_upstream(PAGE, {}, {}, {})

    def recording(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        return handler(request)

    body = asyncio.run(run(PLANNED, recording, GRAPH_PAGE, VARIABLES))
    assert "errors" not in body
    nodes = [edge["node"] for edge in body["data"]["invoices"]["edges"]]
    assert [node["contract"]["id"] for node in nodes] == ["3", "3", "3"]
    assert {node["customer"]["__typename"] for node in nodes} == {"Company"}
    assert mapped == []
    assert sorted(sent) == [
        "GET /api/v1/companies/3",
        "GET /api/v1/organizations/1/contracts/3",
        "GET /api/v1/organizations/1/invoices/search",
    ]
