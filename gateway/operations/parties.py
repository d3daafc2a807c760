"""Queries and mutations on parties: organizations, companies and people.

Every read costs one upstream call, and the same call made twice in one request is made once
(the request's read loader); `organization(id:)` reads the list, so it costs the same call as
`organizations`. A blank CNPJ or CPF matches nothing and is answered without a call: the
upstream refuses it with a 400, and no record can have one.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.operations.account_records import create_record, delete_record
from gateway.operations.user_errors import attempt, not_found
from gateway.rest.companies import CompaniesAPI
from gateway.rest.organizations import OrganizationsAPI
from gateway.rest.people import PeopleAPI
from gateway.types.company import (
    Company,
    CreateCompanyInput,
    CreateCompanyPayload,
    DeleteCompanyInput,
    DeleteCompanyPayload,
    UpdateCompanyInput,
    UpdateCompanyPayload,
)
from gateway.types.organization import (
    CreateOrganizationInput,
    CreateOrganizationPayload,
    DeleteOrganizationInput,
    DeleteOrganizationPayload,
    Organization,
    UpdateOrganizationInput,
    UpdateOrganizationPayload,
)
from gateway.types.person import (
    CreatePersonInput,
    CreatePersonPayload,
    DeletePersonInput,
    DeletePersonPayload,
    Person,
    UpdatePersonInput,
    UpdatePersonPayload,
)

_NO_ORGANIZATION = not_found("id", "Organization not found.")
# `GET companies/{id}` is a 404 for an organization's id too.
_NO_COMPANY = not_found("id", "Company not found (an organization's id is not a company's).")
_NO_PERSON = not_found("id", "Person not found.")


def _id(description: str) -> object:
    return strawberry.argument(description=description)


@strawberry.type
class PartyQueries:
    @strawberry.field(
        description="The account's organizations (`GET organizations`; one upstream call)."
    )
    async def organizations(self, info: Info) -> list[Organization]:
        return await info.context.api(OrganizationsAPI).list()

    @strawberry.field(
        description="One organization; null when the account has none with this id. Found in "
        "`GET organizations` (the upstream has no show endpoint): one upstream call, shared with "
        "every other organization read of the request."
    )
    async def organization(
        self, info: Info, id: Annotated[strawberry.ID, _id("Organization id.")]
    ) -> Organization | None:
        return await info.context.api(OrganizationsAPI).get(id)

    @strawberry.field(
        description="The organization with this CNPJ (`GET organizations/search?cnpj=`; one "
        "upstream call); null when there is none, or for a blank CNPJ (without a call)."
    )
    async def organization_by_cnpj(
        self,
        info: Info,
        cnpj: Annotated[
            str, strawberry.argument(description="CNPJ, formatted or as its 14 digits.")
        ],
    ) -> Organization | None:
        return await info.context.api(OrganizationsAPI).by_cnpj(cnpj)

    @strawberry.field(
        description="The account's companies (`GET companies`), or those with a CNPJ "
        "(`GET companies/search?cnpj=`); one upstream call. Empty when none matches, or for "
        "a blank CNPJ (without a call)."
    )
    async def companies(
        self,
        info: Info,
        cnpj: Annotated[
            str | None,
            strawberry.argument(
                description="Only the companies with this CNPJ, formatted or as its 14 digits; "
                "none: all of them."
            ),
        ] = None,
    ) -> list[Company]:
        return await info.context.api(CompaniesAPI).list(cnpj)

    @strawberry.field(
        description="One company (`GET companies/{id}`; one upstream call); null when there is "
        "none, and for an organization's id."
    )
    async def company(
        self, info: Info, id: Annotated[strawberry.ID, _id("Company id.")]
    ) -> Company | None:
        return await info.context.api(CompaniesAPI).get(id)

    @strawberry.field(
        description="The account's people (`GET people`), or those with a CPF "
        "(`GET people/search?cpf=`); one upstream call. Empty when none matches, or for a "
        "blank CPF (without a call)."
    )
    async def people(
        self,
        info: Info,
        cpf: Annotated[
            str | None,
            strawberry.argument(
                description="Only the people with this CPF, formatted or as its 11 digits; "
                "none: all of them."
            ),
        ] = None,
    ) -> list[Person]:
        return await info.context.api(PeopleAPI).list(cpf)

    @strawberry.field(
        description="One person (`GET people/{id}`; one upstream call); null when there is none."
    )
    async def person(
        self, info: Info, id: Annotated[strawberry.ID, _id("Person id.")]
    ) -> Person | None:
        return await info.context.api(PeopleAPI).get(id)


@strawberry.type
class PartyMutations:
    @strawberry.mutation(
        description="Create an organization (`POST organizations`, flat body). Its CNPJ must be "
        "valid and not another organization's."
    )
    async def create_organization(
        self,
        info: Info,
        input: Annotated[
            CreateOrganizationInput, strawberry.argument(description="The organization to create.")
        ],
    ) -> CreateOrganizationPayload:
        created, errors = await create_record(info, info.context.api(OrganizationsAPI), input)
        return CreateOrganizationPayload(organization=created, user_errors=errors)

    @strawberry.mutation(
        description="Change an organization (`PUT organizations/{id}`, flat body: the verb the "
        "official client was recorded using), sending only the fields given."
    )
    async def update_organization(
        self,
        info: Info,
        input: Annotated[
            UpdateOrganizationInput,
            strawberry.argument(description="The organization and its changes."),
        ],
    ) -> UpdateOrganizationPayload:
        api = info.context.api(OrganizationsAPI)
        updated, errors = await attempt(api.update(input), not_found=_NO_ORGANIZATION)
        return UpdateOrganizationPayload(organization=updated, user_errors=errors)

    @strawberry.mutation(
        description="Delete an organization (`DELETE organizations/{id}`); refused while "
        "contracts are associated with it."
    )
    async def delete_organization(
        self,
        info: Info,
        input: Annotated[
            DeleteOrganizationInput, strawberry.argument(description="The organization to delete.")
        ],
    ) -> DeleteOrganizationPayload:
        api = info.context.api(OrganizationsAPI)
        deleted, errors = await delete_record(api, input, not_found=_NO_ORGANIZATION)
        return DeleteOrganizationPayload(deleted_organization_id=deleted, user_errors=errors)

    @strawberry.mutation(
        description="Create a company (`POST companies`, flat body). Its CNPJ must be valid, and "
        "its CNPJ, name and legal name not another company's."
    )
    async def create_company(
        self,
        info: Info,
        input: Annotated[CreateCompanyInput, strawberry.argument(description="The company.")],
    ) -> CreateCompanyPayload:
        created, errors = await create_record(info, info.context.api(CompaniesAPI), input)
        return CreateCompanyPayload(company=created, user_errors=errors)

    @strawberry.mutation(
        description="Change a company (`PATCH companies/{id}`, flat body), sending only the "
        "fields given."
    )
    async def update_company(
        self,
        info: Info,
        input: Annotated[
            UpdateCompanyInput, strawberry.argument(description="The company and its changes.")
        ],
    ) -> UpdateCompanyPayload:
        api = info.context.api(CompaniesAPI)
        updated, errors = await attempt(api.update(input), not_found=_NO_COMPANY)
        return UpdateCompanyPayload(company=updated, user_errors=errors)

    @strawberry.mutation(description="Delete a company (`DELETE companies/{id}`).")
    async def delete_company(
        self,
        info: Info,
        input: Annotated[
            DeleteCompanyInput, strawberry.argument(description="The company to delete.")
        ],
    ) -> DeleteCompanyPayload:
        api = info.context.api(CompaniesAPI)
        deleted, errors = await delete_record(api, input, not_found=_NO_COMPANY)
        return DeleteCompanyPayload(deleted_company_id=deleted, user_errors=errors)

    @strawberry.mutation(
        description="Create a person (`POST people`, flat body). The CPF must be valid and not "
        "another person's."
    )
    async def create_person(
        self,
        info: Info,
        input: Annotated[CreatePersonInput, strawberry.argument(description="The person.")],
    ) -> CreatePersonPayload:
        created, errors = await create_record(info, info.context.api(PeopleAPI), input)
        return CreatePersonPayload(person=created, user_errors=errors)

    @strawberry.mutation(
        description="Change a person (`PUT people/{id}`, flat body: the verb the official client "
        "was recorded using), sending only the fields given."
    )
    async def update_person(
        self,
        info: Info,
        input: Annotated[
            UpdatePersonInput, strawberry.argument(description="The person and their changes.")
        ],
    ) -> UpdatePersonPayload:
        api = info.context.api(PeopleAPI)
        updated, errors = await attempt(api.update(input), not_found=_NO_PERSON)
        return UpdatePersonPayload(person=updated, user_errors=errors)

    @strawberry.mutation(
        description="Delete a person (`DELETE people/{id}`); refused while contracts are "
        "associated with them."
    )
    async def delete_person(
        self,
        info: Info,
        input: Annotated[
            DeletePersonInput, strawberry.argument(description="The person to delete.")
        ],
    ) -> DeletePersonPayload:
        api = info.context.api(PeopleAPI)
        deleted, errors = await delete_record(api, input, not_found=_NO_PERSON)
        return DeletePersonPayload(deleted_person_id=deleted, user_errors=errors)
