"""The product's signature: HMAC-SHA1, lowercase hex, over the request id followed directly
by the raw body (RESOURCES.md, "Webhooks", from the vendor client's `Signature#check?`)."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, request_id: str, body: bytes) -> str:
    """The signature the product sends for `body` under `request_id` (40 lowercase hex)."""
    message = _header_bytes(request_id) + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha1).hexdigest()


def verify(secret: str, request_id: str, body: bytes, signature: str) -> bool:
    """Whether `signature` is the secret's, compared in constant time."""
    expected = sign(secret, request_id, body).encode("ascii")
    # Header values are Latin-1 text: any of them encodes, and a wrong one compares unequal.
    return hmac.compare_digest(expected, signature.encode("latin-1", errors="replace"))


def _header_bytes(value: str) -> bytes:
    # Servers decode header bytes as Latin-1: encoding back gives the bytes that were signed.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")
