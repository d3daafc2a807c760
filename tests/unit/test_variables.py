"""Variables coerced by compiled converters equal graphql-core's own coercion, and anything
that does not coerce cleanly is left to graphql-core, so its errors stay word for word."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from graphql import (
    DocumentNode,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLString,
    OperationDefinitionNode,
    parse,
)
from graphql.type.definition import GraphQLDefaultInput
from graphql.utilities import coerce_input_value
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from examples.seed import (
    CREATE_INVOICE,
    RECEIVABLES,
    SEARCH_INVOICES,
    UPDATE_INVOICE,
    seed_variables_json,
)
from gateway import remembered
from gateway.fastpath import variable_compiler, variables
from gateway.fastpath.compat import DEFINITION_BACKREF
from gateway.fastpath.execution import PlannedExecutionContext
from gateway.fastpath.variable_compiler import compile_coercer
from gateway.scalars import parse_date
from gateway.schema import build_schema
from gateway.types.invoice import CreateInvoiceInput
from gateway.types.payment_information import PaymentInformationInput
from gateway.types.receivable import ReceivableInput
from gateway.types.service import ServiceInput

SCHEMA = build_schema()._schema
SEED: dict[str, Any] = json.loads(seed_variables_json(), parse_float=Decimal)


def seed_with(**changes: Any) -> dict[str, Any]:
    input_ = copy.deepcopy(SEED["input"])
    for name, value in changes.items():
        if value is ...:
            del input_[name]
        else:
            input_[name] = value
    return {"input": input_}


# Values that coerce cleanly: the compiled converters must take them.
CLEAN: list[tuple[str, str, dict[str, Any]]] = [
    ("the seed", CREATE_INVOICE, SEED),
    ("optional fields left out", CREATE_INVOICE, seed_with(accrualDate=..., comments=...)),
    ("optional fields null", CREATE_INVOICE, seed_with(number=None, attachments=None)),
    (
        "a single object where a list is expected",
        CREATE_INVOICE,
        seed_with(receivables={"grossValue": "1.10", "dueDate": "2025-06-10"}),
    ),
    (
        "amounts as strings, integers and decimals",
        CREATE_INVOICE,
        seed_with(grossValue="0.10", paymentValue=7, number=3),
    ),
    ("an empty list", CREATE_INVOICE, seed_with(services=[], attachments=[])),
    (
        "equal amounts in other digits",
        CREATE_INVOICE,
        seed_with(
            receivables=[
                {"grossValue": amount, "dueDate": "2025-06-10"}
                for amount in (7, Decimal("7.00"), "7.0", Decimal("7"), "7", 7)
            ]
        ),
    ),
    ("an unused extra variable", CREATE_INVOICE, {**SEED, "unused": {"x": 1}}),
    ("ids given as integers", RECEIVABLES, {"contractId": 3}),
    (
        "dates and an enum",
        RECEIVABLES,
        {"contractId": "3", "dueDateFrom": "2025-06-01", "state": "TO_RECEIVE"},
    ),
    ("a search with a nested filter", SEARCH_INVOICES, {"organizationId": "1", "first": 3}),
]

# Values graphql-core reports: the converters must hand them back.
DIRTY: list[tuple[str, str, dict[str, Any]]] = [
    ("no input at all", CREATE_INVOICE, {}),
    ("a null input", CREATE_INVOICE, {"input": None}),
    ("an input that is not an object", CREATE_INVOICE, {"input": "an invoice"}),
    ("an unknown field", CREATE_INVOICE, seed_with(colour="blue")),
    ("a required field missing", CREATE_INVOICE, seed_with(description=...)),
    ("a required field null", CREATE_INVOICE, seed_with(receivables=None)),
    ("an impossible date", CREATE_INVOICE, seed_with(issueDate="2025-02-30")),
    ("an amount that is not a number", CREATE_INVOICE, seed_with(grossValue="lots")),
    ("an integer that is a string", CREATE_INVOICE, seed_with(number="2")),
    ("a boolean given as 1", CREATE_INVOICE, seed_with(issueNfse=1)),
    ("an integer past 32 bits", CREATE_INVOICE, seed_with(number=2**31)),
    ("a null list item", CREATE_INVOICE, seed_with(receivables=[None])),
    (
        "an unknown enum value",
        CREATE_INVOICE,
        seed_with(paymentInformation={"paymentMethod": "GOLD"}),
    ),
]

# Operations whose variables have defaults are never compiled: graphql-core coerces them.
WITH_DEFAULTS = RECEIVABLES.replace(
    "$state: ReceivableState)", "$state: ReceivableState = RECEIVED)"
)
UNCOMPILED: list[tuple[str, str, dict[str, Any]]] = [
    ("a default left to apply", WITH_DEFAULTS, {"contractId": "3"}),
    ("a default overridden", WITH_DEFAULTS, {"contractId": "3", "state": None}),
]


def reference(document: DocumentNode, values: dict[str, Any]) -> Any:
    return StrawberryGraphQLCoreExecutionContext.build(SCHEMA, document, raw_variable_values=values)


def planned(document: DocumentNode, values: dict[str, Any]) -> Any:
    return PlannedExecutionContext.build(SCHEMA, document, raw_variable_values=values)


def as_resolvers_get_it(value: Any, type_: Any) -> Any:
    """A coerced value as a resolver gets it: input objects given to their types' compiled
    builders, which build graphql-core's dictionaries and take what a coercer built already
    as it is (`test_execution` holds the builders to Strawberry's own conversion)."""
    if isinstance(type_, GraphQLNonNull):
        return as_resolvers_get_it(value, type_.of_type)
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        return [as_resolvers_get_it(item, type_.of_type) for item in value]
    definition = getattr(type_, "extensions", {}).get(DEFINITION_BACKREF)
    if isinstance(type_, GraphQLInputObjectType) and definition is not None:
        return definition.from_input(definition.origin, value, None)
    return value


def comparable(built: Any) -> Any:
    if isinstance(built, list):  # errors
        return [error.formatted for error in built]
    values = built.variable_values
    given = {
        name: as_resolvers_get_it(value, values.sources[name].signature.type)
        for name, value in values.coerced.items()
    }
    return {
        # The text too: equal decimals may differ in their digits (7.0 and 7.00).
        "coerced": (given, repr(given)),
        "sources": {
            name: (source.signature.name, str(source.signature.type), source.value)
            for name, source in values.sources.items()
        },
    }


def coercer(document: DocumentNode) -> variables.VariablesCoercer | None:
    (operation,) = (d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return variables.compile_variables(SCHEMA, operation.variable_definitions)


@pytest.mark.parametrize(("name", "source", "values"), CLEAN, ids=[c[0] for c in CLEAN])
def test_clean_values_are_coerced_by_the_compiled_converters_exactly_like_graphql_core(
    name: str, source: str, values: dict[str, Any]
) -> None:
    document = parse(source)
    compiled = coercer(document)
    assert compiled is not None
    assert compiled(values) is not None  # the fast path took it
    assert comparable(planned(document, values)) == comparable(reference(document, values))


@pytest.mark.parametrize(("name", "source", "values"), DIRTY, ids=[c[0] for c in DIRTY])
def test_values_graphql_core_reports_are_left_to_it_and_its_errors_kept(
    name: str, source: str, values: dict[str, Any]
) -> None:
    document = parse(source)
    compiled = coercer(document)
    assert compiled is not None
    assert compiled(values) is None  # handed back
    expected = reference(document, values)
    assert isinstance(expected, list)  # graphql-core does report it
    assert expected
    assert comparable(planned(document, values)) == comparable(expected)


@pytest.mark.parametrize(("name", "source", "values"), UNCOMPILED, ids=[c[0] for c in UNCOMPILED])
def test_operations_with_variable_defaults_are_coerced_by_graphql_core(
    name: str, source: str, values: dict[str, Any]
) -> None:
    document = parse(source)
    assert coercer(document) is None
    assert comparable(planned(document, values)) == comparable(reference(document, values))


def test_what_json_cannot_hold_is_left_to_graphql_core() -> None:
    # A tuple is a list to graphql-core; JSON never makes one, so the converters do not try.
    document = parse(CREATE_INVOICE)
    values = seed_with(services=())
    compiled = coercer(document)
    assert compiled is not None
    assert compiled(values) is None
    built = planned(document, values)
    assert not isinstance(built, list)
    assert comparable(built) == comparable(reference(document, values))


def test_the_seed_is_built_into_its_input_objects_as_it_is_coerced() -> None:
    compiled = coercer(parse(CREATE_INVOICE))
    assert compiled is not None
    values = compiled(SEED)
    assert values is not None
    coerced = values.coerced["input"]
    assert type(coerced) is CreateInvoiceInput
    assert {type(item) for item in coerced.receivables} == {ReceivableInput}
    assert coerced.services is not None
    assert {type(item) for item in coerced.services} == {ServiceInput}
    assert type(coerced.payment_information) is PaymentInformationInput
    # Built as the type's builder builds graphql-core's dictionary, defaults included.
    expected = reference(parse(CREATE_INVOICE), SEED).variable_values.coerced["input"]
    built = as_resolvers_get_it(expected, SCHEMA.get_type("CreateInvoiceInput"))
    assert coerced == built
    assert repr(coerced) == repr(built)


def test_coerced_values_are_not_shared_between_requests() -> None:
    document = parse(CREATE_INVOICE)
    first = planned(document, SEED).variable_values.coerced
    second = planned(document, SEED).variable_values.coerced
    assert first == second
    assert first["input"] is not second["input"]


def test_several_operations_go_by_name_or_to_graphql_core() -> None:
    document = parse(CREATE_INVOICE + UPDATE_INVOICE)
    assert isinstance(planned(document, SEED), list)  # no name: graphql-core's error
    assert comparable(planned(document, SEED)) == comparable(reference(document, SEED))
    name = document.definitions[0].name.value  # type: ignore[union-attr]
    built = PlannedExecutionContext.build(
        SCHEMA, document, raw_variable_values=SEED, operation_name=name
    )
    expected = StrawberryGraphQLCoreExecutionContext.build(
        SCHEMA, document, raw_variable_values=SEED, operation_name=name
    )
    assert built.operation is expected.operation  # type: ignore[union-attr]
    assert comparable(built) == comparable(expected)


# Anything a client could send in place of a field, to reach every branch of the generated
# coercers: nulls, wrong types, integers past 32 bits, lists for objects and objects for lists.
_ANY_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**40), max_value=2**40),
        st.decimals(allow_nan=False, allow_infinity=False, places=2),
        st.sampled_from(["", "2", "2025-06-10", "2025-02-30", "700.10", "BILLET", "x"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["dueDate", "grossValue", "colour"]), children),
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


_SEED_PATHS = [path for path in _paths(SEED["input"]) if path]


@settings(max_examples=400, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(_SEED_PATHS), st.one_of(st.just(...), _ANY_JSON)), max_size=3
    )
)
def test_any_change_to_the_seed_is_coerced_or_refused_as_graphql_core_does(
    changes: list[tuple[tuple[Any, ...], Any]],
) -> None:
    input_ = copy.deepcopy(SEED["input"])
    for path, value in changes:
        parent: Any = input_
        try:
            for step in path[:-1]:
                parent = parent[step]
            if isinstance(parent, dict) and not isinstance(path[-1], str):
                continue  # an index into what is an object now: JSON keys are text
            if value is ...:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced the place
    document = parse(CREATE_INVOICE)
    values = {"input": input_}
    compiled = coercer(document)
    assert compiled is not None
    coerced = compiled(values)
    expected = reference(document, values)
    if coerced is None:  # handed back: graphql-core has something to report
        assert isinstance(expected, list)
    else:
        assert comparable(_Built(coerced)) == comparable(expected)


class _Built:
    """What `comparable` reads of an execution context, around a compiled coercer's values."""

    def __init__(self, variable_values: Any) -> None:
        self.variable_values = variable_values


def _input_with_defaults() -> GraphQLInputObjectType:
    return GraphQLInputObjectType(
        "WithDefaults",
        {
            "plain": GraphQLInputField(GraphQLString),
            "internal": GraphQLInputField(GraphQLInt, default_value=7),
            "external": GraphQLInputField(GraphQLInt, default=GraphQLDefaultInput(value=9)),
            "given": GraphQLInputField(GraphQLInt, default_value=3),
        },
    )


def test_input_fields_left_out_get_their_defaults_as_graphql_core_gives_them() -> None:
    class Fallback(Exception):
        pass

    type_ = _input_with_defaults()
    coerce = compile_coercer(type_, Fallback)
    assert coerce is not None
    value = {"given": 4}
    assert (
        coerce(value)
        == coerce_input_value(value, type_)
        == {
            "internal": 7,
            "external": 9,
            "given": 4,
        }
    )


def test_remembered_answers_are_the_parsers_own_and_bounded() -> None:
    # Dates and amounts that recur are parsed once; each parser's answers are kept up to a
    # bound, and whatever was kept is what the parser itself answers.
    compiled = coercer(parse(RECEIVABLES))
    assert compiled is not None
    first = dt.date(2001, 1, 1)
    for day in range(remembered.SIZE + 10):
        text = (first + dt.timedelta(days=day % (remembered.SIZE + 5))).isoformat()
        values = compiled({"contractId": "3", "dueDateFrom": text})
        assert values is not None
        assert values.coerced["dueDateFrom"] == parse_date(text)
        kept = variable_compiler._remembered[parse_date].answers
        assert 0 < len(kept) <= remembered.SIZE
    assert all(answer == parse_date(text) for text, answer in kept.items())
