"""Which media type a response is written in, from the request's `Accept` header.

`application/graphql-response+json` is the GraphQL-over-HTTP spec's own type, under which
request errors get 4xx statuses; `application/json` is what older clients expect.
"""

from __future__ import annotations

import functools

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_SUPPORTED = (GRAPHQL_RESPONSE_JSON, JSON)


# Clients send the same few Accept headers over and over; parsing one cost 2% of a request.
@functools.lru_cache(maxsize=128)
def choose_media_type(accept: str | None) -> str | None:
    """The best supported type the client accepts; `None` when it accepts none of them."""
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept.split(",")):
        media_range, *params = (part.strip() for part in item.split(";"))
        quality = _quality(params)
        if quality <= 0:
            continue
        media_range = media_range.lower()
        if media_range in ("*/*", "application/*"):
            candidate = JSON  # the spec: a wildcard means plain JSON
        elif media_range in _SUPPORTED:
            candidate = media_range
        else:
            continue
        # Higher quality wins; at equal quality the client's order decides.
        key = (quality, -position, candidate)
        if best is None or key[:2] > best[:2]:
            best = key
    return None if best is None else best[2]


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
