"""One request answered as it should before any load: a benchmark of failures is worthless."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def sample(url: str, body: bytes, *, expected_status: int, items: int) -> str | None:
    """`None` when `body` posted to `url` gets a complete invoice with `items` items, else why."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": "Token token=bench",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        return f"no answer: {error}"
    if status != expected_status:
        return f"status {status} instead of {expected_status}: {raw[:300]!r}"
    try:
        answer: Any = json.loads(raw)
    except ValueError:
        return f"not JSON: {raw[:300]!r}"
    if "errors" in answer:
        return f"errors in the answer: {json.dumps(answer['errors'])[:300]}"
    if "data" in answer:
        payload = answer["data"]["createInvoice"]
        if payload["userErrors"]:
            return f"userErrors: {json.dumps(payload['userErrors'])[:300]}"
        invoice = payload["invoice"]
    else:
        invoice = answer.get("invoice")
    if not isinstance(invoice, dict) or invoice.get("id") is None:
        return f"no invoice in the answer: {raw[:300]!r}"
    counts = (len(invoice.get("receivables") or []), len(invoice.get("services") or []))
    if counts != (items, items):
        return f"{counts[0]} receivables and {counts[1]} services instead of {items} each"
    return None
