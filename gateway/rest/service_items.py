"""The service item endpoints, as typed calls. There is no `GET service_items/{id}`."""

from __future__ import annotations

from gateway.rest.account_records import Records, RecordsAPI
from gateway.rest.session import UpstreamSession
from gateway.types.service_item import (
    CreateServiceItemInput,
    DeleteServiceItemInput,
    ServiceItem,
    UpdateServiceItemInput,
)

SERVICE_ITEMS = Records(
    ServiceItem,
    "service_item",
    "service_items",
    create=CreateServiceItemInput,
    update=UpdateServiceItemInput,
    delete=DeleteServiceItemInput,
    # The docs say PATCH; the official client sends PUT, the only verb recorded.
    update_method="PUT",
)


class ServiceItemsAPI(RecordsAPI[ServiceItem, CreateServiceItemInput, UpdateServiceItemInput]):
    """Reads answer `None` (or nothing) for what does not exist; writes raise as
    `OrganizationsAPI`'s do."""

    def __init__(self, session: UpstreamSession) -> None:
        super().__init__(session, SERVICE_ITEMS)

    async def list(self) -> list[ServiceItem]:
        """`GET service_items`: the whole catalogue."""
        return await SERVICE_ITEMS.all(self._session)

    async def by_name(self, name: str) -> ServiceItem | None:
        """`GET service_items/search?name=`: the item with exactly this name; `None` when
        there is none, which the upstream answers with a 404."""
        return await SERVICE_ITEMS.find(self._session, {"name": name})
