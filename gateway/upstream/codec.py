"""JSON for upstream bodies, exact for decimals in both directions.

Outgoing amounts are `Decimal`s written as JSON numbers with exactly their digits (orjson's
`Fragment` embeds the text as-is); incoming numbers are read as `Decimal`, never as floats.

Decoding is the larger cost (a 215 KB page: about 3 ms with the standard library), so msgspec
reads bodies, with its `float_hook` making every number with a fraction or an exponent a
`Decimal` from its own digits and integers exact at any size: the standard library's values,
at orjson's speed, with no guessing which bodies are safe. A body msgspec refuses goes to the
standard parser, so errors keep the standard library's wording (and a lone surrogate escape,
which msgspec refuses, reads as before).

`typed_decoder(shape)` decodes into a msgspec type where the body has its shape, and as
`decode` does where it has not; `encode` writes such structs as objects of their fields.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import msgspec
import orjson


def _encode_default(value: object) -> orjson.Fragment | dict[str, object]:
    if isinstance(value, Decimal) and value.is_finite():
        # `str` writes the plain digits unless it would write an exponent, and costs much less
        # than `format(value, "f")`: this runs once per amount of every item.
        text = str(value)
        return orjson.Fragment(format(value, "f") if "E" in text else text)
    if isinstance(value, msgspec.Struct):  # a typed decoder's answer: its fields, as read
        return {key: getattr(value, key) for key in value.__struct_fields__}
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def encode(value: object) -> bytes:
    return orjson.dumps(value, default=_encode_default)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


# Made once: `json.loads` with options builds a new decoder on every call.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)

_EXACT = msgspec.json.Decoder(float_hook=Decimal)


def decode(content: bytes) -> object:
    """Parse JSON with exact decimals; raise `ValueError` for anything that is not JSON
    (invalid UTF-8 included: `UnicodeDecodeError` is a `ValueError`), nested too deeply
    included."""
    try:
        try:
            return _EXACT.decode(content)
        except msgspec.DecodeError:
            pass  # the standard library says what is wrong, in its words
        return _DECODER.decode(content.decode("utf-8"))
    except RecursionError:
        raise ValueError("The JSON is nested too deeply.") from None


def typed_decoder(shape: type) -> Callable[[bytes], object]:
    """`decode`, trying `shape` (a msgspec type, its values read as `decode` reads them)
    first: a body of another shape, or no JSON at all, is then read by `decode`."""
    exact: msgspec.json.Decoder[object] = msgspec.json.Decoder(shape, float_hook=Decimal)

    def decode_typed(content: bytes) -> object:
        try:
            return exact.decode(content)
        except (msgspec.DecodeError, RecursionError):  # ValidationError is a DecodeError
            return decode(content)

    return decode_typed
