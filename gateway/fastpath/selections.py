"""A document's selection on a mapped type, as the REST projection takes it.

`gateway.rest.projection` writes selected fields from an upstream object straight into the
response; it needs the selection in its own terms (attributes, nullability, how each leaf is
serialized), which this module derives from graphql-core's collected fields. Anything a
projection cannot reproduce exactly (a field with a resolver or arguments, an abstract type, a
type that is not mapped from the upstream) makes the whole selection `None`, and the object is
mapped and completed the usual way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    Undefined,
    is_leaf_type,
)
from strawberry.types.field import StrawberryField

from gateway.fastpath.compat import DEFINITION_BACKREF, FieldDetails, StrawberryObjectDefinition
from gateway.rest.projection import Leaf, Selected, Selection
from gateway.types.base import Mapped

# What graphql-core's specified scalars return unchanged.
_PASSES: dict[GraphQLLeafType, frozenset[type]] = {
    GraphQLString: frozenset({str}),
    GraphQLID: frozenset({str}),
    GraphQLBoolean: frozenset({bool}),
}
_leaves: dict[GraphQLLeafType, Leaf] = {}

CollectedFields = Callable[[GraphQLObjectType, list[FieldDetails]], Any]


def selection(
    return_type: GraphQLObjectType,
    grouped_field_set: dict[str, list[FieldDetails]],
    collect: CollectedFields,
) -> Selection | None:
    """The projection's terms for the fields `grouped_field_set` selects of `return_type`;
    `collect` is the executor's `collect_subfields`, for nested selections."""
    definition = (return_type.extensions or {}).get(DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryObjectDefinition):
        return None
    origin = definition.origin
    if not (isinstance(origin, type) and issubclass(origin, Mapped)):
        return None
    entries: list[Selected] = []
    for response_key, group in grouped_field_set.items():
        if any(d.defer_usage or d.fragment_variable_values for d in group):
            return None
        name = group[0].node.name.value
        if name == "__typename":
            entries.append(Selected(response_key, None, constant=return_type.name))
            continue
        found = plain_field(return_type, name)
        if found is None:
            return None
        field_def, field = found
        type_: GraphQLOutputType = field_def.type
        required = isinstance(type_, GraphQLNonNull)
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            type_ = type_.of_type
            if isinstance(type_, GraphQLNonNull):
                type_ = type_.of_type
            elif not is_leaf_type(type_):
                # A nullable object item: the projection writes every item as required.
                return None
        shape: Leaf | Selection | None
        if is_leaf_type(type_):
            assert isinstance(type_, GraphQLLeafType)
            shape = leaf(type_)
        elif isinstance(type_, GraphQLObjectType):
            if type_.is_type_of is not None:
                return None
            collected = collect(type_, group)
            if collected.new_defer_usages or collected.forbidden_directive_instances:
                return None
            shape = selection(type_, collected.grouped_field_set, collect)
        else:
            return None  # interfaces and unions: graphql-core resolves their runtime type
        if shape is None:
            return None
        entries.append(Selected(response_key, field.python_name, required, shape))
    return Selection(origin, tuple(entries))


def plain_field(type_: GraphQLObjectType, name: str) -> tuple[GraphQLField, StrawberryField] | None:
    """`type_`'s field `name` and its Strawberry definition, if it is plain (`is_plain`)."""
    field_def = type_.fields.get(name)
    if field_def is None:
        return None
    field = (field_def.extensions or {}).get(DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField) or not is_plain(field):
        return None
    return field_def, field


def is_plain(field: StrawberryField) -> bool:
    """A field read from its object's attribute, with nothing else running."""
    return (
        field.base_resolver is None
        and not field.arguments
        and not field.extensions
        and not field.permission_classes
        and not field.directives
    )


def leaf(type_: GraphQLLeafType) -> Leaf:
    """How graphql-core completes a value of `type_`, with what it reports as an error (a
    value it cannot serialize, or serializes to nothing) raised instead."""
    found = _leaves.get(type_)
    if found is None:
        coerce = type_.coerce_output_value

        def output(value: object) -> object:
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                raise ValueError("no value")
            return coerced

        found = _leaves[type_] = Leaf(output, _PASSES.get(type_, frozenset()))
    return found
