"""Projection: the fields a response selects, written from an upstream object straight into it.

Mapping builds every field of a type, and the execution then reads the selected ones back out
and serializes them: for a page of 100 invoices, about 8,000 values made twice. A projection is
compiled once per selection (by `gateway.fastpath.execution`, which knows the selection and
how each scalar is written) into Python source reading the selected keys of the upstream's
object and writing the response's values, with each value read by the same reader mapping uses
(`gateway.rest.forms`) and the same serializer the execution would apply.

It covers the success path only. Whatever mapping would record as a problem (an unreadable
value, a nested object without an id), and a null where the response requires a value, raise
`Unprojectable`; the execution then maps the object and completes it as ever, errors and all.
Values that recur (dates, amounts, states) are read and serialized once per process
(`forms.memoized`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gateway.rest import forms
from gateway.rest.values import has_id
from gateway.types.base import Deferred
from gateway.types.wire import Form, WireField, wire_fields

Output = Callable[[object], object]
Projector = Callable[[Deferred], dict[str, Any]]


class Unprojectable(Exception):
    """This object needs mapping: it has something the projection does not cover."""


@dataclass(frozen=True)
class Leaf:
    """How the response writes a scalar: `output` serializes a mapped value (and raises on
    what it cannot write); it returns values of the classes in `passes` unchanged."""

    output: Output
    passes: frozenset[type] = frozenset()


@dataclass(frozen=True)
class Selected:
    """One entry of a selection: `attribute` of the mapped type under `response_key`, or
    `constant` when `attribute` is `None` (`__typename`)."""

    response_key: str
    attribute: str | None
    required: bool = False
    shape: Leaf | Selection | None = None
    constant: object = None


@dataclass(frozen=True)
class Selection:
    """What a response selects of one mapped type."""

    type: type
    fields: tuple[Selected, ...]


# Forms whose values recur across objects and pages, so that reading them once pays.
_RECURRING = frozenset(
    {
        Form.BOOLEAN,
        Form.INTEGER,
        Form.AMOUNT,
        Form.QUANTITY,
        Form.DATE_DMY_DASH,
        Form.DATE_DMY_SLASH,
        Form.DATE_ISO,
        Form.MONTH,
        Form.TIMESTAMP,
        Form.ENUM,
    }
)
_TEXTUAL = frozenset({Form.TEXT, Form.ID, Form.INTEGER_ID, Form.UUID})
_composites: dict[tuple[object, ...], Output] = {}


def projector(selection: Selection) -> Projector | None:
    """The function writing `selection` of a `Deferred`'s upstream object, or `None` when a
    selected field is not one the upstream's object carries."""
    project = _compile(selection)
    if project is None:
        return None

    def run(deferred: Deferred) -> dict[str, Any]:
        try:
            return project(deferred.source)
        except Unprojectable:
            raise
        except Exception:  # a serializer refusing a value: the execution reports it
            raise Unprojectable from None

    return run


def _compile(selection: Selection) -> Callable[[Any], dict[str, Any]] | None:
    declared = {field.attribute: field for field in wire_fields(selection.type)}
    namespace: dict[str, Any] = {
        "Unprojectable": Unprojectable,
        "EMPTY": forms.EMPTY,
        "str": str,
        "int": int,
        "bool": bool,
    }
    lines = ["def project(raw):", "    get = raw.get", "    out = {}"]
    for index, selected in enumerate(selection.fields):
        name = f"_{index}"
        target = f"out[{selected.response_key!r}]"
        if selected.attribute is None:
            namespace[name] = selected.constant
            lines.append(f"    {target} = {name}")
            continue
        field = declared.get(selected.attribute)
        if field is None or selected.shape is None:
            return None
        body = _field(field, selected, name, namespace)
        if body is None:
            return None
        lines += body
        if selected.required:
            lines.append("    if x is None: raise Unprojectable")
        lines.append(f"    {target} = x")
    lines.append("    return out")
    # The source holds identifiers and repr() literals taken from declarations and the
    # document's response keys, which are GraphQL names (letters, digits, underscores).
    exec("\n".join(lines), namespace)
    project: Callable[[Any], dict[str, Any]] = namespace["project"]
    project.__qualname__ = project.__name__ = f"project_{selection.type.__name__.lower()}"
    return project


def _field(
    field: WireField, selected: Selected, name: str, namespace: dict[str, Any]
) -> list[str] | None:
    """Lines setting `x` to the response's value of one field."""
    shape = selected.shape
    if field.form is Form.LIST and field.item is None:
        if not isinstance(shape, Leaf):
            return None
        namespace[name] = _texts(shape.output)
        return [f"    v = get({field.key!r})", f"    x = None if v is None else {name}(v)"]
    if field.form in (Form.OBJECT, Form.LIST):
        if not isinstance(shape, Selection) or field.item is None:
            return None
        nested = _compile(shape)
        if nested is None:
            return None
        if field.form is Form.LIST:
            namespace[name] = _many(nested)
            return [f"    v = get({field.key!r})", f"    x = None if v is None else {name}(v)"]
        namespace[name] = _one(nested, _id_key(field.item))
        return [
            f"    v = get({field.key!r})",
            f'    x = None if v is None or v == "" else {name}(v)',
        ]
    if not isinstance(shape, Leaf):
        return None
    namespace[name] = _composite(field, shape.output)
    if field.aliases:
        # The first key with a value wins, as in mapping.
        lines = [f"    v = get({field.key!r})", f"    x = None if v is None else {name}(v)"]
        for alias in field.aliases:
            lines += ["    if x is None:", f"        v = get({alias!r})"]
            lines.append(f"        x = None if v is None else {name}(v)")
        return lines
    lines = [f"    v = get({field.key!r})"]
    if field.form in _TEXTUAL and str in shape.passes:
        # Text with nothing to strip is written as it came; an integer id as its digits.
        lines += ["    if v.__class__ is str and v.strip() is v and v not in EMPTY: x = v"]
        lines += ["    elif v.__class__ is int: x = str(v)"]
        lines += [f"    else: x = None if v is None else {name}(v)"]
    elif field.form is Form.BOOLEAN and bool in shape.passes:
        lines += [f"    x = v if v.__class__ is bool else None if v is None else {name}(v)"]
    else:
        lines += [f"    x = None if v is None else {name}(v)"]
    return lines


def _composite(field: WireField, output: Output) -> Output:
    """Blank check, the form's reader and the serializer, in one function; kept once per
    form and serializer so that memoized answers are shared by every selection."""
    legacy = None if field.legacy is None else tuple(field.legacy.items())
    key = (field.form, field.enum, legacy, output)
    composite = _composites.get(key)
    if composite is None:
        read = (
            forms.enumeration(field.enum, field.legacy)
            if field.form is Form.ENUM and field.enum is not None
            else forms.READERS[field.form]
        )
        blank = forms.blank

        def write(value: object) -> object:
            value = blank(value)
            return None if value is None else output(read(value))

        composite = forms.memoized(write) if field.form in _RECURRING else write
        _composites[key] = composite
    return composite


def _texts(output: Output) -> Output:
    def write(value: object) -> object:
        return [output(item) for item in forms.texts(value)]

    return write


def _id_key(item: type) -> str | None:
    return next((field.key for field in wire_fields(item) if field.attribute == "id"), None)


def _one(project: Callable[[Any], dict[str, Any]], id_key: str | None) -> Output:
    def write(value: object) -> object:
        if not isinstance(value, Mapping):
            raise Unprojectable
        if id_key is not None:
            # Mapping makes a nested object without an id a problem of its field.
            id = forms.blank(value.get(id_key))
            if id is None:
                raise Unprojectable
            forms.identifier(id)  # raises for what is no id
        return project(value)

    return write


def _many(project: Callable[[Any], dict[str, Any]]) -> Output:
    def write(value: object) -> object:
        if not isinstance(value, list):
            raise Unprojectable
        written = []
        for item in value:
            if not has_id(item):
                raise Unprojectable
            written.append(project(item))
        return written

    return write
