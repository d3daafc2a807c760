"""`gateway.remembered`: the bounded memo, and the test compiled code inlines from it."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.remembered import Remembered


def test_the_compiled_test_keeps_exactly_the_classes_the_memo_keeps() -> None:
    memo = Remembered(lambda value: ("read", value), kinds=(str, int))
    test = eval(f"lambda v: {memo.kept('v')}")  # the source compiled code embeds
    for value in ["1", 1, True, 1.0, None, [1], b"1"]:
        assert test(value) is (value.__class__ in (str, int))
        assert memo(value) == ("read", value)
    # Only the exact classes were kept: `True` and `1.0` did not take `1`'s place.
    assert memo.answers == {"1": ("read", "1"), 1: ("read", 1)}
    assert memo.kept("v") == "v.__class__ is str or v.__class__ is int"  # the order given


def test_the_compiled_test_names_only_built_in_classes() -> None:
    with pytest.raises(TypeError, match="not a built-in class"):
        Remembered(str, kinds=(dt.date,)).kept("v")
