"""`gateway.upstream.codec.decode` reads every body exactly as the standard library with
`parse_float=Decimal` does, whichever parser reads it: the same values, of the same types
(`Decimal`, never `float`; big integers exact), and the same errors."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.upstream import codec

_STANDARD = json.JSONDecoder(parse_float=Decimal, parse_constant=codec._reject_constant)


def _standard(content: bytes) -> Any:
    return _STANDARD.decode(content.decode("utf-8"))


def _typed(value: Any) -> Any:
    """`value` with every leaf's type kept, so `Decimal("1") != 1` and `1.0` is caught."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    return (type(value).__name__, repr(value))


def _outcome(decode: Any, content: bytes) -> Any:
    try:
        return _typed(decode(content))
    except ValueError as error:
        return (type(error), str(error))


def _same_as_standard(content: bytes) -> None:
    assert _outcome(codec.decode, content) == _outcome(_standard, content)


_WHITESPACE = st.sampled_from(["", " ", "\n", "\t", "\r\n  "])
# Text that looks like numbers, exponents and delimiters, to fool a check that did not know
# where strings end.
_TEXT = st.text(alphabet=st.sampled_from(list('0123456789.eE+-,:[]{} "\\xé\u2028')), max_size=12)
_FLOAT_TOKENS = st.builds(
    lambda sign, whole, fraction, exponent: sign + whole + fraction + exponent,
    st.sampled_from(["", "-"]),
    st.sampled_from(["0", "7", "700", "12345678901234567890"]),
    st.sampled_from(["", ".0", ".10", ".000001", ".12345678901234567890"]),
    st.sampled_from(["", "e5", "E+2", "e-7", "E400"]),
).filter(lambda token: token.lstrip("-")[-1:].isdigit())
_INTEGERS = st.one_of(
    st.integers(),
    st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 10**30]),
)


def _scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["null", "true", "false"]),
        _INTEGERS.map(str),
        _FLOAT_TOKENS,
        _TEXT.map(lambda text: json.dumps(text, ensure_ascii=False)),
        _TEXT.map(json.dumps),
    )


def _document(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def joined(parts: list[str], space: str, opening: str, closing: str) -> str:
        return opening + space + ("," + space).join(parts) + space + closing

    members = st.tuples(_TEXT, children).map(lambda kv: json.dumps(kv[0]) + ":" + kv[1])
    return st.one_of(
        st.builds(joined, st.lists(children, max_size=4), _WHITESPACE, st.just("["), st.just("]")),
        st.builds(joined, st.lists(members, max_size=4), _WHITESPACE, st.just("{"), st.just("}")),
    )


_DOCUMENTS = st.recursive(_scalar(), _document, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(_DOCUMENTS, _WHITESPACE)
def test_any_document_is_read_as_the_standard_library_reads_it(text: str, space: str) -> None:
    _same_as_standard((space + text + space).encode())


@pytest.mark.parametrize(
    "content",
    [
        b'{"amount": 700.10}',
        b"[1e5]",
        b"[1E+5, 2]",
        b"[1.5e-3]",
        b"-0.0",
        b"18446744073709551615",
        b"18446744073709551616",
        b"-9223372036854775808",
        b"-9223372036854775809",
        b"[123456789012345678901234567890]",
        b'{"a": "700.0", "b": 1}',
        b'"\\ud800"',
        b'"\\ud83d\\ude00"',
        b"\xef\xbb\xbf{}",
        b'{"a": 1} x',
        b"NaN",
        b"[Infinity]",
        b'"\xff"',
        b'"\xed\xa0\x80"',
        b'"a\tb"',
        b"[1,]",
        b"",
        b'{"a": 1, "a": 2}',
    ],
)
def test_edge_cases_are_read_or_refused_as_the_standard_library_does(content: bytes) -> None:
    _same_as_standard(content)


def test_integers_past_64_bits_stay_exact() -> None:
    big = 2**64 + 1
    assert codec.decode(f'{{"id": {big}, "other": -{big}}}'.encode()) == {
        "id": big,
        "other": -big,
    }


def test_a_body_nested_past_the_recursion_limit_is_refused_as_not_json() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        codec.decode(b"[" * 100_000 + b"]" * 100_000)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_decimal_is_written_with_exactly_its_digits_and_no_exponent(value: Decimal) -> None:
    written = codec.encode([value])
    assert written == b"[" + format(value, "f").encode() + b"]"
    assert json.loads(written, parse_float=Decimal) == [value]


@pytest.mark.parametrize("text", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_a_decimal_that_is_no_number_is_refused(text: str) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        codec.encode({"amount": Decimal(text)})
