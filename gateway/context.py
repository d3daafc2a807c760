"""What every resolver gets as `info.context`: the upstream and the caller's credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from gateway.idempotency.writes import IdempotentWrites
from gateway.rest.graph import Graph
from gateway.rest.invoices import InvoicesAPI
from gateway.rest.receivables import ReceivablesAPI
from gateway.rest.session import ReadLoader, UpstreamSession, reader
from gateway.types.links import Links
from gateway.upstream.client import UpstreamClient


class API(Protocol):
    """A resource's typed calls, made over one request's session (`rest/<resource>.py`)."""

    def __init__(self, session: UpstreamSession) -> None: ...


A = TypeVar("A", bound=API)


@dataclass
class Context:
    """Made anew for every GraphQL request, so what it caches lives exactly that long."""

    upstream: UpstreamClient
    # The value sent upstream as `Authorization`: the caller's own header, or the token the
    # deployment configured. Never logged.
    authorization: str | None = field(repr=False)
    # Keyed writes go through this; `None` runs them unguarded (tests of other things).
    writes: IdempotentWrites | None = None
    # The request's `Idempotency-Key` header, and which operation of a batch this is.
    idempotency_header: str | None = None
    operation_index: int = 0
    _apis: dict[type, object] = field(default_factory=dict, repr=False)

    @cached_property
    def reads(self) -> ReadLoader:
        """This request's upstream GETs: the same one asked for twice is made once."""
        return DataLoader(load_fn=reader(self.upstream, authorization=self.authorization))

    @cached_property
    def session(self) -> UpstreamSession:
        return UpstreamSession(
            self.upstream, authorization=self.authorization, reads=self.reads, writes=self.writes
        )

    @cached_property
    def links(self) -> Links:
        """How the types' link fields are fetched, each distinct read once per request."""
        return Graph(self.session)

    def api(self, kind: type[A]) -> A:
        """The request's instance of a resource's calls: `info.context.api(CompaniesAPI)`."""
        found = self._apis.get(kind)
        if found is None:
            found = self._apis[kind] = kind(self.session)
        assert isinstance(found, kind)
        return found

    @cached_property
    def invoices(self) -> InvoicesAPI:
        return InvoicesAPI(self.session)

    @cached_property
    def receivables(self) -> ReceivablesAPI:
        return ReceivablesAPI(self.session)


Info = StrawberryInfo[Context, None]
