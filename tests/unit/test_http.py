"""The HTTP surface of /graphql (GraphQL over HTTP), with a mocked upstream."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import httpx
import pytest

from examples.seed import CREATE_INVOICE, GET_INVOICE, seed_response, seed_variables_json
from gateway.persisted_queries import MemoryPersistedQueryStore
from tests.support.gateway import Gateway, answer, gateway_with

GRAPHQL_RESPONSE = "application/graphql-response+json"
READ = "query Read($id: ID!) { invoice(contractId: 3, id: $id) { id grossValue } }"
READ_VARIABLES = {"id": "61"}


def post(gateway: Gateway, body: object, **headers: str) -> httpx.Response:
    return gateway.client.post(
        "/graphql",
        content=json.dumps(body),
        headers={"Content-Type": "application/json", **headers},
    )


def read_invoice() -> Any:
    return answer(200, seed_response())


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
    ],
)
def test_the_response_type_follows_accept(accept: str | None, media_type: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    with gateway_with(read_invoice()) as gateway:
        response = post(gateway, {"query": READ, "variables": READ_VARIABLES}, **headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.json() == {"data": {"invoice": {"id": "61", "grossValue": "700.00"}}}


def test_an_unacceptable_accept_is_406() -> None:
    with gateway_with(read_invoice()) as gateway:
        response = post(gateway, {"query": READ}, Accept="text/xml")
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"
    assert gateway.sent == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ invoice(contractId: 3, id: 61) { id "}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ invoice(contractId: 3, id: 61) { nope } }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": READ, "variables": {"id": {"an": "object"}}}, "BAD_USER_INPUT"),
        ({"query": READ}, "BAD_USER_INPUT"),
    ],
)
@pytest.mark.parametrize(("accept", "status"), [(GRAPHQL_RESPONSE, 400), ("application/json", 200)])
def test_request_errors_have_no_data_and_are_400_under_the_spec_type(
    body: dict[str, Any], code: str, accept: str, status: int
) -> None:
    with gateway_with(read_invoice()) as gateway:
        response = post(gateway, body, Accept=accept)
    assert response.status_code == status
    result = response.json()
    assert "data" not in result
    assert [error["extensions"]["code"] for error in result["errors"]] == [code]
    assert gateway.sent == []


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
def test_field_errors_keep_data_and_status_200(accept: str) -> None:
    with gateway_with(answer(500, b"")) as gateway:
        response = post(gateway, {"query": READ, "variables": READ_VARIABLES}, Accept=accept)
    assert response.status_code == 200
    result = response.json()
    assert result["data"] == {"invoice": None}
    assert result["errors"][0]["extensions"]["code"] == "UPSTREAM_SERVER_ERROR"


@pytest.mark.parametrize(
    ("content", "headers", "status", "message"),
    [
        (b"{not json", {"Content-Type": "application/json"}, 400, "not valid JSON"),
        (b"", {"Content-Type": "application/json"}, 400, "empty"),
        (b'{"query": 1}', {"Content-Type": "application/json"}, 400, "`query`"),
        (
            b'{"query": "{ __typename }", "variables": "x"}',
            {"Content-Type": "application/json"},
            400,
            "`variables`",
        ),
        (
            b'{"query": "{ __typename }", "extensions": []}',
            {"Content-Type": "application/json"},
            400,
            "`extensions`",
        ),
        (b'{"variables": {}}', {"Content-Type": "application/json"}, 400, "no `query`"),
        (b'{"query": "{ __typename }"}', {}, 415, "application/json"),
        (
            b'{"query": "{ __typename }"}',
            {"Content-Type": "application/json; charset=latin1"},
            415,
            "UTF-8",
        ),
    ],
)
def test_malformed_requests(
    content: bytes, headers: dict[str, str], status: int, message: str
) -> None:
    with gateway_with(read_invoice()) as gateway:
        response = gateway.client.post("/graphql", content=content, headers=headers)
    assert response.status_code == status
    (error,) = response.json()["errors"]
    assert message in error["message"]
    assert gateway.sent == []


def test_queries_over_get_and_never_mutations() -> None:
    with gateway_with(read_invoice()) as gateway:
        query = gateway.client.get(
            "/graphql", params={"query": READ, "variables": json.dumps(READ_VARIABLES)}
        )
        mutation = gateway.client.get(
            "/graphql",
            params={"query": CREATE_INVOICE, "variables": seed_variables_json()},
        )
    assert query.json() == {"data": {"invoice": {"id": "61", "grossValue": "700.00"}}}
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"
    assert mutation.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert [request.method for request in gateway.sent] == ["GET"]


def test_other_methods_are_405() -> None:
    with gateway_with(read_invoice()) as gateway:
        response = gateway.client.put("/graphql", content=b"{}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


def test_a_batch_is_answered_in_order() -> None:
    operations = [
        {"query": READ, "variables": {"id": "61"}},
        {"query": "{ nope }"},
        {"query": GET_INVOICE, "variables": {"contractId": "3", "id": "61"}},
    ]
    with gateway_with(read_invoice()) as gateway:
        response = post(gateway, operations, Accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    first, second, third = response.json()
    assert first == {"data": {"invoice": {"id": "61", "grossValue": "700.00"}}}
    assert "data" not in second
    assert second["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert third["data"]["invoice"]["id"] == "61"
    assert len(gateway.sent) == 2


def test_a_batch_over_the_limit_is_refused_before_running() -> None:
    operations = [{"query": READ, "variables": READ_VARIABLES}] * 4
    with gateway_with(read_invoice(), max_batch_size=3) as gateway:
        response = post(gateway, operations)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error == {
        "message": "A batch of 4 operations exceeds the maximum of 3.",
        "extensions": {"code": "BATCH_TOO_LARGE"},
    }
    assert gateway.sent == []


def apq(query: str | None, sha256_hash: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "variables": READ_VARIABLES,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256_hash}},
    }
    if query is not None:
        body["query"] = query
    return body


def test_automatic_persisted_queries() -> None:
    sha = hashlib.sha256(READ.encode()).hexdigest()
    with gateway_with(read_invoice()) as gateway:
        unknown = post(gateway, apq(None, sha))
        registered = post(gateway, apq(READ, sha))
        hash_only = post(gateway, apq(None, sha))
        over_get = gateway.client.get(
            "/graphql",
            params={
                "variables": json.dumps(READ_VARIABLES),
                "extensions": json.dumps(apq(None, sha)["extensions"]),
            },
        )
    assert unknown.status_code == 200
    assert unknown.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    expected = {"data": {"invoice": {"id": "61", "grossValue": "700.00"}}}
    assert registered.json() == expected
    assert hash_only.json() == expected
    assert over_get.json() == expected
    assert len(gateway.sent) == 3


def test_a_persisted_query_with_the_wrong_hash_is_rejected_and_not_stored() -> None:
    wrong = hashlib.sha256(b"something else").hexdigest()
    with gateway_with(read_invoice()) as gateway:
        mismatch = post(gateway, apq(READ, wrong))
        later = post(gateway, apq(None, wrong))
    assert mismatch.status_code == 400
    assert mismatch.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert later.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert gateway.sent == []


async def test_the_persisted_query_store_is_bounded_and_keeps_the_recent_ones() -> None:
    store = MemoryPersistedQueryStore(max_entries=2)
    await store.put("a", "query A")
    await store.put("b", "query B")
    assert await store.get("a") == "query A"  # now the most recently used
    await store.put("c", "query C")
    assert len(store) == 2
    assert await store.get("b") is None
    assert await store.get("a") == "query A"
    assert await store.get("c") == "query C"


async def test_the_persisted_query_store_is_bounded_by_bytes() -> None:
    store = MemoryPersistedQueryStore(max_entries=100, max_bytes=25)
    for name in "abc":
        await store.put(name, name * 10)
    assert len(store) == 2
    assert store.size == 20
    assert await store.get("a") is None
    await store.put("huge", "x" * 26)  # larger than the whole budget: not kept
    assert await store.get("huge") is None
    assert await store.get("c") == "c" * 10
    await store.put("c", "c" * 5)  # re-registered: counted once
    assert store.size == 15


@pytest.mark.parametrize(
    ("method", "headers", "blocked"),
    [
        ("GET", {"Origin": "https://evil.example"}, True),
        ("GET", {"Sec-Fetch-Site": "cross-site"}, True),
        ("GET", {"Origin": "https://evil.example", "Apollo-Require-Preflight": "true"}, False),
        ("GET", {"Origin": "https://app.example"}, False),  # an allowed origin
        ("GET", {"Sec-Fetch-Site": "same-origin"}, False),
        ("GET", {}, False),  # not a browser
        ("POST", {"Origin": "https://evil.example", "Content-Type": "text/plain"}, True),
        ("POST", {"Origin": "https://evil.example", "Content-Type": "application/json"}, False),
    ],
)
def test_cross_site_requests_without_a_preflight_are_blocked(
    method: str, headers: dict[str, str], blocked: bool
) -> None:
    body = json.dumps({"query": READ, "variables": READ_VARIABLES})
    with gateway_with(read_invoice(), cors_origins="https://app.example") as gateway:
        if method == "GET":
            response = gateway.client.get(
                "/graphql",
                params={"query": READ, "variables": json.dumps(READ_VARIABLES)},
                headers=headers,
            )
        else:
            response = gateway.client.post("/graphql", content=body, headers=headers)
    if blocked:
        assert response.status_code == 403
        assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"
        assert gateway.sent == []
    else:
        assert response.json()["data"]["invoice"]["id"] == "61"


def test_cors_allows_only_the_configured_origins() -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization",
    }
    with gateway_with(read_invoice(), cors_origins="https://app.example") as gateway:
        allowed = gateway.client.options(
            "/graphql", headers={"Origin": "https://app.example", **preflight}
        )
        refused = gateway.client.options(
            "/graphql", headers={"Origin": "https://evil.example", **preflight}
        )
        simple = post(
            gateway, {"query": READ, "variables": READ_VARIABLES}, Origin="https://app.example"
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert simple.headers["access-control-allow-origin"] == "https://app.example"
    # A browser app can read when to retry after a 429 and which request id to report.
    exposed = simple.headers["access-control-expose-headers"].lower()
    assert "retry-after" in exposed
    assert "x-request-id" in exposed


def test_no_cors_by_default() -> None:
    with gateway_with(read_invoice()) as gateway:
        response = post(
            gateway, {"query": READ, "variables": READ_VARIABLES}, Origin="https://app.example"
        )
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_a_body_over_the_limit_is_413() -> None:
    big = {"query": READ, "variables": {"id": "61", "padding": "x" * 4000}}
    with gateway_with(read_invoice(), max_request_bytes=2048) as gateway:
        response = post(gateway, big)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert gateway.sent == []


def test_introspection_and_suggestions_can_be_switched_off() -> None:
    introspect = {"query": "{ __schema { types { name } } }"}
    typo = {"query": "{ invoice(contractId: 3, id: 61) { grosValue } }"}
    with gateway_with(read_invoice()) as gateway:
        assert "data" in post(gateway, introspect).json()
        assert "Did you mean" in post(gateway, typo).json()["errors"][0]["message"]
    with gateway_with(read_invoice(), introspection=False, field_suggestions=False) as gateway:
        refused = post(gateway, introspect).json()
        typo_error = post(gateway, typo).json()["errors"][0]["message"]
    assert "data" not in refused
    assert "introspection" in refused["errors"][0]["message"].lower()
    assert "Did you mean" not in typo_error


def test_the_playground_is_served_to_browsers_and_can_be_switched_off() -> None:
    with gateway_with(read_invoice()) as gateway:
        page = gateway.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    with gateway_with(read_invoice(), graphiql=False) as gateway:
        off = gateway.client.get("/graphql", headers={"Accept": "text/html"})
    assert not off.headers["content-type"].startswith("text/html")


def test_neither_the_token_nor_attachment_content_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret_token = "Token token=very-secret-token-value"
    content = "U0VDUkVULUFUVEFDSE1FTlQtQ09OVEVOVA=="
    variables = seed_variables_json().replace('"content": "tst"', f'"content": "{content}"')
    caplog.set_level(logging.DEBUG)
    with gateway_with(answer(201, seed_response())) as gateway:
        gateway.graphql(CREATE_INVOICE, variables, Authorization=secret_token)
    with gateway_with(answer(500, b"")) as gateway:
        gateway.graphql(CREATE_INVOICE, variables, Authorization=secret_token)
    assert content.encode() in gateway.sent[0].content  # it was sent, so it was in hand
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert caplog.records  # the gateway did log the exchanges
    assert "very-secret-token-value" not in logged
    assert content not in logged


@pytest.mark.parametrize(
    ("limits", "query", "fragment"),
    [
        (
            {"max_query_depth": 1},
            "{ invoice(contractId: 3, id: 61) { receivables { id } } }",
            "nested too deeply (the limit is 1)",
        ),
        ({"max_aliases": 2}, "{ a: __typename b: __typename c: __typename }", "aliases"),
        ({"max_tokens": 100}, "{ " + "__typename " * 200 + "}", "too many tokens"),
    ],
)
def test_costly_documents_are_refused_before_any_upstream_call(
    limits: dict[str, int], query: str, fragment: str
) -> None:
    with gateway_with(read_invoice(), **limits) as gateway:
        response = post(gateway, {"query": query}, Accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    result = response.json()
    assert "data" not in result
    assert fragment in result["errors"][0]["message"].lower()
    assert gateway.sent == []
