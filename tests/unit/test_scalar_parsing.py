"""The fast paths of `parse_decimal` and `parse_date` answer exactly as the step-by-step
readers they replaced (kept here as the reference): the same values, and the same messages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.scalars import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, parse_date, parse_decimal

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DECIMAL_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def reference_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("Decimal must be a string or a number, not a boolean.")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_TEXT.fullmatch(text):
            raise ValueError("Decimal must be a number, such as 700.10.")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("Decimal must be a number, such as 700.10.") from None
    else:
        raise ValueError("Decimal must be a string or a number.")
    if not number.is_finite():
        raise ValueError("Decimal must be a finite number (no NaN or Infinity).")
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    fraction_digits = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    if fraction_digits > MAX_FRACTION_DIGITS:
        raise ValueError(f"Decimal allows at most {MAX_FRACTION_DIGITS} fraction digits.")
    if integer_digits > MAX_INTEGER_DIGITS:
        raise ValueError(f"Decimal allows at most {MAX_INTEGER_DIGITS} integer digits.")
    return number


def reference_date(value: object) -> dt.date:
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


def outcome(parse: object, value: object) -> object:
    try:
        result = parse(value)  # type: ignore[operator]
    except ValueError as error:
        return ("error", str(error))
    return ("value", type(result).__name__, str(result))


_DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=20)
_NUMBER_TEXT = st.builds(
    lambda sign, whole, fraction, exponent: f"{sign}{whole}{fraction}{exponent}",
    st.sampled_from(["", "-", "+"]),
    _DIGITS,
    st.one_of(st.just(""), _DIGITS.map(lambda digits: "." + digits)),
    st.one_of(st.just(""), st.integers(-30, 30).map(lambda e: f"e{e}"), st.just("E+3")),
)
_DECIMALS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=12),
    _NUMBER_TEXT.filter(lambda text: bool(_DECIMAL_TEXT.fullmatch(text))).map(Decimal),
    st.sampled_from([Decimal("0E+20"), Decimal("0E-20"), Decimal("-0.000"), Decimal("1E+14")]),
)


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        _DECIMALS,
        _DECIMALS.map(str),
        _NUMBER_TEXT,
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.text(max_size=8),
    )
)
def test_decimals_read_as_before(value: object) -> None:
    assert outcome(parse_decimal, value) == outcome(reference_decimal, value)


_DATES = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.builds(
        lambda y, m, d, a, b: f"{y}{a}{m}{b}{d}",
        st.text("0123456789", min_size=4, max_size=4),
        st.text("0123456789", min_size=2, max_size=2),
        st.text("0123456789", min_size=2, max_size=2),
        st.sampled_from(["-", "/", "W", ""]),
        st.sampled_from(["-", "/", ""]),
    ),
    st.sampled_from(
        ["2025-W01-1", "2025-02-29", "1899-12-31", "3000-01-01", "\uff12\uff10\uff12\uff15-06-10"]
    ),
    st.text(max_size=11),
)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_DATES, st.integers(), st.none()))
def test_dates_read_as_before(value: object) -> None:
    assert outcome(parse_date, value) == outcome(reference_date, value)
