"""How a GraphQL input becomes a JSON object for the upstream: the value forms the upstream
documents, and the rule that a field the client did not set is left out while an explicit
`null` is sent as `null`. Pure functions.

What the gateway can tell is wrong before calling (an id that is not a number, a malformed
UUID) is collected as `UserError`s with paths into the GraphQL arguments and raised as
`InvalidInput`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, TypeAlias

from strawberry.types.unset import UnsetType
from strawberry.utils.str_converters import to_camel_case

from gateway.remembered import Remembered
from gateway.types.user_error import UserError, UserErrorCode

JSONValue: TypeAlias = bool | int | str | Decimal | list[Any] | dict[str, Any] | None
Body: TypeAlias = dict[str, JSONValue]
ItemWriter: TypeAlias = Callable[[Any, list[str], list[UserError]], Body]

_INTEGER_ID = re.compile(r"\d{1,18}")


def integer_id(value: str | int) -> int:
    """The upstream's ids are integers; anything else could never match one."""
    if value.__class__ is str and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)  # the common case, read as below without stripping or a pattern
    text = str(value).strip()
    if not _INTEGER_ID.fullmatch(text):
        raise ValueError("must be a numeric id")
    return int(text)


def _remembered(form: Callable[[dt.date], str]) -> Remembered:
    return Remembered(form, kinds=(dt.date,))


# Formatted by hand: `strftime` costs several microseconds a call, once per receivable. Years
# before 1000 are left to it, as platforms pad `%Y` differently. Each form's texts are kept per
# date, since an invoice's schedule repeats few dates and a look-up costs a fraction of the
# padded f-string (`gateway.remembered`).
@_remembered
def upstream_date(value: dt.date) -> str:
    if value.year < 1000:
        return value.strftime("%d-%m-%Y")
    return f"{value.day:02}-{value.month:02}-{value.year}"


@_remembered
def receipt_date(value: dt.date) -> str:
    """The receive endpoint documents `DD/MM/YYYY`, unlike the others' `DD-MM-YYYY`."""
    if value.year < 1000:
        return value.strftime("%d/%m/%Y")
    return f"{value.day:02}/{value.month:02}/{value.year}"


@_remembered
def accrual_month(value: dt.date) -> str:
    if value.year < 1000:
        return value.strftime("%m/%Y")
    return f"{value.month:02}/{value.year}"


def optional_integer_id(value: str | int) -> int | None:
    if value.__class__ is str and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)  # the common case, read as below without stripping or a pattern
    # The documented example sends `""` for empty ids; a client may do the same.
    text = str(value).strip()
    if text == "":
        return None
    if not _INTEGER_ID.fullmatch(text):
        raise ValueError("must be a numeric id")
    return int(text)


def enum_value(value: Enum) -> str:
    return str(value.value)


def _same(value: Any) -> JSONValue:
    return value  # type: ignore[no-any-return]


class Writer:
    """Builds one JSON object from one input object, collecting every problem on the way."""

    def __init__(self, source: object, path: Sequence[str], errors: list[UserError]) -> None:
        self.source = source
        self.path = list(path)
        self.errors = errors
        self.body: Body = {}

    def put(
        self, name: str, convert: Callable[[Any], JSONValue] = _same, *, key: str | None = None
    ) -> None:
        value = getattr(self.source, name)
        if isinstance(value, UnsetType):
            return
        if value is None:
            self.body[key or name] = None
            return
        try:
            self.body[key or name] = convert(value)
        except ValueError as error:
            self.errors.append(
                UserError(
                    field=[*self.path, to_camel_case(name)],
                    message=str(error),
                    code=UserErrorCode.INVALID,
                )
            )

    def put_object(self, name: str, write: ItemWriter, *, key: str | None = None) -> None:
        value = getattr(self.source, name)
        if value is None or isinstance(value, UnsetType):
            self.put(name, key=key)
            return
        self.body[key or name] = write(value, [*self.path, to_camel_case(name)], self.errors)

    def put_list(self, name: str, write: ItemWriter, *, key: str | None = None) -> None:
        items = getattr(self.source, name)
        if isinstance(items, UnsetType):
            return
        if items is None:
            self.body[key or name] = None
            return
        field = [*self.path, to_camel_case(name)]
        self.body[key or name] = [
            write(item, [*field, str(index)], self.errors) for index, item in enumerate(items)
        ]


def uuid(value: str) -> str | None:
    text = str(value).strip()
    if text == "":
        return None
    if not re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", text):
        raise ValueError("must be a UUID")
    return text
