"""The company endpoints, as typed calls."""

from __future__ import annotations

from gateway.rest.account_records import Records, RecordsAPI
from gateway.rest.session import UpstreamSession
from gateway.types.company import (
    Company,
    CreateCompanyInput,
    DeleteCompanyInput,
    UpdateCompanyInput,
)

COMPANIES = Records(
    Company,
    "company",
    "companies",
    create=CreateCompanyInput,
    update=UpdateCompanyInput,
    delete=DeleteCompanyInput,
    # The one resource the official client updates with PATCH, as the docs say.
    update_method="PATCH",
)


class CompaniesAPI(RecordsAPI[Company, CreateCompanyInput, UpdateCompanyInput]):
    """Reads answer `None` (or nothing) for what does not exist, an organization's id
    included; writes raise as `OrganizationsAPI`'s do."""

    def __init__(self, session: UpstreamSession) -> None:
        super().__init__(session, COMPANIES)

    async def list(self, cnpj: str | None = None) -> list[Company]:
        """`GET companies`, or `GET companies/search?cnpj=` (formatted or digits) when a CNPJ
        is given: a list either way, empty when nothing matches."""
        if cnpj is None:
            return await COMPANIES.all(self._session)
        return await COMPANIES.search(self._session, {"cnpj": cnpj})

    async def get(self, id: str) -> Company | None:
        """`GET companies/{id}`; `None` for an unknown id or an organization's."""
        return await COMPANIES.show(self._session, id)
