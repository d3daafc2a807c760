"""A resource's answers, declared once: its type and the keys its envelopes use.

`Resource(Company, "company", "companies")` maps `{"company": {...}}` and
`{"companies": [...]}` into `Company` with the mapper compiled from the type's declarations,
and reads the way every read of the gateway does: what does not exist (a 404, an id that is
not a number) is `None` or nothing, and anything else the upstream got wrong raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

from gateway.errors import UpstreamNotFound
from gateway.rest import envelopes
from gateway.rest.mapping import deferred
from gateway.rest.session import UpstreamSession
from gateway.types.base import Mapped
from gateway.upstream.client import UpstreamResponse

M = TypeVar("M", bound=Mapped)


class Resource(Generic[M]):
    __slots__ = ("_build", "plural", "singular", "type")

    def __init__(self, type: type[M], singular: str, plural: str) -> None:
        self.type, self.singular, self.plural = type, singular, plural
        self._build = deferred(type)

    def one(self, response: UpstreamResponse) -> M:
        """The object under the singular key; an unreadable answer raises."""
        return envelopes.one(response, self.singular, self._build)

    def many(self, response: UpstreamResponse) -> list[M]:
        """The objects listed under the plural key; an unreadable answer raises."""
        return envelopes.many(response, self.plural, self._build)

    async def get(
        self, session: UpstreamSession, path: str, params: Mapping[str, str] | None = None
    ) -> M | None:
        """`GET path` answering one object; `None` on a 404."""
        try:
            return self.one(await session.read(path, params))
        except UpstreamNotFound:
            return None

    async def list(
        self, session: UpstreamSession, path: str, params: Mapping[str, str] | None = None
    ) -> list[M]:
        """`GET path` answering a list; empty on a 404."""
        try:
            return self.many(await session.read(path, params))
        except UpstreamNotFound:
            return []
