"""Input objects built by converters compiled once per input type.

Strawberry turns each coerced input value into its Python class with `convert_argument`,
which re-inspects every field's annotation on every request: for the documented
`createInvoice` input that was a fifth of the gateway's CPU per request. Strawberry lets a
type build its own value (`StrawberryObjectDefinition.from_input`); here every input type of
the schema gets a builder made once from its definition, which does exactly what
`convert_argument` does (fields present in the value converted, the others left to their
defaults, `None` for required ones until graphql-core's own checks fill them) without the
per-call inspection. The equivalence tests (`tests/unit/test_execution.py`) hold it to
Strawberry's own.

Each compiled builder also says how its type is built (`construction`), so that a variable's
coercer (`gateway.fastpath.variable_compiler`) can build the object itself as it coerces the
value, instead of a dictionary for the builder to read again; the builder then takes such an
object as it is.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLInputObjectType

from gateway.fastpath.compat import (
    DEFINITION_BACKREF,
    LazyType,
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    StrawberryType,
    has_object_definition,
)

# A converter for one value that is not null; `None` means the value is used as it is.
Builder = Callable[[Any], Any] | None


class Unsupported(Exception):
    """A type this module does not compile; Strawberry's own conversion stays in place."""


@dataclass(frozen=True)
class FieldConstruction:
    """One field of a constructed type: its Python name, the builder of a value given for it
    (what the compiled builder applies to it), and how it is left out: `None` for a required
    field, or `default`, or a call of `default_factory` (the dataclass's own)."""

    python_name: str
    convert: Builder
    required: bool
    default: Any = None
    default_factory: Callable[[], Any] | None = None


@dataclass(frozen=True)
class Construction:
    """How an input type's Python object is built: `cls(**{field.python_name: ...})`, with
    `fields` under their GraphQL names."""

    cls: type
    fields: dict[str, FieldConstruction]


# The constructions of the compiled builders, by builder: a definition whose builder is
# replaced (Strawberry's own conversion put back) has none.
_constructions: weakref.WeakKeyDictionary[Callable[..., Any], Construction] = (
    weakref.WeakKeyDictionary()
)


def construction(graphql_type: GraphQLInputObjectType) -> Construction | None:
    """How to build `graphql_type`'s Python object, where its compiled builder is installed
    (it takes such an object as it is); `None` otherwise."""
    definition = (graphql_type.extensions or {}).get(DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryObjectDefinition) or definition.from_input is None:
        return None
    return _constructions.get(definition.from_input)


def install(schema: strawberry.Schema) -> None:
    """Give every input type of `schema` a compiled `from_input`."""
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLInputObjectType):
            continue
        definition = (graphql_type.extensions or {}).get(DEFINITION_BACKREF)
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        if definition.from_input is not None:
            continue
        try:
            definition.from_input = compile_input(definition, schema.config.name_converter)
        except Unsupported:
            continue


def compile_input(
    definition: StrawberryObjectDefinition, names: Any
) -> Callable[[type, Mapping[str, Any], Any], Any]:
    """Python source for one input type, as `dataclasses` compiles `__init__`: one
    straight-line test per field, so a list of 1,000 items pays no loop over fields."""
    required: dict[str, None] = {}
    namespace: dict[str, Any] = {"required": required}
    lines = [
        "def from_input(cls, value, context):",
        # Built already by a variable's coercer (see `construction`).
        "    if value.__class__ is cls:",
        "        return value",
        "    kwargs = required.copy()",
    ]
    fields: dict[str, FieldConstruction] = {}
    for index, field in enumerate(definition.fields):
        convert = _builder(field.resolve_type(type_definition=definition))
        name, python_name = names.from_field(field), field.python_name
        is_required = (
            field.default_value is dataclasses.MISSING
            and field.default_factory is dataclasses.MISSING
        )
        if is_required:
            required[python_name] = None
        fields[name] = FieldConstruction(
            python_name,
            convert,
            is_required,
            default=None if field.default is dataclasses.MISSING else field.default,
            default_factory=(
                None if field.default_factory is dataclasses.MISSING else field.default_factory
            ),
        )
        # Both are identifiers (GraphQL and Python names): their repr() is a plain literal.
        if convert is None:
            lines.append(f"    if {name!r} in value: kwargs[{python_name!r}] = value[{name!r}]")
            continue
        namespace[f"convert_{index}"] = convert
        lines += [
            f"    if {name!r} in value:",
            f"        item = value[{name!r}]",
            f"        kwargs[{python_name!r}] = None if item is None else convert_{index}(item)",
        ]
    lines.append("    return cls(**kwargs)")
    exec("\n".join(lines), namespace)
    from_input: Callable[[type, Mapping[str, Any], Any], Any] = namespace["from_input"]
    if all(field.init for field in definition.fields):
        _constructions[from_input] = Construction(definition.origin, fields)
    return from_input


def _builder(type_: StrawberryType | type) -> Builder:
    if isinstance(type_, StrawberryMaybe):
        raise Unsupported("Maybe wraps values in Some")
    if isinstance(type_, StrawberryOptional):
        return _builder(type_.of_type)
    if isinstance(type_, LazyType):
        return _builder(type_.resolve_type())
    if isinstance(type_, StrawberryList):
        item = _builder(type_.of_type)
        if item is None:
            # Copied: graphql-core shares one default list between requests.
            return list
        return lambda items: [None if x is None else item(x) for x in items]
    if has_object_definition(type_):
        cls: Any = type_
        if not cls.__strawberry_definition__.is_input:
            raise Unsupported(f"{cls.__name__} is not an input type")

        def build(value: Mapping[str, Any]) -> Any:
            # Looked up when called: nested types may be compiled after this one.
            definition = cls.__strawberry_definition__
            return definition.from_input(cls, value, None)

        return build
    # Scalars and enums arrive from graphql-core already as their Python values.
    return None
