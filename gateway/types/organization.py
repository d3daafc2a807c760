"""Organizations: the account's own legal entities, the suppliers of its sale contracts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.address import AddressFieldsInput, address_field
from gateway.types.base import Mapped
from gateway.types.links import links
from gateway.types.user_error import UserError

if TYPE_CHECKING:
    from gateway.types.charge_template import ChargeTemplate
    from gateway.types.contract import Contract
    from gateway.types.email_template import EmailTemplate
    from gateway.types.financial_account import FinancialAccount
    from gateway.types.invoice import InvoiceConnection, InvoiceFilter
    from gateway.types.invoice_template import InvoiceTemplate, InvoiceTemplateType
    from gateway.types.nfse import NfseConnection, NfseFilter
    from gateway.types.nfse_template import NfseTemplate


@strawberry.type(
    description="One of the account's own legal entities: the supplier of its sale contracts "
    "(so the issuer of their invoices and NFS-e) and the owner of templates and financial "
    'accounts. Contracts and invoices type an organization\'s id `"Company"`.'
)
class Organization(Mapped):
    id: strawberry.ID = strawberry.field(
        description="Organization id; organizations and companies take ids from one sequence."
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Account (the tenant of the token) the organization is of."
    )
    name: str | None = strawberry.field(default=None, description="Trade name (nome fantasia).")
    company_name: str | None = strawberry.field(
        default=None, description="Legal name (razão social)."
    )
    cnpj: str | None = strawberry.field(
        default=None,
        description="CNPJ, formatted `NN.NNN.NNN/NNNN-NN` whatever form it was written in.",
    )
    address: str | None = address_field("address")
    number: str | None = address_field("number")
    complement: str | None = address_field("complement")
    zipcode: str | None = address_field("zipcode")
    district: str | None = address_field("district")
    city: str | None = address_field("city")
    state: str | None = address_field("state")
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the organization was created."
    )

    @strawberry.field(
        description="The contracts it supplies or buys under (`GET organizations/{id}/"
        "contracts`). Upstream cost: one read."
    )
    async def contracts(
        self, info: strawberry.Info
    ) -> list[Annotated[Contract, strawberry.lazy("gateway.types.contract")]]:
        return await links(info).organization_contracts(self)

    @strawberry.field(
        description="Its invoices, page by page, as `invoices(organizationId:)`. Upstream "
        "cost: one or two reads per page."
    )
    async def invoices(
        self,
        info: strawberry.Info,
        filter: Annotated[
            Annotated[InvoiceFilter, strawberry.lazy("gateway.types.invoice")] | None,
            strawberry.argument(description="Criteria; every one given must hold."),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Invoices per page (1 to 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> Annotated[InvoiceConnection, strawberry.lazy("gateway.types.invoice")]:
        return await links(info).organization_invoices(self, filter, first, after)

    @strawberry.field(
        description="Its invoice templates, or those usable for `type`. Upstream cost: one read."
    )
    async def invoice_templates(
        self,
        info: strawberry.Info,
        type: Annotated[
            Annotated[InvoiceTemplateType, strawberry.lazy("gateway.types.invoice_template")]
            | None,
            strawberry.argument(description="One-off (`INVOICE`) or recurring (`INVOICE_RULE`)."),
        ] = None,
    ) -> list[Annotated[InvoiceTemplate, strawberry.lazy("gateway.types.invoice_template")]]:
        return await links(info).invoice_templates(self, type)

    @strawberry.field(description="Its notification e-mail templates. Upstream cost: one read.")
    async def email_templates(
        self, info: strawberry.Info
    ) -> list[Annotated[EmailTemplate, strawberry.lazy("gateway.types.email_template")]]:
        return await links(info).email_templates(self)

    @strawberry.field(description="Its NFS-e templates. Upstream cost: one read.")
    async def nfse_templates(
        self, info: strawberry.Info
    ) -> list[Annotated[NfseTemplate, strawberry.lazy("gateway.types.nfse_template")]]:
        return await links(info).nfse_templates(self)

    @strawberry.field(description="Its charge templates. Upstream cost: one read.")
    async def charge_templates(
        self, info: strawberry.Info
    ) -> list[Annotated[ChargeTemplate, strawberry.lazy("gateway.types.charge_template")]]:
        return await links(info).charge_templates(self)

    @strawberry.field(description="Its financial accounts. Upstream cost: one read.")
    async def financial_accounts(
        self, info: strawberry.Info
    ) -> list[Annotated[FinancialAccount, strawberry.lazy("gateway.types.financial_account")]]:
        return await links(info).financial_accounts(self)

    @strawberry.field(
        description="Its issued service invoices, page by page as `nfses(organizationId:)`. "
        "Upstream cost: one or two reads per page."
    )
    async def nfses(
        self,
        info: strawberry.Info,
        filter: Annotated[
            Annotated[NfseFilter, strawberry.lazy("gateway.types.nfse")] | None,
            strawberry.argument(description="Criteria; every one given must hold."),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="NFS-e per page (1 to 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> Annotated[NfseConnection, strawberry.lazy("gateway.types.nfse")]:
        return await links(info).nfses(self, filter, first, after)


@strawberry.input(description="The organization fields a client writes, on creation and update.")
class OrganizationFieldsInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Trade name (nome fantasia); never blank."
    )
    company_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Legal name (razão social)."
    )
    cnpj: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="CNPJ, formatted or as its 14 digits; valid and unique among the "
        "account's organizations.",
    )


@strawberry.input(description="A new organization.")
class CreateOrganizationInput(OrganizationFieldsInput, AddressFieldsInput):
    name: str = strawberry.field(description="Trade name (nome fantasia). Required.")
    cnpj: str = strawberry.field(
        description="CNPJ, formatted or as its 14 digits. Required; valid and unique among the "
        "account's organizations."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="Addresses one organization.")
class OrganizationReference:
    id: strawberry.ID = strawberry.field(description="Organization id.")


@strawberry.input(
    description="Changes to an organization. Only the fields given are sent; a field given as "
    "null is cleared."
)
class UpdateOrganizationInput(OrganizationReference, OrganizationFieldsInput, AddressFieldsInput):
    pass


@strawberry.input(
    description="The organization to delete; refused while contracts are associated with it."
)
class DeleteOrganizationInput(OrganizationReference):
    pass


@strawberry.type(description="Result of a change to one organization.")
class OrganizationChangePayload:
    organization: Organization | None = strawberry.field(
        default=None,
        description="The organization after the change; null when there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty when the change was made."
    )


@strawberry.type(description="Result of `createOrganization`.")
class CreateOrganizationPayload(OrganizationChangePayload):
    pass


@strawberry.type(description="Result of `updateOrganization`.")
class UpdateOrganizationPayload(OrganizationChangePayload):
    pass


@strawberry.type(description="Result of `deleteOrganization`.")
class DeleteOrganizationPayload:
    deleted_organization_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Id of the deleted organization, to evict it from client caches; null when "
        "there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the organization was deleted.",
    )
