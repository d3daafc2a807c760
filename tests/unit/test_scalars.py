"""The custom scalars: exact decimals, strict dates, timestamps with offsets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gateway.scalars import (
    format_date,
    format_datetime,
    format_decimal,
    parse_date,
    parse_datetime,
    parse_decimal,
)


@pytest.mark.parametrize(
    ("given", "digits"),
    [
        ("700.00", "700.00"),
        ("700.0", "700.0"),
        (700, "700"),
        (Decimal("0.10"), "0.10"),
        ("-12.5", "-12.5"),
        ("1e3", "1000"),
        (" 7.5 ", "7.5"),
        (0.1, "0.1"),
        ("123456789012345.1234567890", "123456789012345.1234567890"),
    ],
)
def test_decimal_input_keeps_the_digits_given(given: object, digits: str) -> None:
    assert format_decimal(parse_decimal(given)) == digits


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("NaN", "must be a number"),
        ("Infinity", "must be a number"),
        (Decimal("NaN"), "finite"),
        (Decimal("-Infinity"), "finite"),
        ("1e999999", "integer digits"),
        ("0.00000000001", "fraction digits"),
        ("1234567890123456", "integer digits"),
        ("12,50", "must be a number"),
        ("", "must be a number"),
        (True, "boolean"),
        ([1], "string or a number"),
    ],
)
def test_decimal_input_rejects_what_it_cannot_represent(given: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_decimal(given)


def test_decimal_output_is_never_an_exponent() -> None:
    assert format_decimal(Decimal("7E+2")) == "700"
    assert format_decimal(Decimal("1E-7")) == "0.0000001"


@pytest.mark.parametrize(
    "given",
    [
        "2025-02-30",
        "2025-13-01",
        "02-06-2025",
        "2025-6-2",
        "20250602",
        "0001-01-01",
        "9999-12-31",
        20250602,
    ],
)
def test_date_input_rejects_impossible_and_foreign_forms(given: object) -> None:
    with pytest.raises(ValueError, match="Date"):
        parse_date(given)


def test_date_round_trip() -> None:
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert format_date(dt.date(2025, 6, 2)) == "2025-06-02"


def test_datetime_keeps_the_offset() -> None:
    value = parse_datetime("2025-05-06T08:28:35-03:00")
    assert format_datetime(value) == "2025-05-06T08:28:35-03:00"
    with pytest.raises(ValueError, match="offset"):
        parse_datetime("2025-05-06T08:28:35")
