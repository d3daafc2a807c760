"""Queries on an organization's templates, accounts and NFS-e, which the API only reads.

Each costs one upstream GET (the NFS-e search one or two, see `nfses`); each answers null or
an empty list for an unknown organization or id, as the upstream's 404 means.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.rest.nfses import NfsesAPI
from gateway.rest.pagination import DEFAULT_FIRST, MAX_FIRST
from gateway.rest.templates import TemplatesAPI
from gateway.types.charge_template import ChargeTemplate
from gateway.types.email_template import EmailTemplate
from gateway.types.financial_account import FinancialAccount
from gateway.types.invoice_template import InvoiceTemplate, InvoiceTemplateType
from gateway.types.nfse import NfseConnection, NfseFilter
from gateway.types.nfse_template import NfseTemplate

OrganizationId = Annotated[
    strawberry.ID, strawberry.argument(description="Organization they belong to.")
]


def _id(what: str) -> object:
    return strawberry.argument(description=f"{what} id.")


@strawberry.type
class TemplateQueries:
    @strawberry.field(
        description="An organization's invoice templates (`GET organizations/{id}/"
        "invoice_templates`), or with `type` only those usable for one invoice or for invoice "
        "rules (`GET organizations/{id}/invoice_templates/search?type=`). One upstream call; "
        "empty for an unknown organization."
    )
    async def invoice_templates(
        self,
        info: Info,
        organization_id: OrganizationId,
        type: Annotated[
            InvoiceTemplateType | None,
            strawberry.argument(description="What the templates must be usable for; none: all."),
        ] = None,
    ) -> list[InvoiceTemplate]:
        return await info.context.api(TemplatesAPI).invoice_templates(organization_id, type)

    @strawberry.field(
        description="One invoice template (`GET organizations/{organization_id}/"
        "invoice_templates/{id}`). One upstream call; null when it does not exist."
    )
    async def invoice_template(
        self,
        info: Info,
        organization_id: OrganizationId,
        id: Annotated[strawberry.ID, _id("Invoice template")],
    ) -> InvoiceTemplate | None:
        return await info.context.api(TemplatesAPI).invoice_template(organization_id, id)

    @strawberry.field(
        description="An organization's notification e-mail templates (`GET organizations/{id}/"
        "email_templates`). One upstream call; empty for an unknown organization."
    )
    async def email_templates(
        self, info: Info, organization_id: OrganizationId
    ) -> list[EmailTemplate]:
        return await info.context.api(TemplatesAPI).email_templates(organization_id)

    @strawberry.field(
        description="An organization's NFS-e templates (`GET organizations/{id}/"
        "nfse_templates`). One upstream call; empty for an unknown organization."
    )
    async def nfse_templates(
        self, info: Info, organization_id: OrganizationId
    ) -> list[NfseTemplate]:
        return await info.context.api(TemplatesAPI).nfse_templates(organization_id)

    @strawberry.field(
        description="An organization's charge templates (`GET organizations/{id}/"
        "charge_templates`). One upstream call; empty for an unknown organization."
    )
    async def charge_templates(
        self, info: Info, organization_id: OrganizationId
    ) -> list[ChargeTemplate]:
        return await info.context.api(TemplatesAPI).charge_templates(organization_id)

    @strawberry.field(
        description="One charge template (`GET organizations/{organization_id}/"
        "charge_templates/{id}`). One upstream call; null when it does not exist."
    )
    async def charge_template(
        self,
        info: Info,
        organization_id: OrganizationId,
        id: Annotated[strawberry.ID, _id("Charge template")],
    ) -> ChargeTemplate | None:
        return await info.context.api(TemplatesAPI).charge_template(organization_id, id)

    @strawberry.field(
        description="An organization's financial accounts (`GET organizations/{id}/"
        "financial_accounts`). One upstream call; empty for an unknown organization."
    )
    async def financial_accounts(
        self, info: Info, organization_id: OrganizationId
    ) -> list[FinancialAccount]:
        return await info.context.api(TemplatesAPI).financial_accounts(organization_id)

    @strawberry.field(
        description="One financial account (`GET organizations/{organization_id}/"
        "financial_accounts/{id}`). One upstream call; null when it does not exist."
    )
    async def financial_account(
        self,
        info: Info,
        organization_id: OrganizationId,
        id: Annotated[strawberry.ID, _id("Financial account")],
    ) -> FinancialAccount | None:
        return await info.context.api(TemplatesAPI).financial_account(organization_id, id)

    @strawberry.field(
        description=(
            "Search an organization's NFS-e (`GET organizations/{organization_id}/nfses/"
            "search`), page by page: pass `pageInfo.endCursor` as `after` for the next page. "
            "One upstream call per page (two when `after` falls inside a page of `first`); "
            "empty for an unknown organization."
        )
    )
    async def nfses(
        self,
        info: Info,
        organization_id: Annotated[
            strawberry.ID, strawberry.argument(description="Organization whose NFS-e to search.")
        ],
        filter: Annotated[
            NfseFilter | None,
            strawberry.argument(description="Criteria the NFS-e must meet; none: all of them."),
        ] = None,
        first: Annotated[
            int | None,
            strawberry.argument(
                description=f"How many NFS-e to return, at least 1; more than {MAX_FIRST} "
                f"returns {MAX_FIRST}."
            ),
        ] = DEFAULT_FIRST,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="Return the NFS-e after this cursor (an edge's `cursor` or "
                "`pageInfo.endCursor`); none: from the start."
            ),
        ] = None,
    ) -> NfseConnection:
        return await info.context.api(NfsesAPI).search(
            organization_id, filter, first=first, after=after
        )
