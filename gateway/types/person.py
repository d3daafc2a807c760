"""People: the account's customers (and purchase suppliers) that are natural persons."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.address import AddressFieldsInput, address_field
from gateway.types.base import Mapped
from gateway.types.user_error import UserError
from gateway.types.wire import Form, rest


@strawberry.type(description="A natural person (CPF) the account bills, or buys from.")
class Person(Mapped):
    id: strawberry.ID = strawberry.field(description="Person id.")
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Account (the tenant of the token) the person is of."
    )
    name: str | None = strawberry.field(default=None, description="Name.")
    cpf: str | None = strawberry.field(
        default=None, description="CPF, as its 11 digits whatever form it was written in."
    )
    email: str | None = strawberry.field(default=None, description="E-mail.")
    zipcode: str | None = address_field("zipcode")
    address: str | None = address_field("address")
    number: str | None = address_field("number")
    complement: str | None = address_field("complement")
    district: str | None = address_field("district")
    city: str | None = address_field("city")
    state: str | None = address_field("state")
    comments: str | None = strawberry.field(default=None, description="Notes.")
    client_since: dt.date | None = strawberry.field(
        default=None, description="Date the person became a customer."
    )
    allow_email_on_nfse: bool | None = strawberry.field(
        default=None, description="Whether the e-mail is printed on the service invoice (NFS-e)."
    )
    myfinance_customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customer id in the sister finance product (MyFinance)."
    )
    myfinance_errors: str | None = strawberry.field(
        default=None, description="Sync errors reported by the sister finance product (free text)."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the person was created."
    )


@strawberry.input(description="The person fields a client writes, on creation and update.")
class PersonFieldsInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Name; never blank.")
    cpf: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="CPF, formatted (`NNN.NNN.NNN-NN`) or as its 11 digits; valid and unique in "
        "the account.",
    )
    email: str | None = strawberry.field(default=strawberry.UNSET, description="E-mail.")


@strawberry.input(description="What a client writes about a person besides their identity.")
class PersonDetailsInput:
    comments: str | None = strawberry.field(default=strawberry.UNSET, description="Notes.")
    client_since: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Date the person became a customer.",
        # Recorded as `DD/MM/YYYY` in requests as in responses.
        metadata=rest(form=Form.DATE_DMY_SLASH),
    )
    allow_email_on_nfse: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Whether to print the e-mail on the service invoice (NFS-e).",
    )


@strawberry.input(description="A new person.")
class CreatePersonInput(PersonFieldsInput, AddressFieldsInput, PersonDetailsInput):
    name: str = strawberry.field(description="Name. Required.")
    cpf: str = strawberry.field(
        description="CPF, formatted (`NNN.NNN.NNN-NN`) or as its 11 digits. Required; valid and "
        "unique in the account."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="Addresses one person.")
class PersonReference:
    id: strawberry.ID = strawberry.field(description="Person id.")


@strawberry.input(
    description="Changes to a person. Only the fields given are sent; a field given as null is "
    "cleared."
)
class UpdatePersonInput(PersonReference, PersonFieldsInput, AddressFieldsInput, PersonDetailsInput):
    pass


@strawberry.input(description="The person to delete; refused while contracts are associated.")
class DeletePersonInput(PersonReference):
    pass


@strawberry.type(description="Result of a change to one person.")
class PersonChangePayload:
    person: Person | None = strawberry.field(
        default=None, description="The person after the change; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty when the change was made."
    )


@strawberry.type(description="Result of `createPerson`.")
class CreatePersonPayload(PersonChangePayload):
    pass


@strawberry.type(description="Result of `updatePerson`.")
class UpdatePersonPayload(PersonChangePayload):
    pass


@strawberry.type(description="Result of `deletePerson`.")
class DeletePersonPayload:
    deleted_person_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Id of the deleted person, to evict it from client caches; null when there "
        "are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the person was deleted.",
    )
