"""Cursor pagination over the upstream's page-numbered searches (invoices, NFS-e). Pure
functions.

A cursor is a position in the upstream's result: the offset of the next row and the id of the
last item served. A request for `first` items after a cursor is served from upstream pages of
exactly `first` rows: the `first` rows from any offset lie in at most two such pages, and in
one when the offset is a multiple of `first` (always, while a client keeps its `first`).

The upstream has been seen to repeat an invoice across pages. Within one answer every item
appears once; across answers the cursor's id drops the repeat of the last item served, which
is where a repeated row lands (a joined row, or a row pushed over the page boundary by a new
item).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from gateway.errors import InvalidPageRequest
from gateway.rest.envelopes import SearchPage
from gateway.types.connection import PageInfo

T = TypeVar("T")

DEFAULT_FIRST = 50
MAX_FIRST = 100  # the upstream's largest `per_page`

_CURSOR_PREFIX = "v1:"
_CURSOR = re.compile(r"v1:(?P<offset>\d{1,12}):(?P<last_id>.*)", re.DOTALL)


@dataclass(frozen=True)
class Cursor:
    offset: int
    last_id: str | None = None


_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def encode_cursor(cursor: Cursor) -> str:
    return _cursor(cursor.offset, cursor.last_id)


def _cursor(offset: int, last_id: str | None) -> str:
    # Once per edge: no `Cursor` (a frozen dataclass is slow to make), and
    # `base64.urlsafe_b64encode` without its two Python-level wrappers.
    text = f"{_CURSOR_PREFIX}{offset}:{last_id or ''}"
    encoded = binascii.b2a_base64(text.encode(), newline=False).translate(_URL_SAFE)
    return encoded.decode().rstrip("=")


def decode_cursor(value: str) -> Cursor:
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    match = _CURSOR.fullmatch(text)
    if match is None:
        raise InvalidPageRequest("`after` is not a cursor this API issued.")
    return Cursor(int(match["offset"]), match["last_id"] or None)


@dataclass(frozen=True)
class Window:
    """The rows one answer covers: `size` rows from `offset`."""

    offset: int
    size: int
    last_id: str | None = None

    @property
    def pages(self) -> tuple[int, ...]:
        """The upstream pages (1-based, of `size` rows) holding the window."""
        first = self.offset // self.size + 1
        return (first,) if self.offset % self.size == 0 else (first, first + 1)


def window(first: int | None, after: str | None) -> Window:
    size = DEFAULT_FIRST if first is None else first
    if size < 1:
        raise InvalidPageRequest("`first` must be at least 1.")
    cursor = Cursor(0) if after is None else decode_cursor(after)
    return Window(offset=cursor.offset, size=min(size, MAX_FIRST), last_id=cursor.last_id)


@dataclass(frozen=True)
class Slice(Generic[T]):
    """The answer for one window: each item with its cursor, and where the window sits."""

    edges: list[tuple[str, T]]
    has_next_page: bool
    has_previous_page: bool
    end_cursor: str | None
    total_pages: int | None

    @property
    def start_cursor(self) -> str | None:
        return self.edges[0][0] if self.edges else None

    @property
    def page_info(self) -> PageInfo:
        return PageInfo(
            has_next_page=self.has_next_page,
            has_previous_page=self.has_previous_page,
            start_cursor=self.start_cursor,
            end_cursor=self.end_cursor,
        )


def nothing(window: Window) -> Slice[T]:
    """The answer for a search no row can match (an unknown parent, an id that is no number)."""
    return Slice(
        edges=[],
        has_next_page=False,
        has_previous_page=window.offset > 0,
        end_cursor=None,
        total_pages=0,
    )


def cut(window: Window, pages: Sequence[SearchPage[T]], id_of: Callable[[T], str]) -> Slice[T]:
    """The window's items out of the pages `window.pages` named, repeats dropped."""
    skip = window.offset % window.size
    head, *tail = pages
    rows = list(head.items[skip : window.size])
    rows += [item for page in tail for item in page.items[:skip]]
    ids = list(map(id_of, rows))
    distinct = set(ids)
    if len(distinct) == len(ids) and window.last_id not in distinct:
        # No repeats, the usual answer: each item resumes right after itself.
        offsets = range(window.offset + 1, window.offset + len(rows) + 1)
        edges = list(zip(map(_cursor, offsets, ids), rows, strict=True))
    else:
        edges = _without_repeats(window, rows, ids)
    end_cursor = None
    if edges:
        end_cursor = edges[-1][0]
    elif rows:
        # Every row was a repeat: move past them, still remembering the last item served.
        end_cursor = encode_cursor(Cursor(window.offset + len(rows), window.last_id))
    total_pages = next((p.total_pages for p in pages if p.total_pages is not None), None)
    return Slice(
        edges=edges,
        has_next_page=_has_next_page(window, pages, total_pages),
        has_previous_page=window.offset > 0,
        end_cursor=end_cursor,
        total_pages=total_pages,
    )


def _without_repeats(window: Window, rows: list[T], ids: list[str]) -> list[tuple[str, T]]:
    """Each item's first appearance, with its cursor."""
    seen = {window.last_id} if window.last_id is not None else set()
    kept: list[tuple[str, T]] = []
    # Per kept item: the offset after it and after the repeats that follow it, since resuming
    # after that item must not serve those repeats either.
    resume_at: list[int] = []
    for index, (item_id, item) in enumerate(zip(ids, rows, strict=True)):
        if item_id not in seen:
            seen.add(item_id)
            kept.append((item_id, item))
            resume_at.append(0)
        if resume_at:
            resume_at[-1] = window.offset + index + 1
    return [
        (_cursor(offset, item_id), item)
        for offset, (item_id, item) in zip(resume_at, kept, strict=True)
    ]


def _has_next_page(window: Window, pages: Sequence[SearchPage[T]], total_pages: int | None) -> bool:
    """Whether a row exists right after the window."""
    next_row = window.offset + window.size
    holding = next_row // window.size + 1
    position = next_row % window.size
    for page in pages:
        if page.number == holding:
            return len(page.items) > position
    # The window ends on a page boundary, so the next row opens the next page.
    last = pages[-1]
    if total_pages is not None:
        return last.number < total_pages
    return len(last.items) >= window.size
