"""Each query text is parsed and validated once per schema; errors are reported every time."""

from __future__ import annotations

from typing import Any

import pytest

from gateway import document_cache
from gateway.context import Context
from gateway.schema import build_schema


def context() -> Context:
    return Context(upstream=None, authorization=None)  # type: ignore[arg-type]


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    original = document_cache.validate_document

    def counting(*args: Any) -> Any:
        calls.append(args[1])
        return original(*args)

    monkeypatch.setattr(document_cache, "validate_document", counting)
    return calls


async def test_a_query_text_is_validated_once(validations: list[object]) -> None:
    schema = build_schema(max_depth=5)
    for _ in range(3):
        result = await schema.execute("{ __typename }", context_value=context())
        assert result.data == {"__typename": "Query"}
    await schema.execute("query Other { __typename }", context_value=context())
    assert len(validations) == 2


async def test_invalid_documents_are_reported_every_time(validations: list[object]) -> None:
    schema = build_schema(max_depth=1)
    deep = "{ invoice(contractId: 1, id: 1) { receivables { id } } }"
    messages = []
    for _ in range(2):
        result = await schema.execute(deep, context_value=context())
        assert result.data is None
        assert result.errors
        messages.append([error.message for error in result.errors])
    assert messages[0] == messages[1]
    assert "exceeds maximum operation depth" in messages[0][0]
    assert len(validations) == 1


async def test_parse_errors_and_the_token_limit_still_apply() -> None:
    schema = build_schema(max_tokens=10)
    broken = await schema.execute("{ __typename ", context_value=context())
    assert broken.errors
    assert "Syntax Error" in broken.errors[0].message
    long = await schema.execute("{ " + "__typename " * 20 + "}", context_value=context())
    assert long.errors
    assert "token" in long.errors[0].message.lower()


async def test_schemas_do_not_share_their_rules() -> None:
    open_schema = build_schema(introspection=True)
    closed_schema = build_schema(introspection=False)
    query = "{ __schema { queryType { name } } }"
    opened = await open_schema.execute(query, context_value=context())
    closed = await closed_schema.execute(query, context_value=context())
    assert opened.errors is None
    assert closed.errors
