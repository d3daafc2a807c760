"""Service items: the account's catalogue of billable services."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.base import Mapped
from gateway.types.user_error import UserError


@strawberry.type(
    description="A billable service of the account's catalogue, which invoice and invoice-rule "
    "service lines name by `serviceItemId`."
)
class ServiceItem(Mapped):
    id: strawberry.ID = strawberry.field(description="Service item id.")
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Account (the tenant of the token) the item is of."
    )
    name: str | None = strawberry.field(default=None, description="Name, unique in the account.")
    description: str | None = strawberry.field(default=None, description="Description.")
    value: Decimal | None = strawberry.field(default=None, description="Unit price.")
    unit: str | None = strawberry.field(
        default=None,
        description="Unit of measure; `item` is the only value seen (a string rather than an "
        "enum: the upstream documents no set of values).",
    )


@strawberry.input(description="The service item fields a client writes, on creation and update.")
class ServiceItemFieldsInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Name; never blank, unique in the account."
    )
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Description.")
    value: Decimal | None = strawberry.field(default=strawberry.UNSET, description="Unit price.")


@strawberry.input(description="A new service item.")
class CreateServiceItemInput(ServiceItemFieldsInput):
    name: str = strawberry.field(description="Name. Required; unique in the account.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="Addresses one service item.")
class ServiceItemReference:
    id: strawberry.ID = strawberry.field(description="Service item id.")


@strawberry.input(
    description="Changes to a service item. Only the fields given are sent; a field given as "
    "null is cleared."
)
class UpdateServiceItemInput(ServiceItemReference, ServiceItemFieldsInput):
    pass


@strawberry.input(description="The service item to delete; refused while invoices or plans use it.")
class DeleteServiceItemInput(ServiceItemReference):
    pass


@strawberry.type(description="Result of a change to one service item.")
class ServiceItemChangePayload:
    service_item: ServiceItem | None = strawberry.field(
        default=None,
        description="The service item after the change; null when there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty when the change was made."
    )


@strawberry.type(description="Result of `createServiceItem`.")
class CreateServiceItemPayload(ServiceItemChangePayload):
    pass


@strawberry.type(description="Result of `updateServiceItem`.")
class UpdateServiceItemPayload(ServiceItemChangePayload):
    pass


@strawberry.type(description="Result of `deleteServiceItem`.")
class DeleteServiceItemPayload:
    deleted_service_item_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Id of the deleted service item, to evict it from client caches; null when "
        "there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the service item was deleted.",
    )
