"""Malformed requests get a 4xx with a code, lose nothing, and write no traceback."""

from __future__ import annotations

import json
import logging

import pytest

from examples.seed import CREATE_INVOICE, seed_response, seed_variables_json
from tests.support.gateway import Gateway, answer, gateway_with

JSON_HEADERS = {"Content-Type": "application/json"}


def send(gateway: Gateway, body: bytes | str, **headers: str) -> tuple[int, dict[str, object]]:
    response = gateway.client.post("/graphql", content=body, headers={**JSON_HEADERS, **headers})
    assert response.headers["content-type"].startswith("application/json")
    return response.status_code, response.json()


def code_of(result: dict[str, object]) -> str:
    errors = result["errors"]
    assert isinstance(errors, list)
    return str(errors[0]["extensions"]["code"])


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def assert_no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [record for record in caplog.records if record.exc_info] == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("where", ["body", "variables"])
def test_json_nested_a_million_deep_is_refused(
    where: str, no_tracebacks: pytest.LogCaptureFixture
) -> None:
    deep = "[" * 1_000_000 + "]" * 1_000_000
    wrapped = '{"query": "{ __typename }", "variables": {"a": ' + deep + "}}"
    body = deep if where == "body" else wrapped
    with gateway_with(answer(500), max_request_bytes=4_000_000) as gateway:
        status, result = send(gateway, body)
        assert gateway.sent == []
    assert status == 400
    assert code_of(result) == "JSON_TOO_DEEP"
    assert_no_tracebacks(no_tracebacks)


def test_variables_deeper_than_the_limit_are_refused_naming_the_path() -> None:
    variables = {"input": {"receivables": [{"x": [[[[[[1]]]]]]}]}}
    with gateway_with(answer(500), max_json_depth=6) as gateway:
        status, result = send(
            gateway, json.dumps({"query": CREATE_INVOICE, "variables": variables})
        )
        assert gateway.sent == []
    assert status == 200  # plain JSON accepted: a request error has no data
    assert code_of(result) == "JSON_TOO_DEEP"
    errors = result["errors"]
    assert isinstance(errors, list)
    assert errors[0]["message"].startswith("Variable $input.receivables.0.x.0.0.0")


def invoice_with_description_escaped(escaped: str) -> str:
    """The seed createInvoice request, its description written as JSON `escaped` text."""
    variables = json.loads(seed_variables_json())
    variables["input"]["description"] = "PLACEHOLDER"
    body = json.dumps({"query": CREATE_INVOICE, "variables": variables})
    return body.replace('"PLACEHOLDER"', f'"{escaped}"')


def test_a_lone_surrogate_is_refused_naming_the_path(
    no_tracebacks: pytest.LogCaptureFixture,
) -> None:
    body = invoice_with_description_escaped("abc\\ud800def")
    with gateway_with(answer(201, seed_response())) as gateway:
        status, result = send(gateway, body)
        assert gateway.sent == []
    assert status == 400
    assert code_of(result) == "BAD_REQUEST"
    assert "variables.input.description" in json.dumps(result)
    assert "abc" not in json.dumps(result)
    assert_no_tracebacks(no_tracebacks)


def test_a_surrogate_pair_is_a_character_and_goes_through() -> None:
    body = invoice_with_description_escaped("nota \\ud83d\\ude00")
    with gateway_with(answer(201, seed_response())) as gateway:
        status, result = send(gateway, body)
        (sent,) = gateway.sent
    assert status == 200
    assert json.loads(sent.content)["invoice"]["description"] == "nota \U0001f600"
    assert "errors" not in result


def test_a_lone_surrogate_in_a_get_query_is_refused() -> None:
    with gateway_with(answer(500)) as gateway:
        response = gateway.client.get(
            "/graphql", params={"query": "{ __typename }", "variables": '{"a": "\\udc00"}'}
        )
    assert response.status_code == 400
    assert code_of(response.json()) == "BAD_REQUEST"
    assert "`variables.a`" in response.text


def test_a_chain_of_a_thousand_fragments_is_a_validation_error() -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(1000))
    query = "{ ...F0 } " + chain + " fragment F1000 on Query { __typename }"
    with gateway_with(answer(500), max_tokens=10_000, max_query_bytes=64 * 1024) as gateway:
        status, result = send(gateway, json.dumps({"query": query}))
    assert status == 200
    assert code_of(result) == "GRAPHQL_VALIDATION_FAILED"
    assert "recursion" not in json.dumps(result)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Authorization": "Token token=" + "x" * 5000}, "Authorization header is too long"),
        ({f"X-Padding-{i}": "y" * 1000 for i in range(40)}, "headers are too large"),
    ],
)
def test_oversized_headers_get_431_and_nothing_goes_upstream(
    headers: dict[str, str], reason: str, no_tracebacks: pytest.LogCaptureFixture
) -> None:
    with gateway_with(answer(500)) as gateway:
        status, result = send(gateway, json.dumps({"query": "{ __typename }"}), **headers)
        assert gateway.sent == []
    assert status == 431
    assert code_of(result) == "HEADERS_TOO_LARGE"
    assert reason in json.dumps(result)
    assert_no_tracebacks(no_tracebacks)


def test_an_authorization_within_the_limit_is_forwarded() -> None:
    token = "Token token=" + "x" * 3000
    with gateway_with(answer(201, seed_response())) as gateway:
        gateway.graphql(CREATE_INVOICE, seed_variables_json(), Authorization=token)
        (sent,) = gateway.sent
    assert sent.headers["authorization"] == token


@pytest.mark.parametrize("graphiql", [True, False])
def test_the_playground_files_are_served_only_with_the_playground(graphiql: bool) -> None:
    with gateway_with(answer(500), graphiql=graphiql) as gateway:
        response = gateway.client.get("/graphql/assets/graphiql.min.css")
        page = gateway.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == (200 if graphiql else 404)
    assert ("text/html" in page.headers["content-type"]) is graphiql
