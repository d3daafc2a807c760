"""Cursor pagination in the shape of the Relay connection specification.

Apollo Client's `relayStylePagination()` field policy pages through such a connection as it is.
"""

from __future__ import annotations

import strawberry


@strawberry.type(description="Where a page of a connection sits in the whole result.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether more items follow; fetch them with `after: endCursor`."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items precede this page (forward paging only: true after a cursor)."
    )
    start_cursor: str | None = strawberry.field(
        default=None, description="Cursor of the first edge; null when there are no edges."
    )
    end_cursor: str | None = strawberry.field(
        default=None,
        description="Cursor to pass as `after` for the next page; null when the page is empty.",
    )
