"""JSON for upstream bodies, exact for decimals in both directions.

Outgoing amounts are `Decimal`s written as JSON numbers with exactly their digits (orjson's
`Fragment` embeds the text as-is); incoming numbers are read as `Decimal`, never as floats.
"""

from __future__ import annotations

import json
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


def decode(content: bytes) -> object:
    """Parse JSON with exact decimals; raise `ValueError` for anything that is not JSON
    (invalid UTF-8 included: `UnicodeDecodeError` is a `ValueError`)."""
    return _DECODER.decode(content.decode("utf-8"))
