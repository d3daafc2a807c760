"""Queries and mutations on service items, the account's catalogue.

Each read costs one upstream call (made once per request however many fields ask for it). A
blank name matches nothing and is answered without a call: the upstream refuses it with a
400, and no item can have one.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.operations.account_records import create_record, delete_record
from gateway.operations.user_errors import attempt, not_found
from gateway.rest.service_items import ServiceItemsAPI
from gateway.types.service_item import (
    CreateServiceItemInput,
    CreateServiceItemPayload,
    DeleteServiceItemInput,
    DeleteServiceItemPayload,
    ServiceItem,
    UpdateServiceItemInput,
    UpdateServiceItemPayload,
)

_NO_SERVICE_ITEM = not_found("id", "Service item not found.")


@strawberry.type
class ServiceItemQueries:
    @strawberry.field(
        description="The account's catalogue of services (`GET service_items`; one upstream call)."
    )
    async def service_items(self, info: Info) -> list[ServiceItem]:
        return await info.context.api(ServiceItemsAPI).list()

    @strawberry.field(
        description="The service item with exactly this name (`GET service_items/search?name=`; "
        "one upstream call); null when there is none, or for a blank name (without a call)."
    )
    async def service_item_by_name(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="Name of the service item.")],
    ) -> ServiceItem | None:
        return await info.context.api(ServiceItemsAPI).by_name(name)


@strawberry.type
class ServiceItemMutations:
    @strawberry.mutation(
        description="Create a service item (`POST service_items`, flat body); its name must not "
        "be another item's."
    )
    async def create_service_item(
        self,
        info: Info,
        input: Annotated[
            CreateServiceItemInput, strawberry.argument(description="The service item to create.")
        ],
    ) -> CreateServiceItemPayload:
        created, errors = await create_record(info, info.context.api(ServiceItemsAPI), input)
        return CreateServiceItemPayload(service_item=created, user_errors=errors)

    @strawberry.mutation(
        description="Change a service item (`PUT service_items/{id}`, flat body: the verb the "
        "official client was recorded using), sending only the fields given."
    )
    async def update_service_item(
        self,
        info: Info,
        input: Annotated[
            UpdateServiceItemInput,
            strawberry.argument(description="The service item and its changes."),
        ],
    ) -> UpdateServiceItemPayload:
        api = info.context.api(ServiceItemsAPI)
        updated, errors = await attempt(api.update(input), not_found=_NO_SERVICE_ITEM)
        return UpdateServiceItemPayload(service_item=updated, user_errors=errors)

    @strawberry.mutation(
        description="Delete a service item (`DELETE service_items/{id}`); refused while invoices "
        "or plans use it."
    )
    async def delete_service_item(
        self,
        info: Info,
        input: Annotated[
            DeleteServiceItemInput, strawberry.argument(description="The service item to delete.")
        ],
    ) -> DeleteServiceItemPayload:
        api = info.context.api(ServiceItemsAPI)
        deleted, errors = await delete_record(api, input, not_found=_NO_SERVICE_ITEM)
        return DeleteServiceItemPayload(deleted_service_item_id=deleted, user_errors=errors)
