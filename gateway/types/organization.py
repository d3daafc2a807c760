"""Organizations: the account's own legal entities, the suppliers of its sale contracts."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.address import AddressFieldsInput, address_field
from gateway.types.base import Mapped
from gateway.types.user_error import UserError


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
