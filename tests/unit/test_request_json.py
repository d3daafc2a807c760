"""`decode_json` reads every request body exactly as the standard library with
`parse_float=Decimal` does, whichever parser reads it: the same values of the same types,
the same errors, and the same refusals of what Python cannot hold."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings

from gateway.errors import MalformedRequest
from gateway.http.request import decode_json
from tests.unit.test_codec import _DOCUMENTS, _WHITESPACE, _typed

_STANDARD = json.JSONDecoder(parse_float=Decimal)


def standard(data: bytes | str) -> Any:
    return _STANDARD.decode(data if isinstance(data, str) else data.decode("utf-8-sig"))


def outcome(decode: Any, data: bytes | str) -> Any:
    try:
        return _typed(decode(data))
    except MalformedRequest as error:
        return ("refused", error.code)
    except RecursionError:
        return ("refused", "JSON_TOO_DEEP")
    except ValueError as error:
        return (type(error), str(error))


def same(data: bytes | str) -> None:
    assert outcome(decode_json, data) == outcome(standard, data)


@settings(max_examples=400, deadline=None)
@given(_DOCUMENTS, _WHITESPACE)
def test_any_body_is_read_as_the_standard_library_reads_it(text: str, space: str) -> None:
    same((space + text + space).encode())
    same(space + text + space)


@pytest.mark.parametrize(
    "data",
    [
        b'{"variables": {"value": 700.10}}',
        b"\xef\xbb\xbf{}",
        b"[NaN, Infinity, -Infinity]",
        b"[" + b"9" * 5000 + b"]",
        b"[1e400]",
        b'{"a": 1, "a": 2}',
        b'"\\u2028"',
        b"[" * 5000 + b"]" * 5000,
        b'{"a": "x\\ty"}',
        b"",
    ],
)
def test_edge_cases_are_read_or_refused_as_before(data: bytes) -> None:
    same(data)


def test_a_lone_surrogate_is_refused_with_its_path() -> None:
    with pytest.raises(MalformedRequest, match=r"surrogate in `variables\.name`"):
        decode_json(b'{"name": "\\ud800"}', name="variables")
