"""Input errors name the path and the reason, never the value: variables, literals, scalars
and enums, and the top-level mistakes newcomers make most."""

from __future__ import annotations

import json
from typing import Any

import pytest

from examples.seed import CREATE_INVOICE, seed_variables_json
from gateway.input_errors import GENERIC_REASON, scrub
from tests.support.gateway import answer, gateway_with

SECRET = "Token token=SECRET123"
SEARCH = """
query Search($organizationId: ID!, $filter: InvoiceFilter, $first: Int) {
  invoices(organizationId: $organizationId, filter: $filter, first: $first) { totalPages }
}
"""


def seed_input() -> dict[str, Any]:
    return json.loads(seed_variables_json())["input"]  # type: ignore[no-any-return]


def only_error(query: str, variables: dict[str, Any] | None, **settings: Any) -> dict[str, Any]:
    with gateway_with(answer(500), **settings) as gateway:
        result = gateway.graphql(query, variables)
    assert gateway.sent == []  # refused before any upstream call
    assert result.get("data") is None
    (error,) = result["errors"]
    assert SECRET not in json.dumps(result)
    return error  # type: ignore[no-any-return]


def without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in mapping.items() if name != key}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda given: {"input": without(given, "description")},
            "Variable '$input' has an invalid value at 'input.description': "
            "'CreateInvoiceInput' requires this field, and it is missing.",
        ),
        (
            lambda given: {"input": {**without(given, "grossValue"), "gross_value": "1.00"}},
            "Variable '$input' has an invalid value at 'input.gross_value': "
            "'CreateInvoiceInput' has no such field. Did you mean 'grossValue'?",
        ),
        (
            lambda given: {"contractId": given["contractId"], "description": "x"},
            "Variable '$input' is required and was not provided. The variables hold "
            "'contractId', 'description', which the operation does not declare: send them "
            "inside `input`.",
        ),
        (lambda given: None, "Variable '$input' is required and was not provided."),
        (
            lambda given: {"input": {**given, "issueDate": SECRET}},
            "Variable '$input' has an invalid value at 'input.issueDate': "
            "Date must be in the form YYYY-MM-DD.",
        ),
        (
            lambda given: {"input": {**given, "grossValue": SECRET}},
            "Variable '$input' has an invalid value at 'input.grossValue': "
            "Decimal must be a number, such as 700.10.",
        ),
        (
            lambda given: {"input": {**given, "description": {"nested": SECRET}}},
            "Variable '$input' has an invalid value at 'input.description': "
            "String cannot represent a non string value.",
        ),
        (
            lambda given: {
                "input": {**given, "receivables": [{**given["receivables"][0], "dueDate": SECRET}]}
            },
            "Variable '$input' has an invalid value at 'input.receivables[0].dueDate': "
            "Date must be in the form YYYY-MM-DD.",
        ),
    ],
)
def test_variable_errors_name_the_path_and_the_reason(change: Any, message: str) -> None:
    error = only_error(CREATE_INVOICE, change(seed_input()))
    assert error["message"] == message
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"organizationId": "1", "filter": {"state": SECRET}},
            "Variable '$filter' has an invalid value at 'filter.state': "
            "Value does not exist in 'InvoiceFilterState' enum.",
        ),
        (
            {"organizationId": "1", "filter": {"state": "LAT"}},
            "Variable '$filter' has an invalid value at 'filter.state': "
            "Value does not exist in 'InvoiceFilterState' enum. Did you mean the enum value "
            "'LATE'?",
        ),
        (
            {"organizationId": "1", "first": SECRET},
            "Variable '$first' has an invalid value at 'first': "
            "Int cannot represent non-integer value.",
        ),
    ],
)
def test_enum_and_builtin_scalar_errors_leave_the_value_out(
    variables: dict[str, Any], message: str
) -> None:
    assert only_error(SEARCH, variables)["message"] == message


def test_suggestions_go_when_they_are_off() -> None:
    variables = {"input": {**without(seed_input(), "grossValue"), "gross_value": "1.00"}}
    error = only_error(CREATE_INVOICE, variables, field_suggestions=False)
    assert "Did you mean" not in error["message"]
    assert "'input.gross_value'" in error["message"]


@pytest.mark.parametrize(
    "query",
    [
        "{ invoices(organizationId: 1, filter: {state: TOKEN_SECRET123}) { totalPages } }",
        '{ invoices(organizationId: 1, first: "Token token=SECRET123") { totalPages } }',
        '{ invoices(organizationId: {token: "Token token=SECRET123"}) { totalPages } }',
        'mutation { createInvoice(input: {contractId: 3, description: "x", issueDate: '
        '"Token token=SECRET123", grossValue: "1", receivables: []}) { userErrors { code } } }',
    ],
)
def test_literal_errors_leave_the_value_out(query: str) -> None:
    error = only_error(query, None)
    assert "SECRET123" not in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("message", "value", "scrubbed"),
    [
        ("Expected value of type 'X' to be an object, found: 'abc'.", "'abc'", None),
        ("Expected 'X'. Did you mean 'Y'? Found: {a: 1}.", None, "Expected 'X'. Did you mean 'Y'?"),
        ("Int cannot represent non-integer value: 'abcd'", None, None),
        ("Value 'abcd' does not exist in 'E' enum.", None, "Value does not exist in 'E' enum."),
        # A template the scrubber does not know, with the value still in it.
        ("Something new about 'a secret value' here.", "'a secret value'", GENERIC_REASON),
    ],
)
def test_scrub_cuts_the_value_where_each_template_puts_it(
    message: str, value: str | None, scrubbed: str | None
) -> None:
    result = scrub(message, value)
    assert "abc" not in result
    assert "secret" not in result
    if scrubbed is not None:
        assert result == scrubbed


def test_validation_errors_about_variables_are_validation_errors() -> None:
    query = "query Unused($v: ID) { __typename }"
    error = only_error(query, {"v": SECRET})
    assert error["message"] == "Variable '$v' is never used in operation 'Unused'."
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
