"""How a GraphQL field travels over the REST API: its REST name and its wire form.

A resource is declared once, as its Strawberry types. Each field says, next to its description,
what the REST layer needs and its Python type cannot tell: `rest(...)` in the field's
`metadata`. Mapping (REST -> types), translation (inputs -> REST bodies and query strings) and
the sandbox's rendering are compiled from these declarations once per type, at start-up.

    units: Decimal | None = strawberry.field(
        default=None, description="Quantity of units.", metadata=rest(form=Form.QUANTITY)
    )

Without `rest(...)` a field travels under the snake_case of its GraphQL name, in the form its
type implies:

| Python type | output (read, rendered)    | input (written)                     |
| ----------- | -------------------------- | ----------------------------------- |
| `str`       | TEXT                       | TEXT                                |
| `bool`      | BOOLEAN                    | BOOLEAN                             |
| `int`       | INTEGER                    | INTEGER                             |
| `ID`        | ID                         | INTEGER_ID                          |
| `Decimal`   | AMOUNT                     | AMOUNT                              |
| `date`      | DATE_DMY_SLASH             | DATE_DMY_DASH                       |
| `datetime`  | TIMESTAMP                  | TIMESTAMP                           |
| an enum     | ENUM (the enum's values)   | ENUM                                |
| a type      | OBJECT                     | OBJECT                              |
| a list      | LIST                       | LIST (with `id` and `_destroy` when |
|             |                            | its items are `ItemChange`s)        |

An input object whose REST body spreads it over its parent's keys declares
`rest(form=Form.FLATTENED)`: `customer: PartyInput` is written as `customer_type` and
`customer_id`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from strawberry.types import get_object_definition
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.lazy_type import LazyType
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

_KEY = "gateway.rest"


class Form(Enum):
    """The value forms of the REST API, named by what they look like on the wire."""

    TEXT = "text"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    ID = "id"
    """An id as the upstream writes it (a number, sometimes a string), read as text."""
    INTEGER_ID = "integer id"
    """An id written as a JSON number; `""` is no id, except for a required one or `id`."""
    UUID = "uuid"
    ENUM = "enum"
    """One of the enum's values, which are the REST values."""
    AMOUNT = "amount"
    """Money, as a decimal with every digit; read with at least two fraction digits."""
    QUANTITY = "quantity"
    """A quantity or a percentage, as a decimal; read without trailing zeros."""
    DATE_DMY_DASH = "DD-MM-YYYY"
    DATE_DMY_SLASH = "DD/MM/YYYY"
    DATE_ISO = "YYYY-MM-DD"
    MONTH = "MM/YYYY"
    """A month, as its first day in GraphQL."""
    TIMESTAMP = "DD/MM/YYYY HH:MM:SS +HH:MM"
    """The upstream's timestamp; read as ISO 8601 too."""
    OBJECT = "object"
    LIST = "list"
    UPLOAD = "upload"
    """A multipart upload, written as Base64 `content` with its `filename` and `content_type`."""
    FLATTENED = "flattened"
    """An input object written into its parent's body, each of its keys prefixed with the
    field's key and `_` (`customer: {type, id}` -> `customer_type`, `customer_id`)."""


@dataclass(frozen=True)
class Rest:
    """What one field's `rest(...)` declares."""

    name: str | None = None
    form: Form | None = None
    aliases: tuple[str, ...] = ()
    sent: bool = True
    legacy: Mapping[object, str] | None = None


def rest(
    name: str | None = None,
    *,
    form: Form | None = None,
    aliases: tuple[str, ...] = (),
    sent: bool = True,
    legacy: Mapping[object, str] | None = None,
) -> dict[str, Rest]:
    """A field's REST declaration, for `strawberry.field(metadata=...)`.

    `name` is the REST key where it is not the snake_case of the GraphQL name; `form` the wire
    form where the type does not imply it; `aliases` other keys the upstream has been seen
    writing the same value under; `sent=False` keeps a GraphQL-only input field (an
    idempotency key) out of every REST request; `legacy` maps the values older responses wrote
    for an enum (`{1: "active"}`, from when `state` was an integer) to its REST values.
    """
    return {_KEY: Rest(name=name, form=form, aliases=aliases, sent=sent, legacy=legacy)}


@dataclass(frozen=True)
class WireField:
    """One field of a declared type, resolved: everything a compiler needs."""

    attribute: str
    graphql_name: str
    key: str
    form: Form
    required: bool
    sent: bool
    aliases: tuple[str, ...] = ()
    legacy: Mapping[object, str] | None = None
    enum: type[Enum] | None = None
    item: type | None = None
    """The nested type of an OBJECT or a LIST."""

    @property
    def strict_id(self) -> bool:
        return self.required or self.attribute == "id"


_OUTPUT_DEFAULTS: Mapping[object, Form] = {
    str: Form.TEXT,
    bool: Form.BOOLEAN,
    int: Form.INTEGER,
    Decimal: Form.AMOUNT,
    dt.date: Form.DATE_DMY_SLASH,
    dt.datetime: Form.TIMESTAMP,
}
_INPUT_DEFAULTS: Mapping[object, Form] = {**_OUTPUT_DEFAULTS, dt.date: Form.DATE_DMY_DASH}


_resolved: dict[type, tuple[WireField, ...]] = {}


def wire_fields(cls: type) -> tuple[WireField, ...]:
    """The declared fields of a Strawberry type, in declaration order; resolved once per type."""
    fields = _resolved.get(cls)
    if fields is None:
        fields = _resolved[cls] = _resolve(cls)
    return fields


def _resolve(cls: type) -> tuple[WireField, ...]:
    definition = get_object_definition(cls, strict=True)
    defaults = _INPUT_DEFAULTS if definition.is_input else _OUTPUT_DEFAULTS
    fields: list[WireField] = []
    for field in definition.fields:
        if field.base_resolver is not None or is_private(field.type):
            # A field with a resolver is a link to another resource, not a REST field.
            continue
        declared = field.metadata.get(_KEY, Rest()) if field.metadata else Rest()
        assert isinstance(declared, Rest)
        kind: Any = field.type
        required = not isinstance(kind, StrawberryOptional)
        if not required:
            kind = kind.of_type
        is_list = isinstance(kind, StrawberryList)
        if is_list:
            kind = kind.of_type
        if isinstance(kind, LazyType):
            kind = kind.resolve_type()
        enum = (
            cast("type[Enum]", kind.wrapped_cls)
            if isinstance(kind, StrawberryEnumDefinition)
            else None
        )
        nested = kind if isinstance(kind, type) and _is_strawberry_type(kind) else None
        form = declared.form or _implied_form(kind, enum, nested, is_list, defaults)
        if form is Form.FLATTENED and (nested is None or is_list or not definition.is_input):
            raise TypeError(
                f"{cls.__name__}.{field.python_name}: only an input object field of an input "
                "can be flattened"
            )
        fields.append(
            WireField(
                attribute=field.python_name,
                graphql_name=field.graphql_name or to_camel_case(field.python_name),
                key=declared.name or field.python_name,
                form=form,
                required=required,
                sent=declared.sent,
                aliases=declared.aliases,
                legacy=declared.legacy,
                enum=enum,
                item=nested,
            )
        )
    return tuple(fields)


def _implied_form(
    kind: object,
    enum: type[Enum] | None,
    nested: type | None,
    is_list: bool,
    defaults: Mapping[object, Form],
) -> Form:
    if is_list:
        return Form.LIST
    if nested is not None:
        return Form.OBJECT
    if enum is not None:
        return Form.ENUM
    if getattr(kind, "__name__", None) == "ID" and getattr(kind, "__supertype__", None) is str:
        return Form.INTEGER_ID if defaults is _INPUT_DEFAULTS else Form.ID
    try:
        return defaults[kind]
    except KeyError:
        raise TypeError(f"no wire form for {kind!r}: declare one with rest(form=...)") from None


def _is_strawberry_type(kind: type) -> bool:
    return get_object_definition(kind) is not None


def words(type_name: str) -> str:
    """`PaymentInformation` -> `payment information`, for messages about a type."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()
