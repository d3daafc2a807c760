"""A variable's coercer as straight-line Python, generated once per variable type.

The closures of `gateway.fastpath.variables` cost a call per level per value: for the
documented invoice with its receivables and services, about 12 µs of CPU per item. The
generated code does the same checks in the same order, with each input object's fields as
constants and the built-in scalars' common case (a `str` for `String` and `ID`, a `bool`,
a 32-bit `int`) inline; every other leaf goes through its scalar's own `coerce_input_value`.
Like the closures, it raises `Fallback` at the first thing graphql-core would report.

Where an input type's compiled builder is installed (`gateway.fastpath.input_conversion`),
its coercer builds the Python object itself, as that builder would from graphql-core's
dictionary, and the builder takes it as it is: one object per item instead of a dictionary,
then another dictionary of arguments, then the object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
    is_required_input_field,
)
from graphql.pyutils import is_iterable
from graphql.type.scalars import coerce_boolean, coerce_id, coerce_int, coerce_string

from gateway.fastpath.compat import builds_by_dict, coerce_default_value
from gateway.fastpath.input_conversion import Construction, construction
from gateway.remembered import Remembered
from gateway.scalars import REMEMBERED_PARSERS

Coercer = Callable[[Any], Any]

# The built-in scalars' coercers, and the test under which each returns its input unchanged.
_UNCHANGED: dict[Any, str] = {
    coerce_string: "type({v}) is str",
    coerce_id: "type({v}) is str",
    coerce_boolean: "type({v}) is bool",
    coerce_int: "type({v}) is int and -2147483648 <= {v} <= 2147483647",
}
_DEFAULT_OUT_TYPE = GraphQLInputObjectType.out_type

# The answers each remembered parser (`gateway.scalars.REMEMBERED_PARSERS`) has had for text
# and integers (not `bool`, whose class is its own), shared by every coercer.
_remembered: dict[Callable[[Any], Any], Remembered] = {}


class Unsupported(Exception):
    """A type left to graphql-core (recursive, `@oneOf`, a leaf without a coercer)."""


class _Generator:
    def __init__(self, fallback: type[Exception]) -> None:
        self.namespace: dict[str, Any] = {
            "Fallback": fallback,
            "Undefined": Undefined,
            "is_iterable": is_iterable,
            "coerce_default_value": coerce_default_value,
            "new": object.__new__,
        }
        self.functions: list[str] = []
        self._objects: dict[str, str] = {}
        self._constructions: dict[str, Construction | None] = {}
        self._count = 0

    def _name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def constant(self, value: Any, prefix: str = "c") -> str:
        name = self._name(prefix)
        self.namespace[name] = value
        return name

    def value(
        self, type_: GraphQLInputType, v: str, out: str, pad: str, seen: tuple[str, ...]
    ) -> list[str]:
        """Lines that set `out` to the coerced `v` (a local that may hold anything)."""
        if isinstance(type_, GraphQLNonNull):
            return [
                f"{pad}if {v} is None:",
                f"{pad}    raise Fallback",
                *self._non_null(type_.of_type, v, out, pad, seen),
            ]
        return [
            f"{pad}if {v} is None:",
            f"{pad}    {out} = None",
            f"{pad}else:",
            *self._non_null(type_, v, out, pad + "    ", seen),
        ]

    def _non_null(
        self, type_: GraphQLInputType, v: str, out: str, pad: str, seen: tuple[str, ...]
    ) -> list[str]:
        if isinstance(type_, GraphQLList):
            item = self.item_function(type_.of_type, seen)
            each = self.item_expression(type_.of_type, item)
            return [
                f"{pad}if type({v}) is list:",
                f"{pad}    {out} = [{each} for element in {v}]",
                f"{pad}elif is_iterable({v}):",
                f"{pad}    raise Fallback",  # tuples, sets, generators: graphql-core's business
                f"{pad}else:",
                f"{pad}    {out} = [{item}({v})]",  # a single value stands for a list of one
            ]
        if isinstance(type_, GraphQLInputObjectType):
            return [f"{pad}{out} = {self.object_function(type_, seen)}({v})"]
        if not isinstance(type_, (GraphQLScalarType, GraphQLEnumType)):
            raise Unsupported(str(type_))  # a non-null of a non-null: not a valid type
        coerce = type_.coerce_input_value
        if coerce is None:
            raise Unsupported(type_.name)
        function = self.constant(coerce, "leaf")

        def call(function: str, pad: str) -> list[str]:
            return [
                f"{pad}try:",
                f"{pad}    x = {function}({v})",
                f"{pad}except Exception:",  # whatever the scalar raises, graphql-core words it
                f"{pad}    raise Fallback from None",
                f"{pad}if x is Undefined:",
                f"{pad}    raise Fallback",
                f"{pad}{out} = x",
            ]

        general, inner = call(function, pad), call(function, pad + "    ")
        if coerce in REMEMBERED_PARSERS:
            # Looked up inline; a miss goes through the parser's `Remembered`, which keeps it.
            memo = _remembered.get(coerce)
            if memo is None:
                memo = _remembered[coerce] = Remembered(coerce, kinds=(str, int))
            answers = self.constant(memo.answers, "answers")
            return [
                f"{pad}if {memo.kept(v)}:",
                f"{pad}    {out} = {answers}.get({v})",
                f"{pad}    if {out} is None:",
                *call(self.constant(memo, "remembered"), pad + "        "),
                f"{pad}else:",
                *inner,
            ]
        unchanged = _UNCHANGED.get(coerce)
        if unchanged is None:
            return general
        return [f"{pad}if {unchanged.format(v=v)}:", f"{pad}    {out} = {v}", f"{pad}else:", *inner]

    def item_expression(self, type_: GraphQLInputType, item: str) -> str:
        """How a list comprehension coerces one `element`: the object's own function where
        the item is one (it refuses `None`, and so does a non-null item), `item` otherwise."""
        if isinstance(type_, GraphQLNonNull) and isinstance(type_.of_type, GraphQLInputObjectType):
            return f"{self._objects[type_.of_type.name]}(element)"
        if isinstance(type_, GraphQLInputObjectType):
            return f"None if element is None else {self._objects[type_.name]}(element)"
        return f"{item}(element)"

    def item_function(self, type_: GraphQLInputType, seen: tuple[str, ...]) -> str:
        name = self._name("item")
        body = self.value(type_, "element", "result", "    ", seen)
        self.functions.append("\n".join([f"def {name}(element):", *body, "    return result"]))
        return name

    def object_function(self, type_: GraphQLInputObjectType, seen: tuple[str, ...]) -> str:
        if type_.is_one_of or type_.name in seen:
            raise Unsupported(type_.name)
        if type_.name in self._objects:
            return self._objects[type_.name]
        name = self._objects[type_.name] = self._name("object")
        seen = (*seen, type_.name)
        built = self.construction(type_)
        known = self.constant(frozenset(type_.fields), "known")
        lines = [
            f"def {name}(value):",
            f"    if type(value) is not dict or not {known}.issuperset(value):",
            "        raise Fallback",
            "    get = value.get",
        ]
        if built is None:
            lines.append("    coerced = {}")
        arguments: dict[str, str] = {}  # Python name: the local holding its value
        for index, (field_name, field) in enumerate(type_.fields.items()):
            if built is None:
                out = f"coerced[{(field.out_name or field_name)!r}]"
            else:
                out = arguments[built.fields[field_name].python_name] = f"a{index}"
            lines.append(f"    v = get({field_name!r}, Undefined)")
            lines.append("    if v is Undefined:")
            lines += self._left_out(field, out, built, field_name)
            lines.append("    else:")
            lines += self.value(field.type, "v", out, "        ", seen)
        if built is not None:
            lines += self._construct(built, arguments)
        elif type_.out_type is _DEFAULT_OUT_TYPE:
            lines.append("    return coerced")
        else:
            lines.append(f"    return {self.constant(type_.out_type, 'out_type')}(coerced)")
        self.functions.append("\n".join(lines))
        return name

    def _construct(self, built: Construction, arguments: dict[str, str]) -> list[str]:
        """Lines returning the object: made with its `__dict__` where the class allows that
        (`compat.builds_by_dict`: about half the cost of the call), called otherwise."""
        cls = self.constant(built.cls, "cls")
        names = [field.name for field in dataclasses.fields(built.cls)]
        if set(names) != set(arguments) or not builds_by_dict(built.cls, names):
            given = ", ".join(f"{name}={local}" for name, local in arguments.items())
            return [f"    return {cls}({given})"]
        entries = ", ".join(f"{name!r}: {arguments[name]}" for name in names)
        return [f"    made = new({cls})", f"    made.__dict__ = {{{entries}}}", "    return made"]

    def _left_out(
        self, field: Any, out: str, built: Construction | None, field_name: str
    ) -> list[str]:
        """Lines for a field the value leaves out: what graphql-core's coercion gives (an
        error, a default, nothing), built as the compiled builder would build it."""
        if is_required_input_field(field):
            return ["        raise Fallback"]
        # What the builder does with a default graphql-core sets, and what the class takes
        # when nothing is set.
        convert, absent = "", "pass"
        if built is not None:
            target = built.fields[field_name]
            if target.convert is not None:
                convert = self.constant(target.convert, "convert")
            if target.required:
                absent = f"{out} = None"
            elif target.default_factory is not None:
                absent = f"{out} = {self.constant(target.default_factory, 'factory')}()"
            else:
                absent = f"{out} = {self.constant(target.default, 'default')}"

        def given(value: str) -> str:
            if not convert:
                return f"{out} = {value}"
            return f"{out} = None if {value} is None else {convert}({value})"

        if getattr(field, "default", None) is None:
            # No external default: graphql-core would answer the internal one as it is,
            # which a schema fixes once (absent items of a list skip the call each).
            if field.default_value is Undefined:
                return [f"        {absent}"]
            return [f"        {given(self.constant(field.default_value, 'default'))}"]
        return [
            f"        default = coerce_default_value({self.constant(field, 'field')})",
            "        if default is not Undefined:",
            f"            {given('default')}",
            "        else:",
            f"            {absent}",
        ]

    def construction(self, type_: GraphQLInputObjectType) -> Construction | None:
        """How the coercer builds `type_`'s Python object; `None` where it gives graphql-core's
        dictionary: no compiled builder, another `out_type`, fields that differ, or a nested
        input type that is given as a dictionary itself (its parent's builder would build it)."""
        if type_.name in self._constructions:
            return self._constructions[type_.name]
        self._constructions[type_.name] = None  # a type reached again while deciding
        built = construction(type_)
        if (
            built is None
            or type_.out_type is not _DEFAULT_OUT_TYPE
            or set(built.fields) != set(type_.fields)
            or not all(self._nested_built(field.type) for field in type_.fields.values())
        ):
            return None
        self._constructions[type_.name] = built
        return built

    def _nested_built(self, type_: GraphQLInputType) -> bool:
        while isinstance(type_, (GraphQLNonNull, GraphQLList)):
            type_ = type_.of_type
        if isinstance(type_, GraphQLInputObjectType):
            return self.construction(type_) is not None
        return True


def compile_coercer(type_: GraphQLInputType, fallback: type[Exception]) -> Coercer | None:
    """The coercer of one variable's type, or `None` if graphql-core must coerce it."""
    generator = _Generator(fallback)
    try:
        body = generator.value(type_, "value", "result", "    ", ())
    except Unsupported:
        return None
    generator.functions.append("\n".join(["def coerce(value):", *body, "    return result"]))
    source = "\n\n".join(generator.functions)
    exec(compile(source, "<variables coercer>", "exec"), generator.namespace)
    coerce: Coercer = generator.namespace["coerce"]
    return coerce
