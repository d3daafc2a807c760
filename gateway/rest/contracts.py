"""The contract endpoints, as typed calls.

Contracts are read under an organization (`organizations/{id}/contracts[/{id}]`: the list
holds the contracts where the organization is supplier or customer) but searched, created,
changed and deleted at the top of the API (`contracts/...`), with flat bodies and `PUT`, as
the official client was recorded sending them.
"""

from __future__ import annotations

from gateway.errors import InvalidInput
from gateway.rest.resource import Resource
from gateway.rest.session import UpstreamSession
from gateway.rest.translate import Endpoint
from gateway.rest.writer import integer_id
from gateway.types.contract import (
    Contract,
    CreateContractInput,
    DeleteContractInput,
    UpdateContractInput,
)
from gateway.types.user_error import UserError, UserErrorCode

CONTRACTS = Resource(Contract, "contract", "contracts")
CREATE = Endpoint(CreateContractInput, "contracts", flat=True)
UPDATE = Endpoint(UpdateContractInput, "contracts/{id}", flat=True)
CONTRACT = Endpoint(DeleteContractInput, "contracts/{id}")
# The docs say PATCH; the client sends PUT, the only verb recorded.
UPDATE_METHOD = "PUT"


class ContractsAPI:
    """Reads answer `None` (or nothing) for what does not exist, an unknown organization
    included. Writes raise `InvalidInput` before calling when the input cannot be sent, and
    the upstream's errors otherwise; a 404 on a create or update is also what the upstream
    answers for a customer or supplier that does not exist."""

    def __init__(self, session: UpstreamSession) -> None:
        self._session = session

    async def of_organization(self, organization_id: str) -> list[Contract]:
        """`GET organizations/{organization_id}/contracts`: those it supplies or buys under."""
        try:
            path = f"organizations/{integer_id(organization_id)}/contracts"
        except ValueError:
            return []
        return await CONTRACTS.list(self._session, path)

    async def get(self, organization_id: str, id: str) -> Contract | None:
        """`GET organizations/{organization_id}/contracts/{id}`; `None` for a contract of
        another organization too."""
        try:
            path = f"organizations/{integer_id(organization_id)}/contracts/{integer_id(id)}"
        except ValueError:
            return None
        return await CONTRACTS.get(self._session, path)

    async def search(self, name: str, customer_id: str | None = None) -> list[Contract]:
        """`GET contracts/search?name=[&customer_id=]`: the account's contracts whose name
        contains `name` (case counts), of that customer when one is given."""
        if not name.strip():
            # The upstream answers a blank name with a 400; no contract has a blank name.
            return []
        params = {"name": name}
        if customer_id is not None:
            try:
                params["customer_id"] = str(integer_id(customer_id))
            except ValueError:
                return []  # No customer has that id.
        return await CONTRACTS.list(self._session, "contracts/search", params)

    async def create(
        self, input: CreateContractInput, *, idempotency_key: str | None = None
    ) -> Contract:
        """`POST contracts`, once per `idempotency_key`."""
        path, body = CREATE.request(input)
        response = await self._session.write("POST", path, body, idempotency_key=idempotency_key)
        return CONTRACTS.one(response)

    async def update(self, input: UpdateContractInput) -> Contract:
        """`PUT contracts/{id}` with the fields the client set."""
        path, body = UPDATE.request(input)
        if not body:
            raise InvalidInput(
                [
                    UserError(
                        field=["input"],
                        message="Nothing to change: give at least one field of the contract.",
                        code=UserErrorCode.BLANK,
                    )
                ]
            )
        return CONTRACTS.one(await self._session.write(UPDATE_METHOD, path, body))

    async def delete(self, input: DeleteContractInput) -> str:
        """`DELETE contracts/{id}`; the id of the deleted contract."""
        await self._session.write("DELETE", CONTRACT.path(input))
        return str(integer_id(input.id))
