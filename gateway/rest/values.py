"""Reading one upstream JSON object into a type's values, field by field.

`Fields` reads each field with the reader of its form (`gateway.rest.forms`): every empty
form becomes `None`; a value it cannot represent also becomes `None` and is recorded in
`problems` (keyed by the attribute it was read for) so that one bad field never costs the
whole object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import TypeVar, cast

from gateway.rest import forms

E = TypeVar("E", bound=Enum)


class Fields:
    """Reads typed values out of one upstream JSON object, recording what it cannot read."""

    __slots__ = ("problems", "raw")

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw
        self.problems: dict[str, str] = {}

    def _fail(self, attribute: str, value: object, expected: str) -> None:
        self.problems[attribute] = f"expected {expected}, got {_shown(value)}"

    def read(self, key: str, read: forms.Reader, attribute: str | None = None) -> object:
        """`key`'s value as `read` reads it; `None` when it is blank or unreadable."""
        value = forms.blank(self.raw.get(key))
        if value is None:
            return None
        try:
            return read(value)
        except forms.Unreadable as error:
            self._fail(attribute or key, value, error.expected)
            return None

    def text(self, key: str, *, attribute: str | None = None) -> str | None:
        return cast("str | None", self.read(key, forms.text, attribute))

    def id(self, key: str, *, attribute: str | None = None) -> str | None:
        return cast("str | None", self.read(key, forms.identifier, attribute))

    def integer(self, key: str, *, attribute: str | None = None) -> int | None:
        return cast("int | None", self.read(key, forms.integer, attribute))

    def boolean(self, key: str, *, attribute: str | None = None) -> bool | None:
        return cast("bool | None", self.read(key, forms.boolean, attribute))

    def amount(self, key: str, *, attribute: str | None = None) -> Decimal | None:
        return cast("Decimal | None", self.read(key, forms.amount, attribute))

    def quantity(self, key: str, *, attribute: str | None = None) -> Decimal | None:
        return cast("Decimal | None", self.read(key, forms.quantity, attribute))

    def date(self, key: str, *, attribute: str | None = None) -> dt.date | None:
        return cast("dt.date | None", self.read(key, forms.date, attribute))

    def datetime(self, key: str, *, attribute: str | None = None) -> dt.datetime | None:
        return cast("dt.datetime | None", self.read(key, forms.timestamp, attribute))

    def enum(
        self,
        key: str,
        enum: type[E],
        *,
        attribute: str | None = None,
        legacy: Mapping[object, str] | None = None,
    ) -> E | None:
        return cast("E | None", self.read(key, forms.enumeration(enum, legacy), attribute))

    def texts(self, key: str, *, attribute: str | None = None) -> list[str] | None:
        """An array of scalars (`["IR", "PIS"]`), each as text; anything else is a problem."""
        value = self.raw.get(key)
        if value is None:
            return None
        try:
            return forms.texts(value)
        except forms.Unreadable as error:
            self._fail(attribute or key, value, error.expected)
            return None

    def mapping(self, key: str, *, attribute: str | None = None) -> Mapping[str, object] | None:
        value = self.raw.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, Mapping):
            return value
        self._fail(attribute or key, value, "an object")
        return None

    def mappings(
        self, key: str, *, attribute: str | None = None
    ) -> list[Mapping[str, object]] | None:
        """A list of objects, each with an `id`; anything else makes the whole list a problem."""
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, list) and all(has_id(item) for item in value):
            return value
        self._fail(attribute or key, value, "a list of objects with ids")
        return None


def _shown(value: object) -> str:
    """A scalar as written (cut to 60 characters); an object or a list by its kind only:
    what it holds is the upstream's business, and reads the same however it was decoded
    (a dict, or a `wire_objects` struct)."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)} item" + ("" if len(value) == 1 else "s")
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def has_id(item: object) -> bool:
    """Whether `item` is an object with an `id` that reads as one."""
    return isinstance(item, Mapping) and Fields(item).id("id") is not None
