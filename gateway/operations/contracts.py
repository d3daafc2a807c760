"""Queries and mutations on contracts."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types.unset import UnsetType

from gateway.context import Info
from gateway.idempotency.keys import idempotency_key
from gateway.operations.user_errors import attempt, not_found
from gateway.rest.contracts import ContractsAPI
from gateway.types.contract import (
    Contract,
    CreateContractInput,
    CreateContractPayload,
    DeleteContractInput,
    DeleteContractPayload,
    UpdateContractInput,
    UpdateContractPayload,
)
from gateway.types.user_error import UserError, UserErrorCode

OrganizationId = Annotated[
    strawberry.ID,
    strawberry.argument(description="Organization the contracts are read under."),
]

_NO_CONTRACT = not_found("id", "Contract not found.")
# The upstream answers a customer or supplier that does not exist with an empty 404, the same
# as an unknown contract: which id it was about cannot be told.
_NO_PARTY = UserError(
    field=["input"],
    message="The customer or the supplier does not exist.",
    code=UserErrorCode.NOT_FOUND,
)
_NO_CONTRACT_OR_PARTY = UserError(
    field=["input"],
    message="Contract not found, or the customer or the supplier given does not exist.",
    code=UserErrorCode.NOT_FOUND,
)
# The upstream names the parties by their REST keys; clients wrote them as `PartyInput`s.
_PARTY_FIELDS = {
    f"{party}{key.capitalize()}": [party, key]
    for party in ("customer", "supplier")
    for key in ("id", "type")
}


@strawberry.type
class ContractQueries:
    @strawberry.field(
        description="An organization's contracts, those it supplies and those it buys under "
        "(`GET organizations/{id}/contracts`; 1 upstream call). Empty for an unknown "
        "organization."
    )
    async def contracts(self, info: Info, organization_id: OrganizationId) -> list[Contract]:
        return await info.context.api(ContractsAPI).of_organization(organization_id)

    @strawberry.field(
        description="One contract of an organization (`GET organizations/{organization_id}/"
        "contracts/{id}`; 1 upstream call); null when it does not exist or belongs to another "
        "organization."
    )
    async def contract(
        self,
        info: Info,
        organization_id: OrganizationId,
        id: Annotated[strawberry.ID, strawberry.argument(description="Contract id.")],
    ) -> Contract | None:
        return await info.context.api(ContractsAPI).get(organization_id, id)

    @strawberry.field(
        description="The account's contracts whose name contains `name`, case counting "
        "(`GET contracts/search`; 1 upstream call). Empty when none matches, or for a blank "
        "name, which the upstream refuses."
    )
    async def search_contracts(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="Part of the contract's name.")],
        customer_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the contracts of this customer."),
        ] = None,
    ) -> list[Contract]:
        return await info.context.api(ContractsAPI).search(name, customer_id)


@strawberry.type
class ContractMutations:
    @strawberry.mutation(
        description="Create a contract (`POST contracts`; 1 upstream call). A sale needs an "
        "organization as supplier, a purchase an organization as customer."
    )
    async def create_contract(
        self,
        info: Info,
        input: Annotated[
            CreateContractInput, strawberry.argument(description="The contract to create.")
        ],
    ) -> CreateContractPayload:
        async def create() -> Contract:
            key = idempotency_key(info, input.idempotency_key)
            return await info.context.api(ContractsAPI).create(input, idempotency_key=key)

        contract, errors = await attempt(create(), not_found=_NO_PARTY)
        return CreateContractPayload(contract=contract, user_errors=_party_paths(errors))

    @strawberry.mutation(
        description="Change a contract (`PUT contracts/{id}`; 1 upstream call), sending only the "
        "fields given. Returns the contract as it now is."
    )
    async def update_contract(
        self,
        info: Info,
        input: Annotated[
            UpdateContractInput, strawberry.argument(description="The contract and its changes.")
        ],
    ) -> UpdateContractPayload:
        names_party = not all(
            isinstance(party, UnsetType) for party in (input.customer, input.supplier)
        )
        contract, errors = await attempt(
            info.context.api(ContractsAPI).update(input),
            not_found=_NO_CONTRACT_OR_PARTY if names_party else _NO_CONTRACT,
        )
        return UpdateContractPayload(contract=contract, user_errors=_party_paths(errors))

    @strawberry.mutation(
        description="Delete a contract (`DELETE contracts/{id}`; 1 upstream call). Clients evict "
        "`deletedContractId` from their caches."
    )
    async def delete_contract(
        self,
        info: Info,
        input: Annotated[
            DeleteContractInput, strawberry.argument(description="The contract to delete.")
        ],
    ) -> DeleteContractPayload:
        deleted, errors = await attempt(
            info.context.api(ContractsAPI).delete(input), not_found=_NO_CONTRACT
        )
        return DeleteContractPayload(
            deleted_contract_id=None if deleted is None else strawberry.ID(deleted),
            user_errors=errors,
        )


def _party_paths(errors: list[UserError]) -> list[UserError]:
    """`["input", "supplierId"]` (the upstream's `supplier_id`) -> `["input", "supplier", "id"]`."""
    return [
        UserError(
            field=[error.field[0], *_PARTY_FIELDS[error.field[1]], *error.field[2:]],
            message=error.message,
            code=error.code,
        )
        if error.field is not None and len(error.field) > 1 and error.field[1] in _PARTY_FIELDS
        else error
        for error in errors
    ]
