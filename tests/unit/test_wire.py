"""Declarations (`gateway.types.wire`): what a field's type implies, what `rest(...)` changes,
and that mapping and translation follow a declaration with nothing else to edit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import pytest
import strawberry

from gateway.rest.mapping import mapper
from gateway.rest.translate import Endpoint, writer
from gateway.types.base import Mapped
from gateway.types.invoice import CreateInvoiceInput, Invoice, UpdateInvoiceInput
from gateway.types.nested import ItemChange
from gateway.types.user_error import UserError
from gateway.types.wire import Form, rest, wire_fields


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Part(Mapped):
    id: strawberry.ID
    label: str | None = strawberry.field(default=None, metadata=rest("rotulo"))


@strawberry.type
class Gadget(Mapped):
    id: strawberry.ID
    made_on: dt.date | None = None
    made_at: dt.datetime | None = None
    price: Decimal | None = None
    weight: Decimal | None = strawberry.field(default=None, metadata=rest(form=Form.QUANTITY))
    colour: Colour | None = None
    parts: list[Part] | None = None
    main_part: Part | None = None
    note: str | None = strawberry.field(default=None, metadata=rest(aliases=("nota",)))
    old_colour: Colour | None = strawberry.field(default=None, metadata=rest(legacy={1: "red"}))


@strawberry.input
class PartChange(ItemChange):
    label: str | None = strawberry.field(default=strawberry.UNSET, metadata=rest("rotulo"))


@strawberry.input
class GadgetInput:
    owner_id: strawberry.ID
    made_on: dt.date | None = strawberry.UNSET
    month: dt.date | None = strawberry.field(
        default=strawberry.UNSET, metadata=rest(form=Form.MONTH)
    )
    supplier_id: strawberry.ID | None = strawberry.UNSET
    colour: Colour | None = strawberry.UNSET
    parts: list[PartChange] | None = strawberry.UNSET
    secret: str | None = strawberry.field(default=strawberry.UNSET, metadata=rest(sent=False))


def forms(cls: type) -> dict[str, Form]:
    return {field.attribute: field.form for field in wire_fields(cls)}


def test_a_type_implies_the_form_of_each_field_and_rest_overrides_it() -> None:
    assert forms(Gadget) == {
        "id": Form.ID,
        "made_on": Form.DATE_DMY_SLASH,
        "made_at": Form.TIMESTAMP,
        "price": Form.AMOUNT,
        "weight": Form.QUANTITY,
        "colour": Form.ENUM,
        "parts": Form.LIST,
        "main_part": Form.OBJECT,
        "note": Form.TEXT,
        "old_colour": Form.ENUM,
    }
    assert forms(GadgetInput)["made_on"] is Form.DATE_DMY_DASH
    assert forms(GadgetInput)["month"] is Form.MONTH
    assert forms(GadgetInput)["owner_id"] is Form.INTEGER_ID
    assert "problems" not in forms(Gadget)


def test_mapping_reads_each_field_under_its_declared_key_and_form() -> None:
    gadget = mapper(Gadget)(
        {
            "id": 7,
            "made_on": "02/06/2025",
            "made_at": "02/06/2025 10:00:00 -03:00",
            "price": "700.0",
            "weight": "7.50",
            "colour": "red",
            "parts": [{"id": 1, "rotulo": "porca"}],
            "main_part": {"rotulo": "sem id"},
            "nota": "from the alias",
            "old_colour": 1,
            "unknown": "ignored",
        }
    )
    assert gadget.id == "7"
    assert gadget.made_on == dt.date(2025, 6, 2)
    assert gadget.made_at == dt.datetime(2025, 6, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    assert (gadget.price, gadget.weight) == (Decimal("700.00"), Decimal("7.5"))
    assert str(gadget.price) == "700.00"
    assert gadget.colour is Colour.RED
    assert gadget.parts == [Part(id=strawberry.ID("1"), label="porca")]
    assert gadget.note == "from the alias"
    assert gadget.old_colour is Colour.RED  # as older responses wrote it
    # A nested object without an id costs only its field.
    assert gadget.main_part is None
    assert set(gadget.problems) == {"main_part"}


def test_translation_writes_each_field_under_its_declared_key_and_form() -> None:
    gadget = GadgetInput(
        owner_id=strawberry.ID("3"),
        made_on=dt.date(2025, 6, 2),
        month=dt.date(2025, 5, 1),
        supplier_id=strawberry.ID(""),
        colour=Colour.RED,
        parts=[PartChange(id=strawberry.ID("9"), destroy=True), PartChange(label="nova")],
        secret="never sent",
    )
    path, body = Endpoint(GadgetInput, "owners/{owner_id}/gadgets", "gadget").request(gadget)
    assert path == "owners/3/gadgets"
    assert body == {
        "gadget": {
            "made_on": "02-06-2025",
            "month": "05/2025",
            "supplier_id": None,  # the documented "" for no id
            "colour": "red",
            "parts": [{"id": 9, "_destroy": True}, {"rotulo": "nova"}],
        }
    }


def test_the_id_an_item_change_addresses_must_be_a_number() -> None:
    errors: list[object] = []
    writer(PartChange)(PartChange(id=strawberry.ID("")), ["input"], errors)  # type: ignore[arg-type]
    assert len(errors) == 1


def test_a_type_without_an_implied_form_must_declare_one() -> None:
    @strawberry.type
    class Odd:
        id: strawberry.ID
        blob: strawberry.scalars.JSON | None = None

    with pytest.raises(TypeError, match=r"declare one with rest\(form=\.\.\.\)"):
        wire_fields(Odd)


@pytest.mark.parametrize("cls", [Invoice, CreateInvoiceInput, UpdateInvoiceInput])
def test_every_field_of_the_invoice_types_resolves(cls: type) -> None:
    assert wire_fields(cls)


@strawberry.input
class Holder:
    kind: Colour
    id: strawberry.ID


@strawberry.input
class LoanInput:
    lender: Holder | None = strawberry.field(
        default=strawberry.UNSET, metadata=rest(form=Form.FLATTENED)
    )
    borrower: Holder | None = strawberry.field(
        default=strawberry.UNSET, metadata=rest("taker", form=Form.FLATTENED)
    )


def test_a_flattened_input_object_is_written_as_its_parents_prefixed_keys() -> None:
    write = writer(LoanInput)
    errors: list[UserError] = []
    loan = LoanInput(lender=Holder(kind=Colour.RED, id=strawberry.ID("4")))
    assert write(loan, ["input"], errors) == {"lender_kind": "red", "lender_id": 4}
    # A null clears each key; a bad value is reported at its path inside the object.
    loan = LoanInput(lender=None, borrower=Holder(kind=Colour.RED, id=strawberry.ID("x")))
    assert write(loan, ["input"], errors) == {
        "lender_kind": None,
        "lender_id": None,
        "taker_kind": "red",
    }
    assert [error.field for error in errors] == [["input", "borrower", "id"]]


def test_only_an_input_object_of_an_input_can_be_flattened() -> None:
    @strawberry.type
    class Flat:
        id: strawberry.ID
        part: Part | None = strawberry.field(default=None, metadata=rest(form=Form.FLATTENED))

    @strawberry.input
    class FlatInput:
        name: str | None = strawberry.field(default=None, metadata=rest(form=Form.FLATTENED))

    for cls in (Flat, FlatInput):
        with pytest.raises(TypeError, match="only an input object field of an input"):
            wire_fields(cls)
