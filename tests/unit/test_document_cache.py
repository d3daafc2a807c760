"""Each valid query text is parsed and validated once per schema, within a byte budget;
invalid documents are reported every time and never kept."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from gateway import document_cache
from gateway.context import Context
from gateway.document_cache import BYTES_PER_TOKEN, Documents, compiled_for
from gateway.document_limits import DocumentLimits
from gateway.schema import build_schema


def context() -> Context:
    return Context(upstream=None, authorization=None)  # type: ignore[arg-type]


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    original = document_cache.validate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(document_cache, "validate", counting)
    return calls


async def test_a_query_text_is_validated_once(validations: list[object]) -> None:
    schema = build_schema(max_depth=5)
    for _ in range(3):
        result = await schema.execute("{ __typename }", context_value=context())
        assert result.data == {"__typename": "Query"}
    await schema.execute("query Other { __typename }", context_value=context())
    assert len(validations) == 2


async def test_invalid_documents_are_reported_every_time_and_never_kept(
    validations: list[object],
) -> None:
    schema = build_schema()
    unknown = "{ invoice(contractId: 1, id: 1) { nope } }"
    messages = []
    for _ in range(2):
        result = await schema.execute(unknown, context_value=context())
        assert result.data is None
        assert result.errors
        messages.append([error.message for error in result.errors])
    assert messages[0] == messages[1]
    assert "Cannot query field 'nope' on type 'Invoice'" in messages[0][0]
    assert len(validations) == 2  # validated again: nothing of it was kept


async def test_validation_stops_after_a_few_errors() -> None:
    schema = build_schema()
    # Three unknown fields get through the text checks; each is one validation error, and
    # each argument that does not exist is one more.
    arguments = ", ".join(f"a{i}: 1" for i in range(30))
    result = await schema.execute(
        "{ invoice(contractId: 1, id: 1, " + arguments + ") { id } }", context_value=context()
    )
    assert result.errors
    assert len(result.errors) == document_cache.MAX_VALIDATION_ERRORS + 1
    assert "Validation aborted" in result.errors[-1].message


async def test_parse_errors_and_the_token_limit_still_apply() -> None:
    schema = build_schema(max_tokens=100)
    broken = await schema.execute("{ __typename ", context_value=context())
    assert broken.errors
    assert "Syntax Error" in broken.errors[0].message
    long = await schema.execute("{ " + "__typename " * 200 + "}", context_value=context())
    assert long.errors
    assert "tokens" in long.errors[0].message


async def test_schemas_do_not_share_their_rules() -> None:
    open_schema = build_schema(introspection=True)
    closed_schema = build_schema(introspection=False)
    query = "{ __schema { queryType { name } } }"
    opened = await open_schema.execute(query, context_value=context())
    closed = await closed_schema.execute(query, context_value=context())
    assert opened.errors is None
    assert closed.errors


def test_the_cache_is_bounded_by_bytes_and_drops_the_least_recently_used() -> None:
    tokens = 10
    cost_of_each = len("{ a0 }") + tokens * BYTES_PER_TOKEN
    documents = Documents(max_bytes=3 * cost_of_each, limits=DocumentLimits(), rules=())
    texts = [f"{{ a{i} }}" for i in range(5)]
    for text in texts[:3]:
        documents.put(text, parse(text), tokens=tokens)
    assert documents.get(texts[0]) is not None  # now the most recently used
    for text in texts[3:]:
        documents.put(text, parse(text), tokens=tokens)
    assert len(documents) == 3
    assert documents.size <= 3 * cost_of_each
    assert documents.get(texts[1]) is None
    assert documents.get(texts[2]) is None
    assert documents.get(texts[0]) is not None


def test_a_document_larger_than_the_whole_budget_is_not_kept() -> None:
    documents = Documents(max_bytes=BYTES_PER_TOKEN, limits=DocumentLimits(), rules=())
    documents.put("{ a }", parse("{ a }"), tokens=3)
    assert len(documents) == 0
    assert documents.size == 0


def test_what_is_compiled_for_a_document_goes_with_it() -> None:
    documents = Documents(
        max_bytes=2 * (6 + 3 * BYTES_PER_TOKEN), limits=DocumentLimits(), rules=()
    )
    first = parse("{ a0 }")
    documents.put("{ a0 }", first, tokens=3)
    compiled = compiled_for(first)
    assert compiled is not None
    compiled["plan"] = object()
    assert compiled_for(parse("{ a0 }")) is None  # an equal document is not the cached one
    for i in range(1, 3):
        documents.put(f"{{ a{i} }}", parse(f"{{ a{i} }}"), tokens=3)
    assert documents.get("{ a0 }") is None
    assert compiled_for(first) is None


async def test_planned_execution_keeps_its_plans_in_the_documents_entry() -> None:
    schema = build_schema()
    query = "{ __typename }"
    result = await schema.execute(query, context_value=context())
    assert result.errors is None
    (extension,) = [
        e for e in schema.get_extensions() if isinstance(e, document_cache.DocumentCache)
    ]
    cached = extension._documents.get(query)
    assert cached is not None
    compiled = compiled_for(cached)
    assert compiled is not None
    assert any(key[0] == "prepared" for key in compiled)


async def test_a_new_documents_tokens_are_measured_and_a_cached_one_costs_none() -> None:
    schema = build_schema()
    query = "{ __typename }"
    costs = []
    for _ in range(2):
        with document_cache.measured_work() as work:
            result = await schema.execute(query, context_value=context())
        assert result.errors is None
        costs.append(work.tokens)
    assert costs == [3, 0]
