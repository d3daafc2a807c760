"""Rendering is compiled from the declarations: a type declared here alone is rendered with no
edit to the sandbox, its keys in declaration order and each value in its field's form."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from enum import Enum

import strawberry

from gateway.types.wire import Form, rest
from upstream_sandbox.formats import SAO_PAULO
from upstream_sandbox.render import Record, render, written_by


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Part:
    id: strawberry.ID
    label: str | None = None


@strawberry.type
class Widget:
    id: strawberry.ID
    name: str | None = None
    count: int | None = None
    active: bool | None = None
    price: Decimal | None = None
    weight: Decimal | None = strawberry.field(default=None, metadata=rest(form=Form.QUANTITY))
    made_on: dt.date | None = None
    month: dt.date | None = strawberry.field(default=None, metadata=rest(form=Form.DATE_ISO))
    stamped_at: dt.datetime | None = None
    colour: Colour | None = None
    owner_id: strawberry.ID | None = None
    part: Part | None = None
    parts: list[Part] | None = None


@strawberry.input
class WidgetInput:
    """What clients write: every field but `stamped_at`, which is the upstream's to set."""

    name: str | None = strawberry.UNSET
    count: int | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    price: Decimal | None = strawberry.UNSET
    weight: Decimal | None = strawberry.UNSET
    made_on: dt.date | None = strawberry.UNSET
    month: dt.date | None = strawberry.UNSET
    colour: Colour | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class PartInput:
    label: str | None = strawberry.UNSET


written_by(Widget, WidgetInput)
written_by(Part, PartInput)


def test_modelled_values_are_written_in_their_forms_in_declaration_order() -> None:
    values = {
        "id": 1,
        "name": "",
        "count": 2,
        "active": False,
        "price": Decimal("700"),
        "weight": Decimal("7.50"),
        "made_on": dt.date(2025, 6, 2),
        "month": dt.date(2025, 6, 1),
        "stamped_at": dt.datetime(2025, 5, 6, 8, 28, 35, tzinfo=SAO_PAULO),
        "colour": "red",
        "owner_id": 3,
        "part": Record({"id": 9}, {"label": "from the request"}),
        "parts": [Record({"id": 8, "label": "modelled"}, {"label": "ignored"})],
    }

    body = render(Widget, Record(values, {"name": "ignored", "count": "5"}))

    assert json.dumps(body) == json.dumps(
        {
            "id": 1,
            "name": "",
            "count": 2,
            "active": False,
            "price": "700.0",
            "weight": "7.5",
            "made_on": "02/06/2025",
            "month": "2025-06-01",
            "stamped_at": "06/05/2025 08:28:35 -03:00",
            "colour": "red",
            "owner_id": 3,
            "part": {"id": 9, "label": "from the request"},
            "parts": [{"id": 8, "label": "modelled"}],
        }
    )


def test_what_is_not_modelled_echoes_the_request_cast_like_its_column_or_is_null() -> None:
    raw = {
        "name": "",
        "count": "2",
        "active": "1",
        "price": "12.50",
        "weight": 3,
        "made_on": "2025-06-02",
        "stamped_at": "06/05/2025 08:28:35 -03:00",
        "colour": "red",
        "owner_id": "",
        "part": {"id": 1},
    }

    body = render(Widget, Record({"id": 1}, raw))

    # Empty text and ids are null; a timestamp no input writes is never echoed; a nested
    # object or list is only what the sandbox embeds, never the request's.
    assert json.dumps(body) == json.dumps(
        {
            "id": 1,
            "name": None,
            "count": 2,
            "active": True,
            "price": "12.5",
            "weight": "3.0",
            "made_on": "02/06/2025",
            "month": None,
            "stamped_at": None,
            "colour": "red",
            "owner_id": None,
        }
    )
    assert render(Widget, Record({"id": 1, "part": None, "parts": []}, {})) == {
        "id": 1,
        "name": None,
        "count": None,
        "active": False,
        "price": None,
        "weight": None,
        "made_on": None,
        "month": None,
        "stamped_at": None,
        "colour": None,
        "owner_id": None,
        "part": None,
        "parts": [],
    }


def test_a_key_no_input_writes_is_not_echoed_but_answered_as_its_default() -> None:
    @strawberry.type
    class Gauge:
        id: strawberry.ID
        reading: str | None = None
        broken: bool | None = None

    body = render(Gauge, Record({"id": 1}, {"reading": "sent", "broken": "true"}))

    assert body == {"id": 1, "reading": None, "broken": False}
