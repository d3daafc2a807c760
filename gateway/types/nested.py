"""What a nested item of an invoice update adds to its creation fields: which item it is."""

from __future__ import annotations

import strawberry

from gateway.types.wire import rest


@strawberry.input(
    description="Picks the existing nested item of an invoice that an update changes."
)
class ItemChange:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Id of the existing item to change or remove; leave it out to add a new item.",
    )
    destroy: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="`true` removes the item with this `id` (the REST `_destroy`).",
        metadata=rest("_destroy"),
    )
