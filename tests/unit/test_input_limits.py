"""List and string limits on the input: refused before any resolver or upstream call."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.seed import CREATE_INVOICE, seed_response
from gateway.input_limits import InputLimits, oversized_variable
from tests.support.gateway import Gateway, answer, gateway_with

LIMITS = {"max_list_length": 3, "max_string_length": 20, "max_upload_bytes": 30}
RESPONSE_JSON = "application/graphql-response+json"


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    with gateway_with(answer(201, seed_response()), **LIMITS) as gateway:
        yield gateway


def post(gateway: Gateway, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = gateway.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Accept": RESPONSE_JSON}
    )
    assert response.headers["content-type"].startswith(RESPONSE_JSON)
    return response.status_code, response.json()


def invoice(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "contractId": "3",
        "description": "x",
        "receivables": [{"dueDate": "2025-06-10"}],
    }
    return {"input": {**base, **fields}}


def receivables(count: int) -> list[dict[str, str]]:
    return [{"dueDate": "2025-06-10"}] * count


@pytest.mark.parametrize(
    ("variables", "path", "what"),
    [
        (invoice(receivables=receivables(4)), "$input.receivables", "more than 3 items"),
        (invoice(services=[{"description": "s"}] * 4), "$input.services", "more than 3 items"),
        (invoice(attachments=[{"filename": "a"}] * 4), "$input.attachments", "more than 3 items"),
        (invoice(description="d" * 21), "$input.description", "longer than 20 characters"),
        (
            invoice(services=[{"description": "s" * 21}]),
            "$input.services.0.description",
            "longer than 20 characters",
        ),
        (
            invoice(attachments=[{"content": "A" * 41}]),
            "$input.attachments.0.content",
            "longer than 40 characters",
        ),
    ],
)
def test_oversized_variables_are_refused_before_calling(
    gateway: Gateway, variables: dict[str, Any], path: str, what: str
) -> None:
    status, result = post(gateway, CREATE_INVOICE, variables)
    assert gateway.sent == []
    assert status == 400
    assert result == {
        "errors": [
            {
                "message": f"Variable {path} is {what}."
                if "longer" in what
                else f"Variable {path} has {what}.",
                "extensions": {"code": "INPUT_TOO_LARGE"},
            }
        ],
    }


def test_inputs_at_the_limits_are_sent(gateway: Gateway) -> None:
    content = base64.b64encode(b"b" * 30).decode()  # the Base64 of the largest upload
    variables = invoice(
        receivables=receivables(3),
        description="d" * 20,
        attachments=[{"filename": "a.txt", "content": content}],
    )
    result = gateway.graphql(CREATE_INVOICE, variables)
    assert result["data"]["createInvoice"]["userErrors"] == []
    [sent] = gateway.sent
    assert sent.content.count(b'"due_date"') == 3
    assert content.encode() in sent.content


def test_oversized_literals_are_validation_errors(gateway: Gateway) -> None:
    document = """
    mutation {
      createInvoice(input: {contractId: "3", description: "%s",
                            receivables: [{dueDate: "2025-06-10"}, {dueDate: "2025-06-11"},
                                          {dueDate: "2025-06-12"}, {dueDate: "2025-06-13"}]}) {
        userErrors { code }
      }
    }""" % ("d" * 21)
    status, result = post(gateway, document)
    assert gateway.sent == []
    assert status == 400
    # The string is refused from the text, before parsing (gateway.document_limits); the
    # list only validation can see, so the first refusal is the one reported.
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        ("A string is longer than 20 characters.", "INPUT_TOO_LARGE"),
    ]
    status, result = post(gateway, document.replace("d" * 21, "d"))
    assert gateway.sent == []
    assert status == 400
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        ("A list has more than 3 items.", "INPUT_TOO_LARGE"),
    ]


def test_the_content_limit_follows_the_upload_limit() -> None:
    limits = InputLimits.for_uploads(max_items=1, max_string_length=10, max_upload_bytes=3000)
    assert limits.max_content_length == 4000
    assert oversized_variable({"c": {"content": "A" * 4000}}, limits) is None
    assert oversized_variable({"c": {"content": "A" * 4001}}, limits) is not None
    assert oversized_variable({"c": {"other": "A" * 11}}, limits) is not None


def _problems(value: object, limits: InputLimits) -> set[str]:
    """Every problem of `value`, found by plain recursion (the reference for the walk)."""
    found: set[str] = set()

    def visit(node: object, steps: list[str], field: str | None, depth: int) -> None:
        path = "$" + ".".join(steps)
        if depth > limits.max_depth:
            found.add(f"Variable {path} is nested too deeply (the limit is {limits.max_depth}).")
            return
        if isinstance(node, list) and len(node) > limits.max_items:
            found.add(f"Variable {path} has more than {limits.max_items} items.")
            return
        children = node.items() if isinstance(node, dict) else enumerate(node)  # type: ignore[attr-defined]
        for step, child in children:
            bound = step if isinstance(node, dict) else field
            if isinstance(child, str):
                limit = (
                    limits.max_content_length if bound == "content" else limits.max_string_length
                )
                if len(child) > limit:
                    where = "$" + ".".join([*steps, str(step)])
                    found.add(f"Variable {where} is longer than {limit} characters.")
            elif isinstance(child, (dict, list)):
                visit(child, [*steps, str(step)], bound, depth + 1)

    visit(value, [], None, 0)
    return found


JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.decimals(allow_nan=False)
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(["a", "content", "b"]), children, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["input", "x"]), JSON_VALUES, max_size=2))
def test_the_walk_finds_a_problem_exactly_when_there_is_one(variables: dict[str, Any]) -> None:
    limits = InputLimits(max_items=4, max_string_length=5, max_content_length=7, max_depth=3)
    problems = _problems(variables, limits)
    found = oversized_variable(variables, limits)
    if not problems:
        assert found is None
    else:
        assert found is not None
        assert found[0] in problems
