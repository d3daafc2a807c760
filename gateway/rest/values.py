"""Lenient readers for the value forms the upstream is known to send.

The upstream writes the same field as `null` in one response and `""` in another, dates as
`DD/MM/YYYY` or ISO, timestamps as `DD/MM/YYYY HH:MM:SS -03:00`, amounts as `"700.0"`, and
placeholders such as `"--"`. `Fields` reads one JSON object field by field: every empty form
becomes `None`; a value it cannot represent also becomes `None` and is recorded in `problems`
(keyed by the attribute it was read for) so that one bad field never costs the whole object.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)

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
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TWO_PLACES = Decimal("0.01")


class Fields:
    """Reads typed values out of one upstream JSON object, recording what it cannot read."""

    __slots__ = ("problems", "raw")

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw
        self.problems: dict[str, str] = {}

    def _value(self, key: str) -> object:
        value = self.raw.get(key)
        if isinstance(value, str) and value.strip() in EMPTY:
            return None
        return value

    def _fail(self, attribute: str, value: object, expected: str) -> None:
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        self.problems[attribute] = f"expected {expected}, got {shown}"

    def text(self, key: str, *, attribute: str | None = None) -> str | None:
        """Any scalar as text: free text is never a problem."""
        value = self._value(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, Decimal)):
            return str(value)
        # Free-text fields such as `cobrato_errors` have been seen as arrays and objects.
        return json.dumps(value, ensure_ascii=False, default=str)

    def id(self, key: str, *, attribute: str | None = None) -> str | None:
        value = self._value(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            return value.strip()
        self._fail(attribute or key, value, "an id")
        return None

    def integer(self, key: str, *, attribute: str | None = None) -> int | None:
        value = self._value(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            return int(value)
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        self._fail(attribute or key, value, "an integer")
        return None

    def boolean(self, key: str, *, attribute: str | None = None) -> bool | None:
        value = self._value(key)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        self._fail(attribute or key, value, "a boolean")
        return None

    def amount(self, key: str, *, attribute: str | None = None) -> Decimal | None:
        """A money amount: at least two fraction digits, every digit the upstream sent."""
        number = self._decimal(key, attribute or key)
        if number is None:
            return None
        return number.quantize(_TWO_PLACES) if _fraction_digits(number) < 2 else number

    def quantity(self, key: str, *, attribute: str | None = None) -> Decimal | None:
        """A quantity or percentage: no trailing zeros (`"7.0"` is `7`)."""
        number = self._decimal(key, attribute or key)
        if number is None:
            return None
        return strip_zeros(number)

    def _decimal(self, key: str, attribute: str) -> Decimal | None:
        value = self._value(key)
        if value is None:
            return None
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
            self._fail(attribute, value, "a decimal number")
            return None
        return number

    def date(self, key: str, *, attribute: str | None = None) -> dt.date | None:
        value = self._value(key)
        if value is None:
            return None
        if isinstance(value, str):
            parsed = parse_upstream_date(value)
            if parsed is not None:
                return parsed
        self._fail(attribute or key, value, "a date")
        return None

    def datetime(self, key: str, *, attribute: str | None = None) -> dt.datetime | None:
        value = self._value(key)
        if value is None:
            return None
        if isinstance(value, str):
            parsed = parse_upstream_datetime(value)
            if parsed is not None:
                return parsed
        self._fail(attribute or key, value, "a timestamp with a UTC offset")
        return None

    def enum(
        self,
        key: str,
        enum: type[E],
        *,
        attribute: str | None = None,
        legacy: Mapping[object, str] | None = None,
    ) -> E | None:
        """One of the enum's values, ignoring case; `legacy` maps values older responses
        wrote instead (`{1: "active"}`) to current ones."""
        value = self._value(key)
        if value is None:
            return None
        if legacy is not None and not isinstance(value, bool) and value in legacy:
            value = legacy[value]
        if isinstance(value, str):
            for member in enum:
                if member.value == value or str(member.value).lower() == value.lower():
                    return member
        expected = "one of " + ", ".join(str(member.value) for member in enum)
        self._fail(attribute or key, value, expected)
        return None

    def texts(self, key: str, *, attribute: str | None = None) -> list[str] | None:
        """An array of scalars (`["IR", "PIS"]`), each as text; anything else is a problem."""
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, list) and all(
            isinstance(item, (str, int, Decimal)) and not isinstance(item, bool) for item in value
        ):
            return [str(item) for item in value]
        self._fail(attribute or key, value, "an array of strings")
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
        if isinstance(value, list) and all(
            isinstance(item, Mapping) and Fields(item).id("id") is not None for item in value
        ):
            return value
        self._fail(attribute or key, value, "a list of objects with ids")
        return None


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
    elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", text):
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
