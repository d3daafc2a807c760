"""The upstream's response envelopes (`{"invoice": ...}`, `{"invoices": [...]}`, the search
page) unwrapped into GraphQL types. Pure functions.

The objects inside are mapped as leniently as ever (see `gateway.rest.mapping`); only an
envelope without its object, or an object without an `id`, is an unreadable answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from gateway.errors import MissingId, UpstreamBadResponse
from gateway.rest.values import Fields
from gateway.upstream.client import UpstreamResponse

T = TypeVar("T")
Build = Callable[[Mapping[str, object]], T]


@dataclass(frozen=True)
class SearchPage(Generic[T]):
    """One page of a paginated search, as asked for and as answered."""

    number: int
    size: int
    total_pages: int | None
    items: list[T]


def one(response: UpstreamResponse, key: str, build: Build[T]) -> T:
    """The object under `key`, e.g. `{"invoice": {...}}`."""
    raw = _envelope(response).get(key)
    if not isinstance(raw, Mapping):
        raise unexpected(response, f"without {_a(key)} object")
    return _built(response, key, raw, build)


def many(response: UpstreamResponse, key: str, build: Build[T]) -> list[T]:
    """The objects listed under `key`, e.g. `{"invoices": [...]}`."""
    items = _envelope(response).get(key)
    if not isinstance(items, list):
        raise unexpected(response, f"without a list of {key}")
    singular = key.removesuffix("s")
    # Each class once, not each item: a page holds a hundred objects of one class.
    if not all(kind is dict or issubclass(kind, Mapping) for kind in set(map(type, items))):
        raise unexpected(response, f"with {key} that are not objects")
    try:
        return [build(item) for item in items]
    except MissingId as error:
        raise unexpected(response, f"with {_a(singular)} that has no id") from error


def search_page(
    response: UpstreamResponse, key: str, build: Build[T], *, number: int, size: int
) -> SearchPage[T]:
    """`{"page", "per_page", "total_pages", key: [...]}`, for the page asked for."""
    fields = Fields(_envelope(response))
    # Positions are computed from the page size asked for: an answer for another page or
    # another size would silently skip or repeat invoices.
    for name, asked in (("page", number), ("per_page", size)):
        answered = fields.integer(name)
        if answered is not None and answered != asked:
            raise unexpected(response, f"with {name} {answered} where {asked} was asked for")
    return SearchPage(
        number=number,
        size=size,
        total_pages=fields.integer("total_pages"),
        items=many(response, key, build),
    )


def unexpected(response: UpstreamResponse, what: str) -> UpstreamBadResponse:
    created = " The invoice was created." if response.status == 201 else ""
    return UpstreamBadResponse(
        f"The upstream API answered {response.status} {what}.{created}",
        status=response.status,
        request_id=response.request_id,
    )


def _envelope(response: UpstreamResponse) -> Mapping[str, object]:
    data = response.data
    return data if isinstance(data, Mapping) else {}


def _built(response: UpstreamResponse, what: str, raw: Mapping[str, object], build: Build[T]) -> T:
    try:
        return build(raw)
    except MissingId as error:
        raise unexpected(response, f"with {_a(what)} that has no id") from error


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun
