"""What every resolver gets as `info.context`: the upstream and the caller's credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from gateway.idempotency.writes import IdempotentWrites
from gateway.rest.invoices import InvoicesAPI
from gateway.rest.receivables import ReceivablesAPI
from gateway.rest.session import ReadLoader, UpstreamSession, reader
from gateway.upstream.client import UpstreamClient


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
    def invoices(self) -> InvoicesAPI:
        return InvoicesAPI(self.session)

    @cached_property
    def receivables(self) -> ReceivablesAPI:
        return ReceivablesAPI(self.session)


Info = StrawberryInfo[Context, None]
