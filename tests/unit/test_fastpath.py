"""The speed-up layer's switch and its fallback: with the layer off, or unable to run on the
installed libraries, the gateway serves stock Strawberry execution with the same answers."""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from examples.seed import CREATE_INVOICE, GET_INVOICE, seed_response, seed_variables_json
from gateway import fastpath
from gateway.fastpath import compat
from gateway.fastpath.execution import PlannedExecutionContext
from gateway.schema import build_schema
from tests.support.gateway import answer, gateway_with


@pytest.fixture
def warned_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "_warned", False)


def test_the_installed_libraries_are_the_ones_the_layer_was_checked_against() -> None:
    assert compat.problem() is None


@pytest.mark.usefixtures("warned_afresh")
def test_a_library_the_layer_does_not_recognise_means_stock_execution_and_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(compat, "problem", lambda: "graphql-core's executor changed")
    with caplog.at_level(logging.WARNING, logger="gateway.fastpath"):
        first = build_schema(fast_path=True)
        build_schema(fast_path=True)
    assert not issubclass(first.execution_context_class, PlannedExecutionContext)
    assert issubclass(first.execution_context_class, StrawberryGraphQLCoreExecutionContext)
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert "graphql-core's executor changed" in warnings[0]


@pytest.mark.usefixtures("warned_afresh")
def test_switched_off_it_is_stock_execution_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="gateway.fastpath"):
        schema = build_schema(fast_path=False)
    assert not issubclass(schema.execution_context_class, PlannedExecutionContext)
    assert caplog.records == []
    assert issubclass(build_schema().execution_context_class, PlannedExecutionContext)


def served(fast_path: bool, query: str, variables: str, status: int, body: Any) -> Any:
    with gateway_with(answer(status, body), fast_path=fast_path) as gateway:
        result = gateway.graphql(query, variables)
        sent = [(r.method, r.url.path, json.loads(r.content or b"null")) for r in gateway.sent]
    return result, sent


@pytest.mark.usefixtures("warned_afresh")
@pytest.mark.parametrize(
    ("query", "variables", "status"),
    [
        (CREATE_INVOICE, seed_variables_json(), 201),
        (GET_INVOICE, '{"contractId": "3", "id": "61"}', 200),
        (CREATE_INVOICE, '{"input": {"contractId": "3", "issueDate": "2025-13-01"}}', 201),
    ],
)
def test_the_fallback_answers_and_calls_upstream_exactly_as_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, query: str, variables: str, status: int
) -> None:
    fast = served(True, query, variables, status, seed_response())
    monkeypatch.setattr(compat, "problem", lambda: "a library upgrade")
    stock = served(True, query, variables, status, seed_response())
    assert stock == fast


@dataclasses.dataclass
class _Plain:
    a: int
    b: str = "b"


@dataclasses.dataclass
class _PostInit:
    a: int

    def __post_init__(self) -> None:
        self.a += 1


@dataclasses.dataclass
class _HandWritten:
    a: int

    def __init__(self, a: int) -> None:
        self.a = a * 2


@dataclasses.dataclass
class _Extra:
    a: int
    hidden: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(slots=True)
class _Slots:
    a: int


@dataclasses.dataclass(frozen=True)
class _Frozen:
    a: int


class _NotADataclass:
    def __init__(self, a: int) -> None:
        self.a = a


@pytest.mark.parametrize(
    ("cls", "names", "by_dict"),
    [
        (_Plain, ("a", "b"), True),
        (_Plain, ("b", "a"), False),  # not the order `__init__` assigns them in
        (_PostInit, ("a",), False),
        (_HandWritten, ("a",), False),
        (_Extra, ("a",), False),  # a field the builder would not set
        (_Slots, ("a",), False),
        (_Frozen, ("a",), False),
        (_NotADataclass, ("a",), False),
    ],
)
def test_objects_are_built_by_their_dict_only_where_that_is_what_init_does(
    cls: type, names: tuple[str, ...], by_dict: bool
) -> None:
    assert compat.builds_by_dict(cls, names) is by_dict


def test_every_input_type_of_the_schema_is_built_by_its_dict() -> None:
    # Where this stops holding (a library upgrade, a type with a __post_init__), coercers
    # call the class instead; test_variables holds either way to Strawberry's results.
    schema = build_schema()
    for graphql_type in schema._schema.type_map.values():
        definition = (getattr(graphql_type, "extensions", None) or {}).get(
            compat.DEFINITION_BACKREF
        )
        if getattr(definition, "is_input", False):
            cls = definition.origin
            names = [field.name for field in dataclasses.fields(cls)]
            assert compat.builds_by_dict(cls, names), cls.__name__
