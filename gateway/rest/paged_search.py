"""The upstream's paginated searches (invoices, NFS-e) read for one cursor window.

What to read is `gateway.rest.pagination`'s (pure); this module makes the reads: one or two
pages through the request's session, answered as the window's `Slice`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from gateway.errors import UpstreamNotFound
from gateway.rest import envelopes, pagination
from gateway.rest.session import Read, UpstreamSession
from gateway.upstream import codec

T = TypeVar("T")


async def read_window(
    session: UpstreamSession,
    path: str | None,
    params: Callable[[int, int], Mapping[str, str]],
    key: str,
    build: envelopes.Build[T],
    id_of: Callable[[T], str],
    *,
    first: int | None,
    after: str | None,
    decode: Callable[[bytes], object] = codec.decode,
) -> pagination.Slice[T]:
    """`GET path` for the pages the window names, `params(page, per_page)` each.

    Raises `InvalidPageRequest` for a `first` or `after` that names no page. No path (an
    unknown parent), a criterion no row can meet (`params` raising `ValueError`) and a 404
    are an empty result. `decode` reads each page's body (see `wire_objects.page_decoder`).
    """
    window = pagination.window(first, after)
    if path is None:
        return pagination.nothing(window)
    try:
        reads = [Read.of(path, params(page, window.size), decode) for page in window.pages]
    except ValueError:
        return pagination.nothing(window)
    try:
        responses = await session.read_many(reads)
    except UpstreamNotFound:
        return pagination.nothing(window)
    pages = [
        envelopes.search_page(response, key, build, number=page, size=window.size)
        for page, response in zip(window.pages, responses, strict=True)
    ]
    return pagination.cut(window, pages, id_of)
