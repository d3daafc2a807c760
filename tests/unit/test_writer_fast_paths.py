"""The REST writer's fast paths answer exactly as the step-by-step forms (kept here as the
reference): ids as the pattern reads them, and dates as formatted each time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.rest.writer import (
    accrual_month,
    integer_id,
    optional_integer_id,
    receipt_date,
    upstream_date,
)

_REFERENCE = re.compile(r"\d{1,18}")


def reference(value: str | int) -> int | None:
    text = str(value).strip()
    if text == "":
        return None
    if not _REFERENCE.fullmatch(text):
        raise ValueError("must be a numeric id")
    return int(text)


IDS = st.one_of(
    st.text(alphabet="0123456789 +-٣²", max_size=20),
    st.from_regex(r"\A[0-9]{1,20}\Z"),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.text(max_size=5),
)


def outcome(read: object, value: str | int) -> object:
    try:
        return read(value)  # type: ignore[operator]
    except ValueError as error:
        return ("refused", str(error))


@given(IDS)
def test_ids_are_read_as_the_pattern_reads_them(value: str | int) -> None:
    assert outcome(optional_integer_id, value) == outcome(reference, value)
    expected = outcome(reference, value)
    if expected is None:
        expected = ("refused", "must be a numeric id")
    assert outcome(integer_id, value) == expected


@pytest.mark.parametrize("value", ["٣", "²", "1" * 19, "+1", " 7"])
def test_the_fast_path_leaves_what_it_does_not_cover_to_the_pattern(value: str) -> None:
    assert outcome(optional_integer_id, value) == outcome(reference, value)


DATES = st.one_of(st.dates(), st.datetimes())


@given(st.lists(DATES, max_size=20))
def test_dates_are_written_as_formatted_each_time(values: list[dt.date]) -> None:
    for value in values * 2:  # the second time from memory
        assert upstream_date(value) == value.strftime("%d-%m-%Y")
        assert receipt_date(value) == value.strftime("%d/%m/%Y")
        assert accrual_month(value) == value.strftime("%m/%Y")


def test_the_dates_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upstream_date, "size", 3)
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(10)]
    for day in days:
        upstream_date(day)
    assert 0 < len(upstream_date.answers) <= 3
    assert [upstream_date(day) for day in days] == [day.strftime("%d-%m-%Y") for day in days]
