"""Upstream objects decoded straight into structs derived from the declarations.

Decoding a page of invoices into dicts builds and frees a hash table of 20 to 50 keys per
object, a large share of what a read page costs (bench/README.md has the figures). Decoded into
msgspec structs, each object is one slotted object outside the garbage collector's walks, and
a projection reads each value as an attribute.

`struct_of(Invoice)` is the struct of an invoice as the upstream writes it: one field per
declared key (aliases included), each read as decoded JSON (`Any`, numbers with fractions as
`Decimal`), nested objects and lists of them as their own structs, and any key the upstream
leaves out as null, as mapping reads it. Undeclared keys are skipped. A struct is also a
read-only `Mapping` of those keys, so everything that reads upstream objects as mappings
(mapping, `Fields`, the envelopes) reads it unchanged.

`page_decoder(key, Invoice)` decodes a search page (`{"page", "per_page", "total_pages", key:
[...]}`) into structs when the body has that shape, and `envelope_decoder("invoice", Invoice)`
one object's envelope. Both answer what `codec.decode` answers when it has not: a nested
object that is not one (`""`, an array), or a body of another shape, costs only the typed
attempt, and is then read as ever, problems and all.

Structs are written back as JSON objects of their fields (`codec.encode`), as the idempotency
store records an answer: a replay decodes that into dicts, which map as the structs did.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, cast

import msgspec

from gateway.types.wire import Form, wire_fields
from gateway.upstream import codec

Decode = Callable[[bytes], object]


class WireObject(msgspec.Struct, frozen=True, gc=False):
    """The base of every derived struct: a read-only mapping of its declared keys.

    Each derived struct's class holds what its fields are, once: `wire_keys` (the fields, for
    look-ups by key) and `wire_nested` (the struct each nested field decodes into)."""

    wire_keys: ClassVar[frozenset[str]] = frozenset()
    wire_nested: ClassVar[Mapping[str, type[WireObject]]] = {}

    def get(self, key: str, default: object = None) -> object:
        return getattr(self, key) if key in self.wire_keys else default

    def __getitem__(self, key: str) -> object:
        if key in self.wire_keys:
            return getattr(self, key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self.wire_keys

    def __iter__(self) -> Iterator[str]:
        return iter(self.__struct_fields__)

    def __len__(self) -> int:
        return len(self.__struct_fields__)

    def keys(self) -> tuple[str, ...]:
        return self.__struct_fields__

    def items(self) -> list[tuple[str, object]]:
        return [(key, getattr(self, key)) for key in self.__struct_fields__]

    def values(self) -> list[object]:
        return [getattr(self, key) for key in self.__struct_fields__]


Mapping.register(WireObject)

# Keys that cannot be struct fields: the mapping methods above, and what is no identifier.
_RESERVED = frozenset(dir(WireObject))

_structs: dict[type, type[WireObject] | None] = {}
_building: set[type] = set()


def struct_of(cls: type) -> type[WireObject] | None:
    """The struct of `cls`'s upstream objects, or `None` when a key cannot be a field.

    A type that embeds itself, directly or not (a receivable's invoice), reads the embedded
    one as plain decoded JSON (`Any`)."""
    if cls in _structs:
        return _structs[cls]
    _building.add(cls)
    try:
        struct = _structs[cls] = _derive(cls)
    finally:
        _building.discard(cls)
    return struct


def _derive(cls: type) -> type[WireObject] | None:
    fields: dict[str, Any] = {}
    nested: dict[str, type[WireObject]] = {}
    for field in wire_fields(cls):
        kind: Any = Any
        if field.item is not None and field.item not in _building:
            item = struct_of(field.item)
            if item is not None:
                nested[field.key] = item
                kind = (list[item] if field.form is Form.LIST else item) | None  # type: ignore[valid-type]
        for key in (field.key, *field.aliases):
            if not key.isidentifier() or keyword.iskeyword(key) or key in _RESERVED:
                return None
            fields.setdefault(key, kind)
    return _struct(f"Wire{cls.__name__}", fields, nested)


def _struct(
    name: str, fields: Mapping[str, Any], nested: Mapping[str, type[WireObject]] | None = None
) -> type[WireObject]:
    """A struct of `fields` (each null when left out), knowing its keys and nested structs."""
    struct = msgspec.defstruct(
        name,
        [(key, kind, None) for key, kind in fields.items()],
        bases=(WireObject,),
        gc=False,
        namespace={"wire_keys": frozenset(fields), "wire_nested": dict(nested or {})},
    )
    return cast("type[WireObject]", struct)


def page_decoder(key: str, cls: type) -> Decode:
    """Decodes a search page of `cls` objects under `key` into structs, or as `codec.decode`
    does when the body is not such a page (or `cls` has no struct)."""
    item = struct_of(cls)
    if item is None:
        return codec.decode
    page = {"page": Any, "per_page": Any, "total_pages": Any, key: list[item] | None}  # type: ignore[valid-type]
    return codec.typed_decoder(_struct(f"Wire{cls.__name__}Page", page))


def envelope_decoder(key: str, cls: type) -> Decode:
    """Decodes `{key: {...}}` (one `cls` object, as `{"invoice": ...}`) into structs, or as
    `codec.decode` does when the body has another shape (or `cls` has no struct)."""
    item = struct_of(cls)
    if item is None:
        return codec.decode
    return codec.typed_decoder(_struct(f"Wire{cls.__name__}Envelope", {key: item | None}))
