"""JSON for upstream bodies, exact for decimals in both directions.

Outgoing amounts are `Decimal`s written as JSON numbers with exactly their digits (orjson's
`Fragment` embeds the text as-is); incoming numbers are read as `Decimal`, never as floats.

Decoding is the larger cost (a 215 KB page: 3 ms with the standard library, 1 ms with orjson),
so orjson reads every body it would read exactly: one without a float token and without an
integer past 64 bits, the only tokens orjson turns into floats. The upstream writes its
amounts as strings, so that is nearly every body. The check may suspect a body wrongly (a
string such as `"1e5,"`): the standard parser then reads it, as it reads every body orjson
refuses, so errors keep the standard library's wording.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import orjson


def _encode_default(value: object) -> orjson.Fragment:
    if isinstance(value, Decimal) and value.is_finite():
        return orjson.Fragment(format(value, "f"))
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def encode(value: object) -> bytes:
    return orjson.dumps(value, default=_encode_default)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


# Made once: `json.loads` with options builds a new decoder on every call.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)

# A number token ends at a delimiter (`,`, `}`, `]`, whitespace, the end), where a string's
# digits end at a quote: so a float with a fraction and no exponent is a `.`, digits and a
# delimiter. Starting at the rare `.` keeps the search a fast literal scan.
_FRACTION = re.compile(rb"\.[0-9]+(?:[,}\] \t\n\r]|\Z)")

# An exponent always follows a digit, and an integer past 64 bits has at least 19 digits
# (-9223372036854775809); in a copy with every digit `0` and `E` as `e`, both are plain
# substring searches (a regular expression trying every `e` of the text costs more than the
# parse saves). Hexadecimal strings and long numbers in text are suspected wrongly: those
# bodies are parsed by the standard library, exactly as before.
_DIGITS_AND_E = bytes.maketrans(b"123456789E", b"000000000e")
_EXPONENT = b"0e"
_LONG_INTEGER = b"0" * 19


def _orjson_is_exact(content: bytes) -> bool:
    if _FRACTION.search(content):
        return False
    classes = content.translate(_DIGITS_AND_E)
    return _EXPONENT not in classes and _LONG_INTEGER not in classes


def decode(content: bytes) -> object:
    """Parse JSON with exact decimals; raise `ValueError` for anything that is not JSON
    (invalid UTF-8 included: `UnicodeDecodeError` is a `ValueError`)."""
    if _orjson_is_exact(content):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass  # the standard library says what is wrong, in its words
    return _DECODER.decode(content.decode("utf-8"))
