"""The account's own records over REST: organizations, companies, people and service items.

Each is a collection at the top of the API (`companies`, `companies/{id}`), read whole (no
pagination), written with flat bodies (the traffic's form; the docs wrap some of them), and
changed with the one verb the official client was recorded using for it. `Records` declares
one such collection once; each resource's API class adds the reads that are its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, Protocol, TypeVar

from gateway.errors import InvalidInput
from gateway.rest.resource import Resource
from gateway.rest.session import UpstreamSession
from gateway.rest.translate import Endpoint
from gateway.rest.writer import integer_id
from gateway.types.base import Mapped
from gateway.types.user_error import UserError, UserErrorCode
from gateway.types.wire import words

M = TypeVar("M", bound=Mapped)
C = TypeVar("C", contravariant=True)
U = TypeVar("U", contravariant=True)


class Addressed(Protocol):
    """An input naming one record by its `id`."""

    @property
    def id(self) -> str: ...


class Records(Generic[M]):
    """One collection's endpoints: list, show, search, create, update and delete."""

    __slots__ = ("_create", "_delete", "_update", "plural", "resource", "update_method")

    def __init__(
        self,
        type: type[M],
        singular: str,
        plural: str,
        *,
        create: type,
        update: type,
        delete: type,
        update_method: str,
    ) -> None:
        self.resource = Resource(type, singular, plural)
        self.plural, self.update_method = plural, update_method
        self._create = Endpoint(create, plural, flat=True)
        self._update = Endpoint(update, f"{plural}/{{id}}", flat=True)
        self._delete = Endpoint(delete, f"{plural}/{{id}}")

    async def all(self, session: UpstreamSession) -> list[M]:
        """`GET {plural}`."""
        return await self.resource.list(session, self.plural)

    async def show(self, session: UpstreamSession, id: str) -> M | None:
        """`GET {plural}/{id}`; `None` for an id the upstream could not have."""
        try:
            path = f"{self.plural}/{integer_id(id)}"
        except ValueError:
            return None
        return await self.resource.get(session, path)

    async def find(self, session: UpstreamSession, criteria: Mapping[str, str]) -> M | None:
        """`GET {plural}/search?...` answering one object; `None` when nothing matches."""
        if _blank(criteria):
            return None
        return await self.resource.get(session, f"{self.plural}/search", criteria)

    async def search(self, session: UpstreamSession, criteria: Mapping[str, str]) -> list[M]:
        """`GET {plural}/search?...` answering a list; empty when nothing matches."""
        if _blank(criteria):
            return []
        return await self.resource.list(session, f"{self.plural}/search", criteria)

    async def create(
        self, session: UpstreamSession, input: object, *, idempotency_key: str | None
    ) -> M:
        """`POST {plural}`, once per `idempotency_key`."""
        path, body = self._create.request(input)
        response = await session.write("POST", path, body, idempotency_key=idempotency_key)
        return self.resource.one(response)

    async def update(self, session: UpstreamSession, input: object) -> M:
        """`PUT` or `PATCH {plural}/{id}` with the fields the client set."""
        path, body = self._update.request(input)
        if not body:
            raise InvalidInput(
                [
                    UserError(
                        field=["input"],
                        message="Nothing to change: give at least one field of the "
                        f"{words(self.resource.type.__name__)}.",
                        code=UserErrorCode.BLANK,
                    )
                ]
            )
        return self.resource.one(await session.write(self.update_method, path, body))

    async def delete(self, session: UpstreamSession, input: Addressed) -> str:
        """`DELETE {plural}/{id}`; the id of the deleted record."""
        await session.write("DELETE", self._delete.path(input))
        return str(integer_id(input.id))


def _blank(criteria: Mapping[str, str]) -> bool:
    # The upstream answers a blank search value with a 400; no record has a blank CNPJ, CPF
    # or name, so the gateway answers "nothing" without asking.
    return any(not value.strip() for value in criteria.values())


class RecordsAPI(Generic[M, C, U]):
    """The writes every collection of account records has, over one request's session."""

    def __init__(self, session: UpstreamSession, records: Records[M]) -> None:
        self._session, self._records = session, records

    async def create(self, input: C, *, idempotency_key: str | None = None) -> M:
        """`POST` the new record, once per `idempotency_key`."""
        return await self._records.create(self._session, input, idempotency_key=idempotency_key)

    async def update(self, input: U) -> M:
        """Change the record with the fields the client set."""
        return await self._records.update(self._session, input)

    async def delete(self, input: Addressed) -> str:
        """Delete the record; its id."""
        return await self._records.delete(self._session, input)
