"""What every resolver gets as `info.context`: the upstream and the caller's credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from strawberry.types import Info as StrawberryInfo

from gateway.upstream.client import UpstreamClient
from gateway.upstream.invoices import InvoicesAPI


@dataclass
class Context:
    upstream: UpstreamClient
    # The value sent upstream as `Authorization`: the caller's own header, or the token the
    # deployment configured. Never logged.
    authorization: str | None = field(repr=False)

    @cached_property
    def invoices(self) -> InvoicesAPI:
        return InvoicesAPI(self.upstream, authorization=self.authorization)


Info = StrawberryInfo[Context, None]
