"""The custom scalars: `Date`, `DateTime` and `Decimal`.

Each is registered in the schema's `scalar_map` against the Python type it carries, so
resolvers and inputs work with `datetime.date`, `datetime.datetime` and `decimal.Decimal`
and never with strings.

Output formatting is deliberately dumb: the scalar writes what it is given in plain notation.
Whether an amount shows two fraction digits or a quantity none is decided when the upstream
response is mapped (see `gateway.rest.forms`), because only the mapping knows what a
number means.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry
from graphql import FloatValueNode, IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

# Generous for money and percentages, tight enough that `1e999999` never reaches Decimal
# arithmetic or the upstream.
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 10
_INTEGER_BOUND = 10**MAX_INTEGER_DIGITS

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DECIMAL_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_decimal(value: object) -> Decimal:
    """Read a client-supplied decimal exactly, or raise `ValueError` saying why not."""
    if type(value) is int and -_INTEGER_BOUND < value < _INTEGER_BOUND:
        return Decimal(value)  # in range by its size: no fraction, at most 15 digits
    if type(value) is Decimal:  # a JSON number with a fraction, as the request decoder reads it
        return _check_range(value)
    if isinstance(value, bool):
        raise ValueError("Decimal must be a string or a number, not a boolean.")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # Only reachable when a caller decoded JSON without `parse_float=Decimal`; the
        # shortest repr is what the client wrote for any literal of up to 15 digits.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_TEXT.fullmatch(text):
            raise ValueError("Decimal must be a number, such as 700.10.")
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern already rules this out
            raise ValueError("Decimal must be a number, such as 700.10.") from None
    else:
        raise ValueError("Decimal must be a string or a number.")
    return _check_range(number)


def _check_range(number: Decimal) -> Decimal:
    if not number.is_finite():
        raise ValueError("Decimal must be a finite number (no NaN or Infinity).")
    # `as_tuple()` would say it all but costs a tuple of every digit (about a microsecond, per
    # amount of every receivable); the plain text tells the fraction digits, `adjusted()` the
    # integer ones (the power of the leading digit, plus one).
    text = str(number)
    if "E" in text:
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)
        fraction_digits = max(0, -exponent)
    else:
        point = text.find(".")
        fraction_digits = 0 if point < 0 else len(text) - point - 1
    if fraction_digits > MAX_FRACTION_DIGITS:
        raise ValueError(f"Decimal allows at most {MAX_FRACTION_DIGITS} fraction digits.")
    if number.adjusted() + 1 > MAX_INTEGER_DIGITS:
        raise ValueError(f"Decimal allows at most {MAX_INTEGER_DIGITS} integer digits.")
    return number


def format_decimal(value: Decimal) -> str:
    """Plain notation, every digit kept: `Decimal("7E+2")` is written `"700"`."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"Decimal cannot serialize {value!r}")
    return format(value, "f")


def _parse_decimal_literal(node: ValueNode, _variables: Any = None) -> Decimal:
    # The literal's source text, not a float, so `700.10` keeps its digits.
    if isinstance(node, (StringValueNode, IntValueNode, FloatValueNode)):
        return parse_decimal(node.value)
    raise ValueError("Decimal must be a string or a number.")


def parse_date(value: object) -> dt.date:
    """Read an ISO `YYYY-MM-DD` calendar date, rejecting impossible ones."""
    if type(value) is str and len(value) == 10 and value[4] == value[7] == "-":
        # The common case in C: of the forms `fromisoformat` reads, only `YYYY-MM-DD` has ten
        # characters and dashes at 4 and 7. Anything it refuses goes the checked way, for
        # the message.
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if 1900 <= date.year <= 2999:
                return date
    return _parse_date_checked(value)


def _parse_date_checked(value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValueError("Date must be a string in the form YYYY-MM-DD.")
    match = _ISO_DATE.fullmatch(value)
    if not match:
        raise ValueError("Date must be in the form YYYY-MM-DD.")
    year, month, day = (int(part) for part in match.groups())
    if year < 1900 or year > 2999:
        raise ValueError("Date is out of range (years 1900 to 2999).")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError("Date does not exist in the calendar.") from None


def format_date(value: dt.date) -> str:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"Date cannot serialize {value!r}")
    return value.isoformat()


def _parse_date_literal(node: ValueNode, _variables: Any = None) -> dt.date:
    if isinstance(node, StringValueNode):
        return parse_date(node.value)
    raise ValueError("Date must be a string in the form YYYY-MM-DD.")


def parse_datetime(value: object) -> dt.datetime:
    """Read an ISO 8601 timestamp that carries its UTC offset."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}T.+", value):
        raise ValueError("DateTime must be an ISO 8601 string such as 2025-05-06T08:28:35-03:00.")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("DateTime is not a valid ISO 8601 timestamp.") from None
    if parsed.utcoffset() is None:
        raise ValueError("DateTime must carry a UTC offset, such as -03:00 or Z.")
    return parsed


def format_datetime(value: dt.datetime) -> str:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"DateTime cannot serialize {value!r}")
    return value.isoformat()


def _parse_datetime_literal(node: ValueNode, _variables: Any = None) -> dt.datetime:
    if isinstance(node, StringValueNode):
        return parse_datetime(node.value)
    raise ValueError("DateTime must be an ISO 8601 string.")


# Parsers whose answer for a `str` or an `int` depends on that value alone (equal values,
# the same answer, and answers that are never changed), so a coercer may keep the answers it
# has had (`gateway.fastpath.variable_compiler`). A `Decimal` input is not such a key: `7.0`
# and `7.00` are equal and differ in their digits.
REMEMBERED_PARSERS = frozenset({parse_date, parse_decimal})

DateScalar: ScalarDefinition = strawberry.scalar(
    name="Date",
    description="A calendar date in ISO 8601 form, `YYYY-MM-DD` (e.g. `2025-06-02`).",
    specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
    serialize=format_date,
    parse_value=parse_date,
    parse_literal=_parse_date_literal,
)

DateTimeScalar: ScalarDefinition = strawberry.scalar(
    name="DateTime",
    description=(
        "A point in time in ISO 8601 form with the UTC offset the upstream reported, "
        "e.g. `2025-05-06T08:28:35-03:00`."
    ),
    specified_by_url="https://scalars.graphql.org/andimarek/date-time.html",
    serialize=format_datetime,
    parse_value=parse_datetime,
    parse_literal=_parse_datetime_literal,
)

DecimalScalar: ScalarDefinition = strawberry.scalar(
    name="Decimal",
    description=(
        "An exact decimal number, written as a string in plain notation (never an exponent, "
        'never rounded). Amounts carry at least two fraction digits (`"700.00"`); quantities '
        'and percentages carry no trailing zeros (`"7"`, `"7.5"`). As input it accepts a '
        f"string or a number with at most {MAX_INTEGER_DIGITS} integer and "
        f"{MAX_FRACTION_DIGITS} fraction digits; NaN and Infinity are rejected."
    ),
    specified_by_url="https://speleotrove.com/decimal/daconvs.html#reftostr",
    serialize=format_decimal,
    parse_value=parse_decimal,
    parse_literal=_parse_decimal_literal,
)


@dataclass(frozen=True, slots=True, repr=False)
class UploadedFile:
    """A file sent with the multipart request spec, read into memory up to the size limit.

    A file over the limit keeps no bytes, only the fact that it was too large, so the
    mutation can answer with a user error on the right input path.
    """

    filename: str
    content_type: str
    data: bytes
    too_large: bool = False
    max_bytes: int = 0

    def __repr__(self) -> str:
        # Never the content: it may end up in a log line.
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


def _parse_upload(value: object) -> UploadedFile:
    if isinstance(value, UploadedFile):
        return value
    raise ValueError(
        "Upload must be a file sent as a multipart request "
        "(https://github.com/jaydenseric/graphql-multipart-request-spec)."
    )


def _parse_upload_literal(node: ValueNode, _variables: Any = None) -> UploadedFile:
    raise ValueError("Upload cannot be written in the query; send it as a multipart variable.")


def _serialize_upload(value: object) -> str:
    raise TypeError("Upload is an input-only scalar")


UploadScalar: ScalarDefinition = strawberry.scalar(
    name="Upload",
    description="A file uploaded with the GraphQL multipart request spec (input only).",
    specified_by_url="https://github.com/jaydenseric/graphql-multipart-request-spec",
    serialize=_serialize_upload,
    parse_value=_parse_upload,
    parse_literal=_parse_upload_literal,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {
    dt.date: DateScalar,
    dt.datetime: DateTimeScalar,
    Decimal: DecimalScalar,
    UploadedFile: UploadScalar,
}
