"""GraphQL over WebSocket, the `graphql-transport-ws` protocol (Apollo's `GraphQLWsLink`,
GraphiQL), on `/graphql`.

The protocol's rules and close codes, as graphql-ws defines them: `connection_init` within
`GATEWAY_SUBSCRIPTION_INIT_TIMEOUT` (else 4408) and only once (4429); nothing to run before the
`connection_ack` (4401); an id in use twice (4409); a message that is not the protocol's
(4400); no `graphql-transport-ws` subprotocol (4406). Credentials are the upgrade request's
`Authorization` header or, since browsers cannot set headers on a WebSocket, the
`connection_init` payload's `Authorization` (also read from `payload.headers`).

Every operation type runs (a query answers one `next`, then `complete`). The server pings
every `GATEWAY_SUBSCRIPTION_HEARTBEAT_SECONDS`, which keeps proxies from closing an idle
connection, and answers a client's `ping` once every operation the client started before it
listens to the event bus, so a `pong` tells a client its subscriptions will miss nothing from
then on.

Writes go through one bounded outbox per connection. A connection whose outbox fills (its
client reads slower than its events come) or one of whose subscriptions falls behind the
event bus is closed with 1013 ("try again later"), never buffered without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from gateway.errors import MalformedRequest, TooManySubscriptions
from gateway.http.request import decode_json, operation_from
from gateway.http.results import Result
from gateway.http.shutdown import Shutdown

if TYPE_CHECKING:
    from gateway.http.endpoint import GraphQLEndpoint

logger = logging.getLogger(__name__)

PROTOCOL = "graphql-transport-ws"
MAX_ID_LENGTH = 128

# graphql-ws's close codes.
BAD_REQUEST = 4400
UNAUTHORIZED = 4401
FORBIDDEN = 4403
SUBPROTOCOL_NOT_ACCEPTABLE = 4406
INIT_TIMEOUT = 4408
DUPLICATE_ID = 4409
TOO_MANY_INITS = 4429
TRY_AGAIN_LATER = 1013
GOING_AWAY = 1001


@dataclass(frozen=True, kw_only=True)
class WebSocketOptions:
    init_timeout: float
    heartbeat: float
    max_subscriptions: int
    max_pending: int
    max_authorization_bytes: int
    allowed_origins: Collection[str] = ()


class GraphQLWebSocket:
    def __init__(self, endpoint: GraphQLEndpoint, options: WebSocketOptions) -> None:
        self._endpoint = endpoint
        self._options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        if not self._same_origin(websocket):
            # Before the handshake: the browser of a page from another origin gets a 403.
            logger.info("WebSocket from a foreign origin refused")
            await websocket.close(code=FORBIDDEN)
            return
        if PROTOCOL not in scope.get("subprotocols", ()):
            await websocket.accept()
            await websocket.close(SUBPROTOCOL_NOT_ACCEPTABLE, "Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=PROTOCOL)
        await _Connection(websocket, self._endpoint, self._options).serve()

    def _same_origin(self, websocket: WebSocket) -> bool:
        # A browser always names the page's origin; other clients usually send none.
        origin = websocket.headers.get("origin")
        if origin is None or origin in self._options.allowed_origins:
            return True
        scheme = "https" if websocket.url.scheme == "wss" else "http"
        return origin == f"{scheme}://{websocket.url.netloc}"


class _Connection:
    def __init__(
        self, websocket: WebSocket, endpoint: GraphQLEndpoint, options: WebSocketOptions
    ) -> None:
        self._websocket = websocket
        self._endpoint = endpoint
        self._options = options
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue(options.max_pending)
        self._operations: dict[str, asyncio.Task[None]] = {}
        self._ready: dict[str, asyncio.Event] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._initialised = False
        self._acknowledged = asyncio.Event()
        self._authorization: str | None = None
        # Set once, by whoever ends the connection: a close code and reason, or None when
        # the client went away.
        self._ended: asyncio.Future[tuple[int, str] | None] = (
            asyncio.get_running_loop().create_future()
        )

    async def serve(self) -> None:
        workers = [
            asyncio.ensure_future(self._read()),
            asyncio.ensure_future(self._write()),
            asyncio.ensure_future(self._keep_time()),
        ]
        shutdown: Shutdown | None = getattr(self._websocket.state, "shutdown", None)
        if shutdown is not None:
            workers.append(asyncio.ensure_future(self._until_stopped(shutdown)))
        try:
            ending = await self._ended
        finally:
            for task in [*workers, *self._operations.values(), *self._tasks]:
                task.cancel()
            for task in [*workers, *self._operations.values(), *self._tasks]:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if ending is not None:
            code, reason = ending
            with contextlib.suppress(Exception):  # the client may be gone already
                await self._websocket.close(code, reason)

    async def _until_stopped(self, shutdown: Shutdown) -> None:
        await shutdown.stopped()
        # graphql-ws clients reconnect after a 1001, to a process still running.
        self._end(GOING_AWAY, "The gateway is restarting")

    def _end(self, code: int | None = None, reason: str = "") -> None:
        if not self._ended.done():
            self._ended.set_result(None if code is None else (code, reason))

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self._outbox.put_nowait(orjson.dumps(message))
        except asyncio.QueueFull:
            logger.info("graphql-ws client reads too slowly; disconnected")
            self._end(TRY_AGAIN_LATER, "Slow consumer: the client fell behind its events")

    async def _write(self) -> None:
        try:
            while True:
                message = await self._outbox.get()
                await self._websocket.send_text(message.decode())
        except Exception:  # the socket is gone: whatever the ASGI server raised
            self._end()

    async def _keep_time(self) -> None:
        try:
            # Not `wait_for`: on 3.11 it can swallow a cancellation that meets the ack.
            async with asyncio.timeout(self._options.init_timeout):
                await self._acknowledged.wait()
        except TimeoutError:
            self._end(INIT_TIMEOUT, "Connection initialisation timeout")
            return
        while True:
            await asyncio.sleep(self._options.heartbeat)
            self._send({"type": "ping"})

    async def _read(self) -> None:
        try:
            while True:
                message = await self._websocket.receive()
                if message["type"] == "websocket.disconnect":
                    self._end()
                    return
                text = message.get("text")
                if text is None:
                    self._end(BAD_REQUEST, "Binary messages are not supported")
                    return
                self._handle(text)
        except Exception:
            self._end()

    def _handle(self, text: str) -> None:
        try:
            message = decode_json(text)
        except (ValueError, MalformedRequest):
            self._end(BAD_REQUEST, "Invalid message received: not JSON")
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "connection_init":
            self._initialise(message.get("payload"))
        elif kind == "ping":
            self._pong()
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            self._subscribe(message.get("id"), message.get("payload"))
        elif kind == "complete":
            self._complete(message.get("id"))
        else:
            self._end(BAD_REQUEST, "Invalid message received: unknown type")

    def _initialise(self, payload: object) -> None:
        if self._initialised:
            self._end(TOO_MANY_INITS, "Too many initialisation requests")
            return
        self._initialised = True
        if payload is not None and not isinstance(payload, dict):
            self._end(BAD_REQUEST, "Invalid message received: payload must be an object")
            return
        authorization = _authorization(payload or {})
        if authorization is not None and (
            not isinstance(authorization, str)
            or len(authorization.encode("utf-8", "replace")) > self._options.max_authorization_bytes
        ):
            self._end(
                FORBIDDEN,
                "connection_init payload.Authorization: must be a string of at most "
                f"{self._options.max_authorization_bytes} bytes",
            )
            return
        self._authorization = authorization
        self._acknowledged.set()
        self._send({"type": "connection_ack"})

    def _pong(self) -> None:
        pending = [ready.wait() for ready in self._ready.values() if not ready.is_set()]
        if not pending:
            self._send({"type": "pong"})
            return

        async def later() -> None:
            await asyncio.gather(*pending)
            self._send({"type": "pong"})

        self._spawn(later())

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _subscribe(self, id: object, payload: object) -> None:
        if not self._acknowledged.is_set():
            self._end(UNAUTHORIZED, "Unauthorized")
            return
        if not isinstance(id, str) or not id or len(id) > MAX_ID_LENGTH:
            self._end(
                BAD_REQUEST,
                f"Invalid message received: id must be a string of 1 to {MAX_ID_LENGTH} characters",
            )
            return
        if id in self._operations:
            self._end(DUPLICATE_ID, "Subscriber for this id already exists")
            return
        try:
            operation = operation_from(payload)
        except MalformedRequest as error:
            self._end(BAD_REQUEST, f"Invalid message received: {error.message}")
            return
        if len(self._operations) >= self._options.max_subscriptions:
            refusal = TooManySubscriptions(
                f"This connection already runs {self._options.max_subscriptions} "
                "operations, the limit; complete one first."
            )
            self._send(
                {
                    "id": id,
                    "type": "error",
                    "payload": [{"message": refusal.message, "extensions": refusal.extensions}],
                }
            )
            return
        ready = self._ready[id] = asyncio.Event()
        self._operations[id] = asyncio.ensure_future(self._operate(id, operation, ready))

    def _complete(self, id: object) -> None:
        if not isinstance(id, str):
            self._end(BAD_REQUEST, "Invalid message received: id must be a string")
            return
        task = self._operations.pop(id, None)
        self._ready.pop(id, None)
        if task is not None:
            task.cancel()

    async def _operate(self, id: str, operation: Any, ready: asyncio.Event) -> None:
        try:
            context = self._endpoint.context_for(self._websocket, authorization=self._authorization)
            try:
                run, first = await self._endpoint.open_run(operation, context)
            except MalformedRequest as error:
                run, first = (
                    None,
                    Result(
                        {
                            "errors": [
                                {"message": error.message, "extensions": {"code": error.code}}
                            ]
                        },
                        request_error=True,
                    ),
                )
            finally:
                ready.set()
            if run is None or (first is not None and first.request_error):
                if run is not None:
                    await run.aclose()
                assert first is not None
                self._finish(id, {"id": id, "type": "error", "payload": first.body["errors"]})
                return
            try:
                async for result in run.results():
                    assert result is not None  # no heartbeats asked for: the connection pings
                    self._send({"id": id, "type": "next", "payload": result.body})
                    if result.ends_stream:
                        self._end(TRY_AGAIN_LATER, "Slow consumer: fell behind its events")
                        return
            finally:
                await run.aclose()
            self._finish(id, {"id": id, "type": "complete"})
        finally:
            ready.set()

    def _finish(self, id: str, message: dict[str, Any]) -> None:
        # Not for an operation the client completed itself: it expects nothing more.
        if self._operations.pop(id, None) is not None:
            self._ready.pop(id, None)
            self._send(message)


def _authorization(payload: dict[str, Any]) -> object:
    for source in (payload, payload.get("headers")):
        if isinstance(source, dict):
            for name in ("Authorization", "authorization"):
                if name in source:
                    return source[name]
    return None
