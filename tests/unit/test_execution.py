"""Compiled completion plans and compiled input conversion give exactly what graphql-core and
Strawberry give on their own, for successes and for every kind of failure."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from strawberry.types.base import StrawberryObjectDefinition

from examples import scaled as payloads
from examples.seed import (
    CREATE_INVOICE,
    RECEIVABLES,
    SEARCH_INVOICES,
    UPDATE_INVOICE,
    load_fixture,
    search_response,
    seed_response,
    seed_variables_json,
)
from gateway.context import Context
from gateway.fastpath import execution
from gateway.rest.invoices import InvoicesAPI
from gateway.schema import GatewaySchema, build_schema
from gateway.upstream import codec
from gateway.upstream.client import UpstreamClient

PLANNED = build_schema()
GRAPHQL_CORE = build_schema(fast_path=False)

Handler = Callable[[httpx.Request], httpx.Response]


def answering(status: int, body: object) -> Handler:
    content = body if isinstance(body, bytes) else codec.encode(body)
    return lambda request: httpx.Response(status, content=content)


async def run(
    schema: GatewaySchema, handler: Handler, document: str, variables: dict[str, Any]
) -> dict[str, Any]:
    transport = httpx.MockTransport(handler)
    async with httpx.AsyncClient(
        base_url="http://upstream.test/api/v1", transport=transport
    ) as http:
        context = Context(
            upstream=UpstreamClient(http, transport=transport, deadline=5),
            authorization="Token token=t",
        )
        result = await schema.execute(document, variable_values=variables, context_value=context)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return json.loads(json.dumps(body, default=str))


def broken_invoice() -> dict[str, Any]:
    body = seed_response()
    del body["invoice"]["services"]
    body["invoice"]["gross_value"] = ["not", "a", "number"]
    body["invoice"]["created_at"] = "yesterday"
    body["invoice"]["state"] = "somewhere_new"
    body["invoice"]["receivables"][0]["due_date"] = "30/02/2025"
    return body


SEED = json.loads(seed_variables_json(), parse_float=Decimal)

ALIASES_AND_FRAGMENTS = """
mutation Create($input: CreateInvoiceInput!) {
  first: createInvoice(input: $input) {
    __typename
    invoice {
      __typename ...Money
      key: id
      id
      receivables { ... on Receivable { due: dueDate state __typename } id }
      services { ...Service total: value }
    }
    userErrors { field code }
  }
}
fragment Money on Invoice { grossValue paymentValue ...Ids }
fragment Ids on Invoice { id contractId customerId }
fragment Service on Service { id name value }
"""

WITH_DIRECTIVES = """
mutation Create($input: CreateInvoiceInput!, $more: Boolean!) {
  createInvoice(input: $input) {
    invoice { id grossValue @include(if: $more) receivables @skip(if: $more) { id } }
    userErrors { code }
  }
}
"""

CASES: list[tuple[str, Handler, str, dict[str, Any]]] = [
    ("the documented invoice", answering(201, seed_response()), CREATE_INVOICE, SEED),
    ("aliases and fragments", answering(201, seed_response()), ALIASES_AND_FRAGMENTS, SEED),
    ("values the mapping flags", answering(201, broken_invoice()), CREATE_INVOICE, SEED),
    (
        "fragments over flagged values",
        answering(201, broken_invoice()),
        ALIASES_AND_FRAGMENTS,
        SEED,
    ),
    (
        "a null in a non-null field",
        answering(201, {"invoice": {**seed_response()["invoice"], "receivables": [None]}}),
        CREATE_INVOICE,
        SEED,
    ),
    ("directives", answering(201, seed_response()), WITH_DIRECTIVES, {**SEED, "more": False}),
    (
        "user errors",
        answering(422, {"errors": {"description": ["não pode ficar em branco"]}}),
        CREATE_INVOICE,
        SEED,
    ),
    ("an upstream failure", answering(500, b"boom"), CREATE_INVOICE, SEED),
    (
        "a connection of invoices",
        answering(200, search_response([5, 6, 5], page=1, per_page=3, total_pages=1)),
        SEARCH_INVOICES,
        {"organizationId": "1", "first": 3},
    ),
    (
        "receivables with their invoices",
        answering(200, load_fixture("receivables-search.response.json")),
        RECEIVABLES,
        {"contractId": "3"},
    ),
]


@pytest.mark.parametrize(
    ("name", "handler", "document", "variables"), CASES, ids=[c[0] for c in CASES]
)
async def test_plans_answer_exactly_like_graphql_core(
    name: str, handler: Handler, document: str, variables: dict[str, Any]
) -> None:
    planned = await run(PLANNED, handler, document, variables)
    reference = await run(GRAPHQL_CORE, handler, document, variables)
    assert planned == reference
    assert planned["data"] is not None or planned.get("errors")


async def test_the_documented_invoice_is_completed_by_a_plan() -> None:
    used: list[object] = []
    original = execution.PlannedExecutionContext._plan

    def spy(self: Any, return_type: Any, fields: Any) -> Any:
        plan = original(self, return_type, fields)
        used.append((return_type.name, plan is not None))
        return plan

    execution.PlannedExecutionContext._plan = spy  # type: ignore[method-assign]
    try:
        await run(PLANNED, answering(201, seed_response()), CREATE_INVOICE, SEED)
        await run(PLANNED, answering(201, seed_response()), WITH_DIRECTIVES, {**SEED, "more": True})
    finally:
        execution.PlannedExecutionContext._plan = original  # type: ignore[method-assign]
    # One plan completes the whole payload; the document with directives gets none.
    assert used[0] == ("CreateInvoicePayload", True)
    assert ("CreateInvoicePayload", False) in used[1:]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    inputs: list[object] = []

    async def create(self: InvoicesAPI, input: object, **_: object) -> object:
        inputs.append(input)
        raise RuntimeError("captured")

    async def update(self: InvoicesAPI, input: object) -> object:
        inputs.append(input)
        raise RuntimeError("captured")

    monkeypatch.setattr(InvoicesAPI, "create", create)
    monkeypatch.setattr(InvoicesAPI, "update", update)
    return inputs


def strawberry_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the compiled builders away, so Strawberry converts inputs its own way."""
    for graphql_type in PLANNED._schema.type_map.values():
        definition = (getattr(graphql_type, "extensions", None) or {}).get("strawberry-definition")
        if isinstance(definition, StrawberryObjectDefinition) and definition.is_input:
            monkeypatch.setattr(definition, "from_input", None)


UPDATE_VARIABLES = {
    "input": {
        "contractId": "3",
        "id": "61",
        "comments": None,
        "receivables": [
            {"id": "62", "destroy": True},
            {"dueDate": "2025-07-01", "grossValue": "10.5"},
        ],
        "services": [{"id": "7", "units": 3, "unitValue": 12.30}],
        "attachments": None,
        "paymentInformation": {"paymentMethod": "PAYMENT_GATEWAY", "installments": 2},
        "managementType": "AUTOMATIC",
    }
}


# Input objects coerced from variables inside a literal, one of them twice: the literal's
# builder takes the objects the coercers built.
IN_A_LITERAL = """
mutation($r: [ReceivableInput!]!, $s: ServiceInput!, $p: PaymentInformationInput) {
  createInvoice(input: {contractId: "3", description: "x", issueDate: "2025-06-02",
                        grossValue: "1.00", receivables: $r, services: [$s, $s],
                        paymentInformation: $p}) {
    invoice { id }
  }
}
"""
IN_A_LITERAL_VARIABLES = {
    "r": [{"dueDate": "2025-06-10", "grossValue": Decimal("1.5")}],
    "s": {"description": "d", "units": 2, "unitValue": "0.50", "value": 1},
    "p": {"paymentMethod": "BILLET"},
}


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (CREATE_INVOICE, SEED),
        (UPDATE_INVOICE, UPDATE_VARIABLES),
        (IN_A_LITERAL, IN_A_LITERAL_VARIABLES),
    ],
    ids=["create", "update", "variables in a literal"],
)
async def test_compiled_inputs_equal_strawberrys(
    captured: list[object],
    monkeypatch: pytest.MonkeyPatch,
    document: str,
    variables: dict[str, Any],
) -> None:
    handler = answering(201, seed_response())
    await run(PLANNED, handler, document, variables)
    with monkeypatch.context() as patch:
        # graphql-core's coercion (its dictionaries) and Strawberry's conversion of them.
        strawberry_conversion(patch)
        await run(GRAPHQL_CORE, handler, document, variables)
    compiled, reference = captured
    assert type(compiled) is type(reference)
    assert compiled == reference
    assert repr(compiled) == repr(reference)


async def test_a_finished_execution_is_freed_without_the_cycle_collector() -> None:
    # graphql-core's executor refers to itself; the planned one cuts that loop once the
    # response is built, so a request's context goes as soon as the last reference does.
    transport = httpx.MockTransport(answering(201, seed_response()))
    variables = json.loads(seed_variables_json(), parse_float=Decimal)
    async with httpx.AsyncClient(
        base_url="http://upstream.test/api/v1", transport=transport
    ) as http:
        upstream = UpstreamClient(http, transport=transport, deadline=5)
        gc.collect()
        gc.disable()
        try:
            context = Context(upstream=upstream, authorization="Token token=t")
            alive = weakref.ref(context)
            result = await PLANNED.execute(
                CREATE_INVOICE, variable_values=variables, context_value=context
            )
            assert result.errors is None
            del context, result
            assert alive() is None
        finally:
            gc.enable()


@pytest.mark.parametrize("items", [1, 10, 100])
async def test_the_benchmarks_operation_answers_as_unoptimised_strawberry_does(
    items: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The exact request `bench/run` sends and the exact answer its upstream stand-in gives,
    # through every compiled path (variables, inputs, plans), against graphql-core and
    # Strawberry on their own.
    request = json.loads(payloads.graphql_body(items), parse_float=Decimal)
    handler = answering(201, payloads.invoice_response(items))
    optimised = await run(PLANNED, handler, request["query"], request["variables"])
    strawberry_conversion(monkeypatch)
    reference = await run(GRAPHQL_CORE, handler, request["query"], request["variables"])
    assert "errors" not in optimised
    assert len(optimised["data"]["createInvoice"]["invoice"]["receivables"]) == items
    assert optimised == reference
