"""What every resolver gets as `info.context`: the upstream and the caller's credentials."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Protocol, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from gateway.idempotency.writes import IdempotentWrites
from gateway.rest.graph import Graph
from gateway.rest.invoices import InvoicesAPI
from gateway.rest.receivables import ReceivablesAPI
from gateway.rest.session import ReadLoader, UpstreamSession, reader
from gateway.types.links import Links
from gateway.upstream.client import UpstreamClient

if TYPE_CHECKING:
    from gateway.operations.subscription_limits import SubscriptionLimits
    from gateway.rest.shared_reads import SharedReads
    from gateway.types.invoice import Invoice


class API(Protocol):
    """A resource's typed calls, made over one request's session (`rest/<resource>.py`)."""

    def __init__(self, session: UpstreamSession) -> None: ...


A = TypeVar("A", bound=API)


class FeedEvent(Protocol):
    """An invoice event as the event bus hands it over (`gateway.webhooks.bus.ReceivedEvent`)."""

    @property
    def id(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def arrived(self) -> float: ...
    @property
    def event(self) -> str: ...
    @property
    def invoice_id(self) -> str: ...
    @property
    def contract_id(self) -> str | None: ...


class FeedSubscription(Protocol):
    overflowed: bool

    def __aiter__(self) -> AsyncIterator[FeedEvent]: ...
    async def aclose(self) -> None: ...


class EventFeed(Protocol):
    """Where subscriptions take events from: the process's event bus."""

    def subscribe(
        self, *, contract_id: str | None = None, invoice_id: str | None = None
    ) -> FeedSubscription:
        """Events from now on; only the contract's or the invoice's if given."""
        ...


@dataclass(frozen=True)
class Events:
    """What a subscription needs beyond a request's context, shared by the whole process."""

    feed: EventFeed
    # Fresh invoice reads, shared by subscribers with the same credentials.
    reads: SharedReads[tuple[str, str, str], Invoice | None]
    limits: SubscriptionLimits


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
    # For subscriptions; `None` where none can run (plain HTTP requests).
    events: Events | None = None
    # Called once a subscription listens to the bus: transports answer only then, so that a
    # client that has its answer knows no event published after it is missed.
    on_listening: Callable[[], None] | None = field(default=None, repr=False)
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

    def fresh(self) -> None:
        """Forget what was read: a subscription's context lives across events, and each
        event's invoice must be read anew."""
        for name in ("reads", "session", "links", "invoices", "receivables"):
            self.__dict__.pop(name, None)
        self._apis.clear()

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
