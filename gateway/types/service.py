"""Services: the billed lines of an invoice."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from gateway.types.base import Mapped
from gateway.types.nested import ItemChange
from gateway.types.wire import Form, rest


@strawberry.input(description="One service line of a new invoice.")
class ServiceInput:
    service_item_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Id of the service item (catalogue entry)."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Description of the service."
    )
    units: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Quantity of units."
    )
    unit_value: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Price of one unit."
    )
    value: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Total amount of the line."
    )


@strawberry.input(
    description="A service line in an invoice update: with `id` it changes or removes (`destroy`) "
    "that line; without, it adds a new one."
)
class ServiceUpdateInput(ItemChange, ServiceInput):
    pass


@strawberry.type(description="A service line of an invoice.")
class Service(Mapped):
    id: strawberry.ID = strawberry.field(description="Service line id.")
    name: str | None = strawberry.field(default=None, description="Name of the service.")
    description: str | None = strawberry.field(
        default=None, description="Description of the service."
    )
    unit_value: Decimal | None = strawberry.field(default=None, description="Price of one unit.")
    units: Decimal | None = strawberry.field(
        default=None, description="Quantity of units.", metadata=rest(form=Form.QUANTITY)
    )
    value: Decimal | None = strawberry.field(default=None, description="Total amount of the line.")
