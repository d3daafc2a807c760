"""What the mutations on the account's own records (organizations, companies, people, service
items) share: a creation runs under its idempotency key, and what the client can fix comes
back in `userErrors`."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

import strawberry
from strawberry.types.unset import UnsetType

from gateway.context import Info
from gateway.idempotency.keys import idempotency_key
from gateway.operations.user_errors import attempt
from gateway.rest.account_records import Addressed, RecordsAPI
from gateway.types.base import Mapped
from gateway.types.user_error import UserError, UserErrorCode

M = TypeVar("M", bound=Mapped)


class Keyed(Protocol):
    """A creation input, with the idempotency key it may carry."""

    @property
    def idempotency_key(self) -> str | UnsetType | None: ...


K = TypeVar("K", bound=Keyed)

# A collection at the top of the API has no parent to be missing; should the upstream answer
# a creation with a 404 all the same, it is the client's to see, not a failure of the gateway.
_NOT_CREATED = UserError(
    field=["input"],
    message="The upstream answered the creation with 404 Not Found.",
    code=UserErrorCode.NOT_FOUND,
)


async def create_record(
    info: Info, api: RecordsAPI[M, K, Any], input: K
) -> tuple[M | None, list[UserError]]:
    """`api.create(input)` under the mutation's idempotency key."""

    async def create() -> M:
        key = idempotency_key(info, input.idempotency_key)
        return await api.create(input, idempotency_key=key)

    return await attempt(create(), not_found=_NOT_CREATED)


async def delete_record(
    api: RecordsAPI[Any, Any, Any], input: Addressed, *, not_found: UserError
) -> tuple[strawberry.ID | None, list[UserError]]:
    """`api.delete(input)`: the id to evict from client caches, or what to fix."""
    deleted, errors = await attempt(api.delete(input), not_found=not_found)
    return (None if deleted is None else strawberry.ID(deleted)), errors
