"""The organization endpoints, as typed calls.

There is no `GET organizations/{id}`: one organization is found in the list, which the
request's read loader fetches once however many fields ask for it.
"""

from __future__ import annotations

from gateway.rest.account_records import Records, RecordsAPI
from gateway.rest.session import UpstreamSession
from gateway.rest.writer import integer_id
from gateway.types.organization import (
    CreateOrganizationInput,
    DeleteOrganizationInput,
    Organization,
    UpdateOrganizationInput,
)

ORGANIZATIONS = Records(
    Organization,
    "organization",
    "organizations",
    create=CreateOrganizationInput,
    update=UpdateOrganizationInput,
    delete=DeleteOrganizationInput,
    # The docs say PATCH; the official client sends PUT, the only verb recorded.
    update_method="PUT",
)


class OrganizationsAPI(RecordsAPI[Organization, CreateOrganizationInput, UpdateOrganizationInput]):
    """Reads answer `None` (or nothing) for what does not exist; writes raise `InvalidInput`
    before calling, and the upstream's errors after (`UpstreamRejected` for 400/422,
    `UpstreamNotFound` for 404)."""

    def __init__(self, session: UpstreamSession) -> None:
        super().__init__(session, ORGANIZATIONS)

    async def list(self) -> list[Organization]:
        """`GET organizations`: every organization of the account."""
        return await ORGANIZATIONS.all(self._session)

    async def get(self, id: str) -> Organization | None:
        """The organization with this id, from `GET organizations`."""
        try:
            wanted = str(integer_id(id))
        except ValueError:
            return None
        return next((found for found in await self.list() if found.id == wanted), None)

    async def by_cnpj(self, cnpj: str) -> Organization | None:
        """`GET organizations/search?cnpj=`: the one organization with this CNPJ (formatted or
        digits); `None` when there is none, which the upstream answers with a 404."""
        return await ORGANIZATIONS.find(self._session, {"cnpj": cnpj})
