"""The fast path of the REST writer's id readers answers exactly as the pattern does (kept
here as the reference): the same integers, and a refusal for the same texts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.rest.writer import integer_id, optional_integer_id

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
