"""Coercing a request's variables by coercers compiled once per operation, with graphql-core
as the fallback.

graphql-core coerces variables by walking the value and its type together on every request:
it rebuilds each variable's type from the AST, walks the whole value once more to bound its
nesting, and dispatches on the kind of type at every level. For the full `createInvoice`
input that was a noticeable share of the gateway's CPU per request (bench/README.md has the
figures). Here each operation's variables get coercers generated once from their types
(`gateway.fastpath.variable_compiler`), which do the same coercion (the same
`coerce_input_value` of each leaf, defaults, `out_type`) in a fraction of the time.

Like the completion plans in `gateway.fastpath.execution`, a coercer only ever handles values
that coerce cleanly. At the first thing graphql-core would report (a null in a non-null
position, an unknown field, a leaf that does not parse) it gives up, and graphql-core coerces
the whole request again from scratch and writes the errors. Operations whose variables have
defaults, and types that are recursive or `@oneOf`, are never compiled.
`tests/unit/test_variables.py` holds the coercers to graphql-core's own results.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    Undefined,
    VariableDefinitionNode,
    is_input_type,
)
from graphql.utilities import type_from_ast

from gateway.fastpath.compat import (
    FragmentDetails,
    GraphQLVariableSignature,
    VariableValues,
    VariableValueSource,
)
from gateway.fastpath.variable_compiler import Coercer, compile_coercer


class _Fallback(Exception):
    """graphql-core must coerce this request (to report what is wrong, most likely)."""


class VariablesCoercer:
    """Coerces the variables of one operation, or says graphql-core must (`None`)."""

    def __init__(self, variables: Sequence[tuple[GraphQLVariableSignature, bool, Coercer]]) -> None:
        self._variables = variables

    def __call__(self, inputs: dict[str, Any]) -> VariableValues | None:
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        try:
            for signature, required, convert in self._variables:
                name = signature.name
                value = inputs.get(name, Undefined)
                if value is Undefined:
                    if required:
                        return None
                    sources[name] = VariableValueSource(signature)
                    continue
                sources[name] = VariableValueSource(signature, value)
                coerced[name] = convert(value)
        except _Fallback:
            return None
        return VariableValues(sources, coerced)


def compile_variables(
    schema: GraphQLSchema, definitions: Sequence[VariableDefinitionNode]
) -> VariablesCoercer | None:
    """The coercer for an operation's variable definitions, or `None` if it is left to
    graphql-core."""
    variables: list[tuple[GraphQLVariableSignature, bool, Coercer]] = []
    for definition in definitions:
        if definition.default_value is not None:
            return None
        type_ = type_from_ast(schema, definition.type)
        if type_ is None or not is_input_type(type_):
            return None
        convert = compile_coercer(type_, _Fallback)
        if convert is None:
            return None
        signature = GraphQLVariableSignature(
            name=definition.variable.name.value, type=type_, default=None
        )
        variables.append((signature, isinstance(type_, GraphQLNonNull), convert))
    return VariablesCoercer(variables)


class PreparedOperation(NamedTuple):
    """What graphql-core's `Executor.build` finds in a document before it coerces variables."""

    operation: OperationDefinitionNode
    fragment_definitions: dict[str, FragmentDefinitionNode]
    fragments: dict[str, FragmentDetails]
    coercer: VariablesCoercer | None

    def coerce(self, inputs: dict[str, Any]) -> VariableValues | None:
        return None if self.coercer is None else self.coercer(inputs)


def prepared_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    compiled: dict[Hashable, Any],
) -> PreparedOperation | None:
    """The operation to run, its fragments and its variables' coercer, found once per cached
    document (`compiled` is its entry's store) and operation name; `None` where graphql-core's
    `build` must decide (and report) itself: no operation or several without a name, or
    fragments with variables of their own."""
    key = ("prepared", id(schema), operation_name)
    try:
        prepared: PreparedOperation | None = compiled[key]
    except KeyError:
        prepared = _prepare(schema, document, operation_name)
        # Only names the document defines are kept: any other name a client makes up would
        # be one more entry.
        if prepared is not None:
            compiled[key] = prepared
    return prepared


def _prepare(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> PreparedOperation | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return None
    fragment_definitions: dict[str, FragmentDefinitionNode] = {}
    fragments: dict[str, FragmentDetails] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            if definition.variable_definitions:
                return None
            fragment_definitions[definition.name.value] = definition
            fragments[definition.name.value] = FragmentDetails(definition, None)
    operation = operations[0]
    coercer = compile_variables(schema, operation.variable_definitions or ())
    return PreparedOperation(operation, fragment_definitions, fragments, coercer)
