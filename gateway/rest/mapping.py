"""Mapping: upstream REST bodies -> GraphQL types, compiled from the types' declarations.

Lenient by design: unknown fields are ignored, missing ones become `None`, and a value that
cannot be represented becomes a per-field problem (see `gateway.types.base.Mapped`). Only an
object without an `id` cannot be mapped at all; a nested object without one costs only the
field it sits in.

`mapper(Invoice)` is compiled once per type (see `gateway.types.wire`) into one reader per
field; mapping an object then runs those readers, with no look-up of declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from gateway.errors import MissingId
from gateway.rest import forms, wire_objects
from gateway.rest.values import Fields
from gateway.types.attachment import Attachment
from gateway.types.base import Deferred, Mapped
from gateway.types.invoice import Invoice
from gateway.types.payment_information import PaymentInformation
from gateway.types.receivable import Receivable
from gateway.types.service import Service
from gateway.types.wire import Form, WireField, wire_fields, words

M = TypeVar("M", bound=Mapped)
Raw = Mapping[str, object]
Read = Callable[[Fields], object]

_compiled: dict[type, Callable[[Raw], Any]] = {}


def mapper(cls: type[M]) -> Callable[[Raw], M]:
    """The function mapping one upstream object to `cls`; compiled once per type."""
    build = _compiled.get(cls)
    if build is None:
        build = _compiled[cls] = _compile(cls)
    return build


def deferred(cls: type[M]) -> Callable[..., M]:
    """Like `mapper(cls)`, but what it answers is a `Deferred` standing in for the `cls`,
    built only if something reads it. An object without an `id` raises `MissingId` now, as
    mapping it would. Keyword arguments are private attributes to set once it is built
    (`found_under=...`). A type without an `id` is mapped at once."""
    build = mapper(cls)
    key = next((field.key for field in wire_fields(cls) if field.attribute == "id"), None)
    if key is None:
        return build
    missing = f"the upstream's {words(cls.__name__)} has no id"

    read = _attribute_reader(cls)
    found = wire_objects.struct_of(cls)
    struct: type | None = found if found is not None and key in found.wire_keys else None

    def defer(raw: Raw, **private: object) -> M:
        # A struct's field read as an attribute: its `get` is Python code, a dict's is not.
        value = getattr(raw, key) if raw.__class__ is struct else raw.get(key)
        # An integer is how the upstream writes ids; any other form is read as mapping does.
        id = str(value) if value.__class__ is int else Fields(raw).id(key)
        if id is None:
            raise MissingId(missing)
        return cast(M, Deferred(cls, raw, build, id, read, private))  # type: ignore[arg-type]

    defer.__qualname__ = defer.__name__ = f"{cls.__name__.lower()}_deferred"
    return defer


def _attribute_reader(cls: type) -> Callable[[object, str], object]:
    """`read(raw, name)`: one scalar attribute of `cls`, read as mapping reads it. Raises
    `LookupError` for anything else (nested objects, which mapping builds once, and names
    that are no field), and when the value is a problem, which only the mapped object
    reports."""
    namespace: dict[str, Any] = {}
    readers: dict[str, Callable[[Fields], object]] = {}
    for index, field in enumerate(wire_fields(cls)):
        if field.form not in (Form.OBJECT, Form.LIST):
            expression = _reader(field, f"_{index}", namespace)
            # As in `_compile`: identifiers and repr() literals from the declarations only.
            readers[field.attribute] = eval(f"lambda f: {expression}", namespace)

    def read(raw: object, name: str) -> object:
        reader = readers[name]
        fields = Fields(cast(Raw, raw))
        value = reader(fields)
        if fields.problems:
            raise LookupError(name)
        return value

    return read


def _compile(cls: type[M]) -> Callable[[Raw], M]:
    """Python source, as `dataclasses` compiles `__init__`: one straight-line call per field,
    so a mapped object costs what a hand-written mapping would."""
    fields = wire_fields(cls)
    namespace: dict[str, Any] = {"Fields": Fields, "MissingId": MissingId, "cls": cls}
    arguments: list[str] = []
    for index, field in enumerate(fields):
        if field.attribute != "id":
            arguments.append(f"{field.attribute}={_reader(field, f'_{index}', namespace)}")
    lines = ["def build(raw):", "    f = Fields(raw)"]
    if any(field.attribute == "id" for field in fields):
        key = next(field.key for field in fields if field.attribute == "id")
        missing = f"the upstream's {words(cls.__name__)} has no id"
        lines += [
            f"    id = f.id({key!r})",
            "    if id is None:",
            f"        raise MissingId({missing!r})",
        ]
        arguments.insert(0, "id=id")
    lines += [
        f"    obj = cls({', '.join(arguments)})",
        "    if f.problems:",
        "        obj.problems.update(f.problems)",
        "    return obj",
    ]
    # The source holds identifiers and repr() literals taken from the declarations only.
    exec("\n".join(lines), namespace)
    build: Callable[[Raw], M] = namespace["build"]
    build.__qualname__ = build.__name__ = f"{cls.__name__.lower()}_from_rest"
    return build


def _reader(field: WireField, name: str, namespace: dict[str, Any]) -> str:
    """The expression reading one field out of `f`; what it needs goes into `namespace`."""
    key, attribute = field.key, field.attribute
    if field.form is Form.LIST and field.item is None:
        # An array of scalars (a `list[str]`).
        extra = "" if key == attribute else f", attribute={attribute!r}"
        return f"f.texts({key!r}{extra})"
    if field.form in (Form.OBJECT, Form.LIST):
        assert field.item is not None
        namespace[name] = _nested(field.item, key, attribute, many=field.form is Form.LIST)
        return f"{name}(f)"
    # Problems are keyed by attribute, which the reader defaults to the key.
    namespace[name] = (
        forms.enumeration(field.enum, field.legacy)
        if field.form is Form.ENUM and field.enum is not None
        else forms.READERS[field.form]
    )
    extra = "" if key == attribute else f", {attribute!r}"
    read = f"f.read({key!r}, {name}{extra})"
    for alias in field.aliases:
        # The first key with a value wins.
        read = f"(_v if (_v := {read}) is not None else f.read({alias!r}, {name}{extra}))"
    return read


def _nested(item: type[Mapped], key: str, attribute: str, *, many: bool) -> Read:
    """The reader of a nested object or list; its mapper is looked up when reading, because
    the types refer to each other (a receivable embeds its invoice)."""

    def read(f: Fields) -> object:
        if many:
            items = f.mappings(key, attribute=attribute)
            return None if items is None else [mapper(item)(one) for one in items]
        raw = f.mapping(key, attribute=attribute)
        if raw is None:
            return None
        try:
            return mapper(item)(raw)
        except MissingId as error:
            f.problems[attribute] = str(error).replace("upstream's", "upstream's embedded", 1)
            return None

    return read


# The resources' mappers, compiled at import, which is start-up.
invoice_from_rest = mapper(Invoice)
invoice_deferred = deferred(Invoice)
receivable_from_rest = mapper(Receivable)
receivable_deferred = deferred(Receivable)
service_from_rest = mapper(Service)
attachment_from_rest = mapper(Attachment)
payment_information_from_rest = mapper(PaymentInformation)
