"""One operation run over a streaming transport (graphql-ws, SSE, multipart HTTP).

`start` runs the operation until it has something to say: it listens to the event bus (a
subscription), or it has its first result (a query's only one, or a request error such as a
validation failure). Transports answer only then, so a client holding the answer knows that
no event published afterwards is missed, and a request error can still be answered as one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Collection
from typing import Any

from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from gateway.context import Context
from gateway.http.results import Result, result_of
from gateway.schema import GatewaySchema

ANY_OPERATION = frozenset(OperationType)


class Run:
    """An operation's results, read one at a time, with heartbeats between them if wanted."""

    def __init__(self, results: AsyncGenerator[Result, None]) -> None:
        self._results = results
        self._next: asyncio.Future[Result | None] | None = None
        self._held: Result | None = None  # read by `first`, still to be delivered
        self.ended = False
        # Called once, when the run is closed (its operation's metrics).
        self.on_close: Callable[[], None] | None = None

    def _pending(self) -> asyncio.Future[Result | None]:
        if self._next is None:
            self._next = asyncio.ensure_future(anext(self._results, None))
        return self._next

    async def first(self, listening: asyncio.Event) -> Result | None:
        """The result that came before the run listened, if any (None: it listens)."""
        pending = self._pending()
        waiter: asyncio.Future[object] = asyncio.ensure_future(listening.wait())
        try:
            await asyncio.wait((pending, waiter), return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if not pending.done():
            return None
        self._held = self._take()
        return self._held

    def _take(self) -> Result | None:
        assert self._next is not None
        result = self._next.result()
        self._next = None
        if result is None:
            self.ended = True
        return result

    async def results(self, heartbeat: float | None = None) -> AsyncIterator[Result | None]:
        """Each result in turn; `None` each `heartbeat` seconds without one."""
        if self._held is not None:
            held, self._held = self._held, None
            yield held
        while not self.ended:
            pending = self._pending()
            done, _ = await asyncio.wait({pending}, timeout=heartbeat)
            if not done:
                yield None
                continue
            result = self._take()
            if result is not None:
                yield result

    async def aclose(self) -> None:
        """Stop the operation: its subscription ends, its limits and bus place are freed."""
        if self._next is not None:
            self._next.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._next
            self._next = None
        self.ended = True
        await self._results.aclose()
        if (on_close := self.on_close) is not None:
            self.on_close = None
            on_close()


async def start(
    schema: GatewaySchema,
    query: str,
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Context,
    allowed: Collection[OperationType] = ANY_OPERATION,
) -> tuple[Run, Result | None]:
    """The run, and its first result if one came before it listened."""
    listening = asyncio.Event()
    context.on_listening = listening.set
    stream = await schema.stream(
        query,
        variable_values=variables,
        context_value=context,
        operation_name=operation_name,
        allowed_operation_types=allowed,
    )
    run = Run(_bodies(stream))
    try:
        first = await run.first(listening)
    except BaseException:
        await run.aclose()
        raise
    return run, first


async def _bodies(stream: AsyncGenerator[Any, None]) -> AsyncGenerator[Result, None]:
    try:
        async for result in stream:
            assert isinstance(result, ExecutionResult)
            yield result_of(result)
    finally:
        await stream.aclose()
