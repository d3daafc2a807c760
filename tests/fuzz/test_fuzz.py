"""Property-based fuzzing of /graphql with documents generated from the live schema.

Valid documents (every query and mutation, with generated arguments), invalid documents,
arbitrary variables and arbitrary bodies: the gateway must answer every one with a
well-formed GraphQL response, never a 5xx and never an internal error, and stay healthy.
Runs against the embedded sandbox, so valid mutations really reach an upstream.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes
from hypothesis_graphql.strategies import Mode
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.schema import schema
from gateway.settings import Settings
from tests.support.seed import CREATE_INVOICE, seed_variables_json

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every CI run; raise FUZZ_EXAMPLES to explore more
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SCALARS = {
    "Date": st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(max_size=12)).map(
        nodes.String
    ),
    "DateTime": st.one_of(
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()), st.text(max_size=30)
    ).map(nodes.String),
    "Decimal": st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.sampled_from(["NaN", "Infinity", "1e999999", "-0", "0.0000000000001", "12,5"]),
        st.text(max_size=10),
    ).map(nodes.String),
    "Upload": st.just(nodes.Null),
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as client:
        yield client


def check_well_formed(response: Any) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    assert isinstance(body, dict), body
    assert set(body) <= {"data", "errors", "extensions"}, body
    assert "data" in body or body.get("errors"), body
    for error in body.get("errors", []):
        assert isinstance(error["message"], str), error
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", error
    assert "Traceback" not in response.text


def post(client: TestClient, payload: object) -> Any:
    return client.post(
        "/graphql",
        content=json.dumps(payload),
        headers={"Content-Type": "application/json", "Accept": "application/graphql-response+json"},
    )


@FUZZ
@given(document=from_schema(schema._schema, custom_scalars=SCALARS, allow_x00=False))
def test_valid_documents(client: TestClient, document: str) -> None:
    check_well_formed(post(client, {"query": document}))


@FUZZ
@given(document=from_schema(schema._schema, custom_scalars=SCALARS, mode=Mode.NEGATIVE))
def test_invalid_documents(client: TestClient, document: str) -> None:
    check_well_formed(post(client, {"query": document}))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(
    [
        "contractId",
        "description",
        "receivables",
        "grossValue",
        "issueDate",
        "services",
        "attachments",
        "paymentInformation",
        "dueDate",
        "units",
        "approvalStatus",
        "number",
    ]
)


@FUZZ
@given(
    variables=st.dictionaries(
        st.just("input"),
        st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=8) | JSON_VALUES,
    )
)
def test_arbitrary_variables(client: TestClient, variables: dict[str, Any]) -> None:
    check_well_formed(post(client, {"query": CREATE_INVOICE, "variables": variables}))


@FUZZ
@given(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bodies(client: TestClient, body: bytes) -> None:
    response = client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400, 413, 415), response.text
    assert isinstance(response.json()["errors"], list) or "data" in response.json()


def test_the_gateway_is_healthy_after_the_fuzzing(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.post(
        "/graphql",
        content=f'{{"query": {json.dumps(CREATE_INVOICE)}, "variables": {seed_variables_json()}}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.json()["data"]["createInvoice"]["invoice"]["grossValue"] == "700.00"
