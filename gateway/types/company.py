"""Companies: the account's customers (and purchase suppliers) that are legal entities."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.address import AddressFieldsInput, address_field
from gateway.types.base import Mapped
from gateway.types.user_error import UserError
from gateway.types.wire import Form, rest


@strawberry.type(
    description="A legal entity (CNPJ) the account bills, or buys from on purchase contracts. "
    "Not an organization: `company(id:)` is null for an organization's id."
)
class Company(Mapped):
    id: strawberry.ID = strawberry.field(
        description="Company id; companies and organizations take ids from one sequence."
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Account (the tenant of the token) the company is of."
    )
    name: str | None = strawberry.field(
        default=None, description="Trade name (nome fantasia), unique in the account."
    )
    company_name: str | None = strawberry.field(
        default=None, description="Legal name (razão social), unique in the account."
    )
    cnpj: str | None = strawberry.field(
        default=None,
        description="CNPJ, formatted `NN.NNN.NNN/NNNN-NN` whatever form it was written in.",
    )
    state_inscription: str | None = strawberry.field(
        default=None, description="State registration (inscrição estadual)."
    )
    city_inscription: str | None = strawberry.field(
        default=None, description="Municipal registration (inscrição municipal)."
    )
    address: str | None = address_field("address")
    number: str | None = address_field("number")
    zipcode: str | None = address_field("zipcode")
    district: str | None = address_field("district")
    complement: str | None = address_field("complement")
    city: str | None = address_field("city")
    state: str | None = address_field("state")
    ibge_code: str | None = strawberry.field(
        default=None,
        description="IBGE code of the city; only responses of 2016 carried it, so it is null "
        "since.",
    )
    contacts: str | None = strawberry.field(
        default=None, description="Contacts, as free text (e.g. e-mails separated by commas)."
    )
    billing_contacts: str | None = strawberry.field(
        default=None, description="E-mails to send billing to, as free text."
    )
    kind: str | None = strawberry.field(
        default=None,
        description="Kind of record; `company` is the only value seen (a string rather than an "
        "enum: the upstream documents no set of values).",
    )
    comments: str | None = strawberry.field(default=None, description="Notes.")
    client_since: dt.date | None = strawberry.field(
        default=None, description="Date the company became a customer."
    )
    nfse_email: str | None = strawberry.field(
        default=None, description="E-mail the service invoices (NFS-e) are sent to."
    )
    myfinance_customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customer id in the sister finance product (MyFinance)."
    )
    myfinance_errors: str | None = strawberry.field(
        default=None, description="Sync errors reported by the sister finance product (free text)."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the company was created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the company was last changed."
    )


@strawberry.input(description="The company fields a client writes, on creation and update.")
class CompanyFieldsInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Trade name (nome fantasia); never blank, unique in the account.",
    )
    company_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Legal name (razão social), unique in the account."
    )
    cnpj: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="CNPJ, formatted or as its 14 digits; valid and unique among the account's "
        "companies.",
    )
    state_inscription: str | None = strawberry.field(
        default=strawberry.UNSET, description="State registration (inscrição estadual)."
    )
    city_inscription: str | None = strawberry.field(
        default=strawberry.UNSET, description="Municipal registration (inscrição municipal)."
    )


@strawberry.input(description="What a client writes about a company besides its identity.")
class CompanyDetailsInput:
    contacts: str | None = strawberry.field(
        default=strawberry.UNSET, description="Contacts, as free text."
    )
    billing_contacts: str | None = strawberry.field(
        default=strawberry.UNSET, description="E-mails to send billing to, as free text."
    )
    comments: str | None = strawberry.field(default=strawberry.UNSET, description="Notes.")
    client_since: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Date the company became a customer.",
        # Recorded only for people, who write it as they read it.
        metadata=rest(form=Form.DATE_DMY_SLASH),
    )
    nfse_email: str | None = strawberry.field(
        default=strawberry.UNSET, description="E-mail the service invoices (NFS-e) are sent to."
    )


@strawberry.input(description="A new company.")
class CreateCompanyInput(CompanyFieldsInput, AddressFieldsInput, CompanyDetailsInput):
    name: str = strawberry.field(
        description="Trade name (nome fantasia). Required; unique in the account."
    )
    cnpj: str = strawberry.field(
        description="CNPJ, formatted or as its 14 digits. Required; valid and unique among the "
        "account's companies."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="Addresses one company.")
class CompanyReference:
    id: strawberry.ID = strawberry.field(description="Company id.")


@strawberry.input(
    description="Changes to a company. Only the fields given are sent; a field given as null is "
    "cleared."
)
class UpdateCompanyInput(
    CompanyReference, CompanyFieldsInput, AddressFieldsInput, CompanyDetailsInput
):
    pass


@strawberry.input(description="The company to delete.")
class DeleteCompanyInput(CompanyReference):
    pass


@strawberry.type(description="Result of a change to one company.")
class CompanyChangePayload:
    company: Company | None = strawberry.field(
        default=None, description="The company after the change; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty when the change was made."
    )


@strawberry.type(description="Result of `createCompany`.")
class CreateCompanyPayload(CompanyChangePayload):
    pass


@strawberry.type(description="Result of `updateCompany`.")
class UpdateCompanyPayload(CompanyChangePayload):
    pass


@strawberry.type(description="Result of `deleteCompany`.")
class DeleteCompanyPayload:
    deleted_company_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Id of the deleted company, to evict it from client caches; null when there "
        "are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the company was deleted.",
    )
