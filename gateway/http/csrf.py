"""Cross-site request forgery protection for requests a browser sends without a preflight.

A browser sends GET, and POST with a "simple" content type, to any site without asking it
first (no CORS preflight). Such a request from another site is refused unless it carries a
header that only a preflighted request can have (`apollo-require-preflight`,
`x-apollo-operation-name`), as Apollo Server does. JSON POSTs are never simple, so ordinary
clients are unaffected; non-browser clients send neither `Origin` nor `Sec-Fetch-Site`.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers

SIMPLE_CONTENT_TYPES = frozenset(
    {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")


def is_forgery_risk(
    *, method: str, headers: Headers, own_origin: str, allowed_origins: Collection[str]
) -> bool:
    if method == "POST":
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and content_type not in SIMPLE_CONTENT_TYPES:
            return False  # a browser preflights this, and CORS decides
    elif method != "GET":
        return False
    if any(headers.get(name) for name in PREFLIGHT_HEADERS):
        return False
    origin = headers.get("origin")
    if origin is not None:
        return origin != own_origin and origin not in allowed_origins
    return headers.get("sec-fetch-site") in ("cross-site", "same-site")
