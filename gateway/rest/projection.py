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
(`gateway.remembered`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from gateway.remembered import Remembered
from gateway.rest import forms, wire_objects
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
    # Objects decoded into the type's struct are read by attribute, any other by key.
    struct = wire_objects.struct_of(selection.type)
    project_struct = project if struct is None else _compile(selection, None, struct)
    if project_struct is None:
        return None

    def run(deferred: Deferred) -> dict[str, Any]:
        source = deferred.source
        try:
            if source.__class__ is struct:
                return project_struct(source)
            return project(source)
        except Unprojectable:
            raise
        except Exception:  # a serializer refusing a value: the execution reports it
            raise Unprojectable from None

    return run


# Compiled once per selection in the process, whichever documents share it (the same fields
# of an invoice, asked by several operations), and bounded: a process fed endless distinct
# selections keeps the most recent ones.
Compiled = Callable[[Any], dict[str, Any]]
Struct = type[wire_objects.WireObject]
_compiled: LRUCache[tuple[Selection, str | None, Struct | None], Compiled | None] = LRUCache(
    maxsize=512
)


def _compile(
    selection: Selection, id_key: str | None = None, struct: Struct | None = None
) -> Compiled | None:
    """Python source for one selection: one straight-line read per selected field, as
    `gateway.rest.mapping` compiles mappers. With `id_key`, it first checks what mapping
    requires of a nested object: an id under that key, selected or not. With `struct`, it
    reads objects of that struct (`wire_objects`), by attribute; otherwise any mapping."""
    key = (selection, id_key, struct)
    try:
        return _compiled[key]
    except KeyError:
        project = _compiled[key] = _compile_new(selection, id_key, struct)
        return project


def _compile_new(
    selection: Selection, id_key: str | None, struct: Struct | None
) -> Compiled | None:
    declared = {field.attribute: field for field in wire_fields(selection.type)}
    namespace: dict[str, Any] = {
        "Unprojectable": Unprojectable,
        "EMPTY": forms.EMPTY,
        "check_id": _check_id,
    }
    read = _Reads(struct)
    lines = ["def project(raw):", *read.prologue, "    out = keys.copy()"]
    if id_key is not None:
        lines += [f"    v = {read(id_key)}", "    if v.__class__ is not int: check_id(v)"]
    for index, selected in enumerate(selection.fields):
        name, target = f"_{index}", f"out[{selected.response_key!r}]"
        if selected.attribute is None:
            namespace[name] = selected.constant
            lines.append(f"    {target} = {name}")
            continue
        field = declared.get(selected.attribute)
        if field is None or selected.shape is None:
            return None
        # A nullable field is written where it goes, and not at all when it is null: the
        # copied keys are all null already. A required one is checked first.
        x = f"x{index}" if selected.required else target
        body = _field(
            field, selected.shape, name, x, namespace, read, null_is_set=selected.required
        )
        if body is None:
            return None
        lines += body
        if selected.required:
            lines += [f"    if {x} is None: raise Unprojectable", f"    {target} = {x}"]
    # Copying a dict of the response's keys and setting each is about twice as fast as a
    # dict display of as many (47 keys for an invoice: 3 against 6 µs).
    namespace["keys"] = dict.fromkeys(selected.response_key for selected in selection.fields)
    lines.append("    return out")
    # The source holds identifiers and repr() literals taken from declarations and the
    # document's response keys, which are GraphQL names (letters, digits, underscores).
    exec("\n".join(lines), namespace)
    project: Callable[[Any], dict[str, Any]] = namespace["project"]
    project.__qualname__ = project.__name__ = f"project_{selection.type.__name__.lower()}"
    return project


def _field(
    field: WireField,
    shape: Leaf | Selection,
    name: str,
    x: str,
    namespace: dict[str, Any],
    read: _Reads,
    *,
    null_is_set: bool,
) -> list[str] | None:
    """Lines setting `x` (a local, or the response's entry) to the response's value of one
    field; without `null_is_set`, a null leaves `x` as it is (the entry, null already)."""
    get = f"    v = {read(field.key)}"
    null = f"    if v is None: {x} = None" if null_is_set else "    if v is None: pass"
    if field.form is Form.LIST and field.item is None:
        if not isinstance(shape, Leaf):
            return None
        namespace[name] = _texts(shape.output)
        return [get, f"    {x} = None if v is None else {name}(v)"]
    if field.form in (Form.OBJECT, Form.LIST):
        if not isinstance(shape, Selection) or field.item is None:
            return None
        # Mapping requires every item of a list to have an `id`.
        id_key = "id" if field.form is Form.LIST else _id_key(field.item)
        item_struct = read.nested(field.key)
        nested = _compile(shape, id_key, item_struct)
        if nested is None:
            return None
        namespace[name] = nested
        if item_struct is not None:
            # Decoded as the struct's field declares: null, or the item struct (a list of).
            if field.form is not Form.LIST:
                return [get, null, f"    else: {x} = {name}(v)"]
            # One item (a receivable, a service) is the commonest list, and calling straight
            # costs half what `map` does from C.
            return [
                get,
                null,
                f"    elif len(v) == 1: {x} = [{name}(v[0])]",
                f"    else: {x} = list(map({name}, v))",
            ]
        if field.form is Form.LIST:
            return [
                get,
                null,
                f"    elif v.__class__ is list: {x} = list(map({name}, v))",
                "    else: raise Unprojectable",
            ]
        namespace["Mapping"] = Mapping
        return [
            get,
            f'    if v is None or v == "": {x} = None',
            f"    elif v.__class__ is dict or isinstance(v, Mapping): {x} = {name}(v)",
            "    else: raise Unprojectable",
        ]
    if not isinstance(shape, Leaf):
        return None
    composite = namespace[name] = _composite(field, shape.output)
    if field.aliases:
        # The first key with a value wins, as in mapping.
        lines = [get, f"    {x} = None if v is None else {name}(v)"]
        for alias in field.aliases:
            lines += [f"    if {x} is None:", f"        v = {read(alias)}"]
            lines.append(f"        {x} = None if v is None else {name}(v)")
        return lines
    lines = [get, null]
    if field.form in _TEXTUAL and str in shape.passes:
        # As `forms.blank` and the form's reader would answer for text: no value (`""`,
        # `--`, blanks), else free text as it came and an id stripped; an integer as its
        # digits.
        if field.form is Form.TEXT:
            lines.append(f"    elif v.__class__ is str: {x} = None if v.strip() in EMPTY else v")
        else:
            lines += ["    elif v.__class__ is str:", "        v = v.strip()"]
            lines.append(f"        {x} = None if v in EMPTY else v")
        lines.append(f"    elif v.__class__ is int: {x} = str(v)")
    elif field.form is Form.BOOLEAN and bool in shape.passes:
        lines += [f"    elif v.__class__ is bool: {x} = v"]
    if isinstance(composite, Remembered):
        # The memo's look-up inline, for the classes it keeps: a value of another class (an
        # array, a float) is read each time, without raising a miss first.
        namespace[f"{name}_answers"] = composite.answers
        lines += [
            f"    elif {composite.kept('v')}:",
            f"        try: {x} = {name}_answers[v]",
            f"        except KeyError: {x} = {name}(v)",
            f"    else: {x} = {name}(v)",
        ]
    else:
        lines += [f"    else: {x} = {name}(v)"]
    return lines


class _Reads:
    """How the source reads one key: `raw.key` for a struct's field (null for a key the
    struct has not), `get(key)` for any mapping."""

    def __init__(self, struct: Struct | None) -> None:
        self.struct = struct
        self.prologue = () if struct is not None else ("    get = raw.get",)

    def __call__(self, key: str) -> str:
        if self.struct is None:
            return f"get({key!r})"
        return f"raw.{key}" if key in self.struct.wire_keys else "None"

    def nested(self, key: str) -> Struct | None:
        """The struct a nested field decodes into; `None` for plain decoded JSON."""
        return None if self.struct is None else self.struct.wire_nested.get(key)


def _check_id(value: object) -> None:
    """What mapping requires of an object's `id` (see `mapper`): a value that reads as one."""
    value = forms.blank(value)
    if value is None:
        raise Unprojectable
    forms.identifier(value)


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

        # Text and integers, each by exact class: `True` is no key for `1`'s answer.
        composite = Remembered(write, kinds=(str, int)) if field.form in _RECURRING else write
        _composites[key] = composite
    return composite


def _texts(output: Output) -> Output:
    def write(value: object) -> object:
        return [output(item) for item in forms.texts(value)]

    return write


def _id_key(item: type) -> str | None:
    return next((field.key for field in wire_fields(item) if field.attribute == "id"), None)
