"""Cursor pagination over page-numbered upstream results, as pure functions."""

from __future__ import annotations

import base64

import pytest

from gateway.errors import InvalidPageRequest
from gateway.rest.envelopes import SearchPage
from gateway.rest.pagination import (
    DEFAULT_FIRST,
    MAX_FIRST,
    Cursor,
    Slice,
    Window,
    cut,
    decode_cursor,
    encode_cursor,
    window,
)


def upstream(rows: list[str], size: int) -> dict[int, SearchPage[str]]:
    """The upstream's pages of `size` rows (rows are invoice ids)."""
    total = -(-len(rows) // size)
    return {
        number: SearchPage(
            number=number,
            size=size,
            total_pages=total,
            items=rows[(number - 1) * size : number * size],
        )
        for number in range(1, total + 2)
    }


def serve(rows: list[str], first: int, after: str | None) -> tuple[list[str], Slice[str], int]:
    """One answer: the ids served, the slice, and how many upstream pages it read."""
    asked = window(first, after)
    pages = upstream(rows, asked.size)
    fetched = [pages.get(n, SearchPage(n, asked.size, None, [])) for n in asked.pages]
    found = cut(asked, fetched, lambda item: item)
    return [item for _, item in found.edges], found, len(asked.pages)


def walk(rows: list[str], sizes: list[int]) -> tuple[list[str], list[int]]:
    """Every id served while paging with the given `first`s (the last one repeated)."""
    served: list[str] = []
    calls: list[int] = []
    after = None
    for turn in range(len(rows) + 2):
        ids, found, pages = serve(rows, sizes[min(turn, len(sizes) - 1)], after)
        served += ids
        calls.append(pages)
        assert (
            found.end_cursor is None
            or found.edges == []
            or (found.end_cursor == found.edges[-1][0])
        )
        if not found.has_next_page:
            return served, calls
        after = found.end_cursor
    raise AssertionError("the walk did not end")


def test_cursors_round_trip_and_are_opaque() -> None:
    cursor = Cursor(offset=14, last_id="61")
    text = encode_cursor(cursor)
    assert decode_cursor(text) == cursor
    assert "61" not in text
    assert "14" not in text
    assert decode_cursor(encode_cursor(Cursor(0))) == Cursor(0)


@pytest.mark.parametrize(
    "text",
    ["", "garbage", "djE6LTE6NQ", base64.urlsafe_b64encode(b"v2:3:5").decode(), "\u00e9\u00e9"],
)
def test_a_cursor_this_api_did_not_issue_is_a_bad_request(text: str) -> None:
    with pytest.raises(InvalidPageRequest) as raised:
        window(10, text)
    assert raised.value.code == "BAD_USER_INPUT"
    assert "after" in raised.value.message


def test_first_defaults_to_50_is_capped_at_100_and_must_be_positive() -> None:
    assert window(None, None) == Window(offset=0, size=DEFAULT_FIRST) == Window(0, 50)
    assert window(500, None).size == MAX_FIRST == 100
    assert window(1, None).size == 1
    for bad in (0, -3):
        with pytest.raises(InvalidPageRequest, match="first"):
            window(bad, None)


@pytest.mark.parametrize(
    ("offset", "size", "pages"),
    [(0, 7, (1,)), (7, 7, (2,)), (21, 7, (4,)), (3, 7, (1, 2)), (10, 4, (3, 4)), (99, 100, (1, 2))],
)
def test_any_window_lies_in_at_most_two_upstream_pages(
    offset: int, size: int, pages: tuple[int, ...]
) -> None:
    assert Window(offset, size).pages == pages


def test_walking_23_rows_seven_at_a_time_serves_each_once_in_order_one_page_per_answer() -> None:
    rows = [str(n) for n in range(1, 24)]
    served, calls = walk(rows, [7])
    assert served == rows
    assert calls == [1, 1, 1, 1]


@pytest.mark.parametrize("sizes", [[5, 7, 3, 11], [1, 100], [9, 2, 2, 4, 8], [23], [22], [24]])
def test_changing_first_midway_still_serves_each_row_once_with_at_most_two_pages(
    sizes: list[int],
) -> None:
    rows = [str(n) for n in range(100, 123)]
    served, calls = walk(rows, sizes)
    assert served == rows
    assert max(calls) <= 2


def test_a_row_repeated_across_the_page_boundary_is_served_once() -> None:
    # Invoice 7 straddles the boundary of pages of 7, as a joined row does.
    rows = [str(n) for n in range(1, 8)] + ["7"] + [str(n) for n in range(8, 24)]
    served, _ = walk(rows, [7])
    assert served == [str(n) for n in range(1, 24)]


def test_a_row_repeated_within_one_answer_is_served_once_and_not_again_after_its_cursor() -> None:
    rows = ["1", "2", "2", "3", "4", "5"]
    ids, found, _ = serve(rows, 4, None)
    assert ids == ["1", "2", "3"]
    assert decode_cursor(found.edges[1][0]) == Cursor(offset=3, last_id="2")
    assert found.has_next_page is True
    rest, _, _ = serve(rows, 4, found.end_cursor)
    assert rest == ["4", "5"]


def test_an_answer_of_repeats_only_still_moves_on() -> None:
    rows = ["1", "2", "2", "2", "3"]
    first, found, _ = serve(rows, 2, None)
    assert first == ["1", "2"]
    middle, found, _ = serve(rows, 2, found.end_cursor)
    assert middle == []
    assert found.has_next_page is True
    assert decode_cursor(found.end_cursor or "") == Cursor(offset=4, last_id="2")
    last, found, _ = serve(rows, 2, found.end_cursor)
    assert last == ["3"]
    assert found.has_next_page is False


def test_page_info_at_the_edges() -> None:
    rows = [str(n) for n in range(1, 15)]
    ids, found, _ = serve(rows, 7, None)
    assert (found.has_previous_page, found.has_next_page) == (False, True)
    assert found.start_cursor == found.edges[0][0]
    assert found.total_pages == 2
    ids, found, _ = serve(rows, 7, found.end_cursor)
    assert ids == rows[7:]
    assert (found.has_previous_page, found.has_next_page) == (True, False)
    beyond, found, _ = serve(rows, 7, encode_cursor(Cursor(offset=14, last_id="14")))
    assert beyond == []
    assert (found.end_cursor, found.start_cursor, found.has_next_page) == (None, None, False)


def test_without_total_pages_a_full_page_suggests_more() -> None:
    asked = window(2, None)
    full = cut(asked, [SearchPage(1, 2, None, ["a", "b"])], lambda item: item)
    short = cut(asked, [SearchPage(1, 2, None, ["a"])], lambda item: item)
    assert (full.has_next_page, full.total_pages) == (True, None)
    assert short.has_next_page is False


def test_an_unaligned_window_knows_whether_a_row_follows_from_the_second_page() -> None:
    asked = Window(offset=3, size=4)
    more = cut(
        asked,
        [SearchPage(1, 4, 3, ["1", "2", "3", "4"]), SearchPage(2, 4, 3, ["5", "6", "7", "8"])],
        lambda item: item,
    )
    assert [item for _, item in more.edges] == ["4", "5", "6", "7"]
    assert more.has_next_page is True
    ends = cut(
        asked,
        [SearchPage(1, 4, 2, ["1", "2", "3", "4"]), SearchPage(2, 4, 2, ["5", "6", "7"])],
        lambda item: item,
    )
    assert [item for _, item in ends.edges] == ["4", "5", "6", "7"]
    assert ends.has_next_page is False
