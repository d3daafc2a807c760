"""The readers of the upstream's value forms, one JSON value at a time.

The upstream writes the same field as `null` in one response and `""` in another, dates as
`DD/MM/YYYY` or ISO, timestamps as `DD/MM/YYYY HH:MM:SS -03:00`, amounts as `"700.0"`, and
placeholders such as `"--"`. `blank()` turns every empty form into `None`; each reader then
takes a value that is not blank and answers what it means, or raises `Unreadable` saying what
the form expected. They are pure, so their answers may be kept (`gateway.remembered`).

Two callers share them, so that both read every value the same way: `gateway.rest.values.Fields`,
which maps an object into a type and records what it could not read, and
`gateway.rest.projection`, which writes the selected fields straight into a response.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Hashable, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

from gateway.types.wire import Form

E = TypeVar("E", bound=Enum)
Reader = Callable[[object], object]

EMPTY: frozenset[str] = frozenset({"", "--"})

_DATE_FORMS = (
    re.compile(r"(?P<d>\d{2})/(?P<m>\d{2})/(?P<y>\d{4})"),
    re.compile(r"(?P<d>\d{2})-(?P<m>\d{2})-(?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
)
_UPSTREAM_TIMESTAMP = re.compile(
    r"(?P<d>\d{2})/(?P<m>\d{2})/(?P<y>\d{4})[ T](?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})"
    r"\s*(?P<off>Z|[+-]\d{2}:?\d{2})?"
)
_ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_TWO_PLACES = Decimal("0.01")


class Unreadable(Exception):
    """A value its form cannot represent; `expected` says what the form takes."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def blank(value: object) -> object:
    """`None` for every form of "no value" (`null`, `""`, `"--"`, whitespace); else `value`."""
    if isinstance(value, str) and value.strip() in EMPTY:
        return None
    return value


def text(value: object) -> str:
    """Any scalar as text: free text is never unreadable."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    # Free-text fields such as `cobrato_errors` have been seen as arrays and objects.
    return json.dumps(value, ensure_ascii=False, default=str)


def identifier(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    raise Unreadable("an id")


def integer(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise Unreadable("an integer")


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise Unreadable("a boolean")


def amount(value: object) -> Decimal:
    """A money amount: at least two fraction digits, every digit the upstream sent."""
    number = _decimal(value)
    return number.quantize(_TWO_PLACES) if _fraction_digits(number) < 2 else number


def quantity(value: object) -> Decimal:
    """A quantity or percentage: no trailing zeros (`"7.0"` is `7`)."""
    return strip_zeros(_decimal(value))


def _decimal(value: object) -> Decimal:
    number: Decimal | None = None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern rules this out
            number = None
    if number is None or not number.is_finite():
        raise Unreadable("a decimal number")
    return number


def date(value: object) -> dt.date:
    if isinstance(value, str):
        parsed = parse_upstream_date(value)
        if parsed is not None:
            return parsed
    raise Unreadable("a date")


def timestamp(value: object) -> dt.datetime:
    if isinstance(value, str):
        parsed = parse_upstream_datetime(value)
        if parsed is not None:
            return parsed
    raise Unreadable("a timestamp with a UTC offset")


def enumeration(enum: type[E], legacy: Mapping[object, str] | None = None) -> Callable[[object], E]:
    """The reader of one of the enum's values, ignoring case; `legacy` maps values older
    responses wrote instead (`{1: "active"}`) to current ones."""
    members = list(enum)
    expected = "one of " + ", ".join(str(member.value) for member in members)

    def read(value: object) -> E:
        # An array or an object is no legacy value (and cannot be looked up).
        if legacy is not None and not isinstance(value, bool) and isinstance(value, Hashable):
            value = legacy.get(value, value)
        if isinstance(value, str):
            for member in members:
                if member.value == value or str(member.value).lower() == value.lower():
                    return member
        raise Unreadable(expected)

    return read


def texts(value: object) -> list[str]:
    """An array of scalars (`["IR", "PIS"]`), each as text. Not blank-checked: `""` is not
    an array."""
    if isinstance(value, list) and all(
        isinstance(item, (str, int, Decimal)) and not isinstance(item, bool) for item in value
    ):
        return [str(item) for item in value]
    raise Unreadable("an array of strings")


# The reader of each scalar form (an ENUM's is `enumeration(...)`, made per field).
READERS: Mapping[Form, Reader] = {
    Form.TEXT: text,
    Form.BOOLEAN: boolean,
    Form.INTEGER: integer,
    Form.ID: identifier,
    Form.INTEGER_ID: identifier,
    Form.UUID: identifier,
    Form.AMOUNT: amount,
    Form.QUANTITY: quantity,
    Form.DATE_DMY_DASH: date,
    Form.DATE_DMY_SLASH: date,
    Form.DATE_ISO: date,
    Form.MONTH: date,
    Form.TIMESTAMP: timestamp,
}


def _fraction_digits(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def strip_zeros(number: Decimal) -> Decimal:
    """`7.50` -> `7.5`, `700.0` -> `700`, without ever switching to an exponent."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def parse_upstream_date(text: str) -> dt.date | None:
    text = text.strip()
    # A timestamp where a date was expected still says which day it was.
    head = text[:10]
    for form in _DATE_FORMS:
        match = form.fullmatch(head)
        if match and (len(text) == 10 or text[10] in " T"):
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def parse_upstream_datetime(text: str) -> dt.datetime | None:
    """`DD/MM/YYYY HH:MM:SS -03:00` or ISO 8601; the offset is required and kept."""
    text = text.strip()
    match = _UPSTREAM_TIMESTAMP.fullmatch(text)
    if match:
        if not match["off"]:
            return None
        text = (
            f"{match['y']}-{match['m']}-{match['d']}T{match['H']}:{match['M']}:{match['S']}"
            f"{_iso_offset(match['off'])}"
        )
    elif not _ISO_TIMESTAMP.fullmatch(text):
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else None


def _iso_offset(offset: str) -> str:
    if offset == "Z":
        return "+00:00"
    return offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"
