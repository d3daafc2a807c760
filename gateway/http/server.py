"""How uvicorn serves the gateway: bounds on slow, idle and excess client connections.

uvicorn closes idle keep-alive connections (`timeout_keep_alive`) but, with httptools, it
waits for a request head for ever and buffers a head of any size; and its
`limit_concurrency` answers 503 only once a whole head has arrived, so half-open
connections past it are held like any other. Here a subclass of uvicorn's
`HttpToolsProtocol` adds, per connection:

- a deadline for each request head (`GATEWAY_HEADER_TIMEOUT`), counted from the moment the
  connection opens or the previous response finishes: 408, then close;
- a bound on the head's size (`GATEWAY_MAX_HEADER_BYTES`): 431 and close, nothing more read
  into the parser;
- the connection cap (`GATEWAY_MAX_CLIENT_CONNECTIONS`), checked as each connection opens:
  past it an immediate 503 and close, before a single byte is read.

This is the only module that relies on uvicorn's internals (the protocol's constructor,
parser callbacks and per-connection state). `server_options` checks them once at start-up
(`internals_problem`); if they are not what this was written against it falls back to plain
uvicorn on h11, which bounds the head (a 400) and has the keep-alive timeout and
`limit_concurrency`, but no head deadline, and logs one WARNING saying so.
"""

from __future__ import annotations

import asyncio
import http
import inspect
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import uvicorn

from gateway.error_formatting import error_body
from gateway.http.file_limit import descriptors_needed, ensure_file_limit
from gateway.settings import Settings

if TYPE_CHECKING:
    from uvicorn.server import ServerState

_import_problem: str | None = None
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError as error:  # no httptools (PyPy), or a uvicorn that moved the module
    _import_problem = f"uvicorn's httptools protocol cannot be imported ({error})"
    # A stand-in base so this module still imports; `internals_problem` reports it.
    HttpToolsProtocol = asyncio.Protocol  # type: ignore[assignment,misc]

logger = logging.getLogger(__name__)

# How long a connection we answered on our own (408, 431, 503) is read from and drained
# after the answer and our FIN, so the client can read the answer: closing a socket with
# unread input makes the kernel send a reset, which can destroy the answer before the
# client reads it. Well-behaved clients close first; this bounds the others.
LINGER_SECONDS = 2.0

# What the subclass calls on its base with `super()`, and the state it reads from it.
_BASE_HOOKS = (
    "connection_made",
    "connection_lost",
    "data_received",
    "on_headers_complete",
    "on_message_complete",
    "on_response_complete",
)
_BASE_STATE = ("loop", "transport", "connections", "server_state", "cycle", "pipeline")
_CONSTRUCTOR = ("config", "server_state", "app_state", "_loop")


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float
    max_header_bytes: int
    max_connections: int


def _answer(
    status: http.HTTPStatus,
    code: str,
    message: str,
    default_headers: list[tuple[bytes, bytes]],
    *extra: tuple[bytes, bytes],
) -> bytes:
    """A whole HTTP/1.1 response that closes the connection, in the gateway's error shape."""
    body = orjson.dumps(error_body(message, code))
    headers = [
        *default_headers,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"connection", b"close"),
        *extra,
    ]
    head = [f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode("ascii")]
    head.extend(name + b": " + value + b"\r\n" for name, value in headers)
    return b"".join([*head, b"\r\n", body])


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline and a size bound on each request head,
    and the connection cap checked as each connection opens."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        limits: ConnectionLimits,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._limits = limits
        self._head_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None
        self._in_head = True  # waiting for (the rest of) a request head
        self._head_bytes = 0  # of the head being waited for
        self._served = False  # a response has been completed on this connection
        self._answered = False  # we answered on our own: what the client sends is dropped

    def connection_made(  # type: ignore[override]
        self, transport: asyncio.Transport
    ) -> None:
        super().connection_made(transport)
        if len(self.connections) > self._limits.max_connections:
            # Not counted while on its way out: a flood of refused connections must not keep
            # the next legitimate one out once the held ones close.
            self.connections.discard(self)
            self._answer_and_close(
                _answer(
                    http.HTTPStatus.SERVICE_UNAVAILABLE,
                    "SERVICE_UNAVAILABLE",
                    "The gateway is at its connection limit; retry shortly.",
                    self.server_state.default_headers,
                    (b"retry-after", b"1"),
                )
            )
            return
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        if self._linger_timer is not None:
            self._linger_timer.cancel()
            self._linger_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._answered:
            return
        if not self._in_head:
            super().data_received(data)
            return
        room = self._limits.max_header_bytes - self._head_bytes
        if len(data) <= room:
            self._head_bytes += len(data)
            super().data_received(data)
            return
        # Only what fits is parsed: the head must end inside it. The rest is body, then
        # perhaps the next request's head, counted afresh once the body has ended (a head
        # pipelined inside the very read that ends a body goes uncounted: one read at most).
        if room > 0:
            self._head_bytes += room
            super().data_received(data[:room])
        if self.transport.is_closing():
            return
        if self._in_head:
            self._head_too_large()
            return
        self.data_received(data[room:])

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._served = True
        if self.transport.is_closing():
            return
        if (self.cycle is None or self.cycle.response_complete) and not self.pipeline:
            # Nothing outstanding: the next head's deadline starts now.
            self._start_head_timer()

    def _start_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self._limits.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._in_head and (self._head_bytes or not self._served):
            self._answer_and_close(
                _answer(
                    http.HTTPStatus.REQUEST_TIMEOUT,
                    "REQUEST_TIMEOUT",
                    "The request head did not arrive in time.",
                    self.server_state.default_headers,
                )
            )
        else:
            # Idle after a response, or still sending a body nobody reads: a 408 could cross
            # a request the client is starting, and clients take a silent close as the end
            # of keep-alive.
            self.transport.close()

    def _head_too_large(self) -> None:
        if self.cycle is not None and not self.cycle.response_complete:
            # A pipelined head behind a response still being written: that response is
            # finished, then the connection closes (as uvicorn's own shutdown does).
            self._answered = True
            self.cycle.keep_alive = False
            return
        self._answer_and_close(
            _answer(
                http.HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                "HEADERS_TOO_LARGE",
                f"The request head is larger than {self._limits.max_header_bytes} bytes.",
                self.server_state.default_headers,
            )
        )

    def _answer_and_close(self, response: bytes) -> None:
        self._answered = True
        self._cancel_head_timer()
        self.transport.write(response)
        if not self.transport.can_write_eof():  # TLS: no half-close
            self.transport.close()
            return
        self.transport.write_eof()
        # uvicorn closes the transport when the client's FIN arrives (`eof_received`).
        self._linger_timer = self.loop.call_later(LINGER_SECONDS, self.transport.abort)


@dataclass(frozen=True)
class GuardedProtocolFactory:
    """What uvicorn calls for each connection (`http=`): picklable, so `--workers` get it."""

    limits: ConnectionLimits

    def __call__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> GuardedHttpToolsProtocol:
        return GuardedHttpToolsProtocol(config, server_state, app_state, _loop, limits=self.limits)


async def _no_app(scope: object, receive: object, send: object) -> None:
    """The probe's application: the protocol is built, never run."""


def internals_problem(base: type[asyncio.Protocol]) -> str | None:
    """Why `base` is not the uvicorn protocol the guarded one was written against, or None.

    Builds one instance the way uvicorn's server does, without a connection, and looks for
    the hooks and the state the subclass uses.
    """
    if _import_problem is not None and base is asyncio.Protocol:
        return _import_problem
    missing = [name for name in _BASE_HOOKS if not callable(getattr(base, name, None))]
    if missing:
        return f"{base.__qualname__} has no {', '.join(missing)}"
    constructor = inspect.signature(base.__init__)
    try:
        constructor.bind(None, **dict.fromkeys(_CONSTRUCTOR))
    except TypeError:
        return f"{base.__qualname__}{constructor} is not built as uvicorn's server builds it"
    try:
        from uvicorn.server import ServerState

        config = uvicorn.Config(_no_app, log_config=None, lifespan="off", proxy_headers=False)
        config.load()
        loop = asyncio.new_event_loop()
        try:
            probe = base(  # type: ignore[call-arg]
                config=config, server_state=ServerState(), app_state={}, _loop=loop
            )
        finally:
            loop.close()
    except Exception as error:  # any failure means the same: do not rely on it
        return f"{base.__qualname__} cannot be built as expected ({error!r})"
    missing = [name for name in _BASE_STATE if not hasattr(probe, name)]
    if missing:
        return f"{base.__qualname__} keeps no {', '.join(missing)}"
    if not isinstance(getattr(probe, "connections", None), set):
        return f"{base.__qualname__}.connections is not the server's set of connections"
    return None


def server_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn options (for `uvicorn.Config` or `uvicorn.run`) bounding client connections.

    Also raises the process's open-file limit towards what the connection cap needs; worker
    processes inherit it.
    """
    ensure_file_limit(descriptors_needed(settings.max_client_connections, settings.max_connections))
    # uvicorn believes X-Forwarded-For from 127.0.0.1 by default, so any local process could
    # name itself any client. The app applies GATEWAY_TRUSTED_PROXIES itself instead.
    # A WebSocket message is a GraphQL request too: bounded as a request body is.
    common: dict[str, Any] = {
        "proxy_headers": False,
        "ws_max_size": settings.max_request_bytes,
        # What requests in flight get once the process stops (gateway.http.shutdown).
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
    }
    problem = internals_problem(HttpToolsProtocol)
    if problem is None:
        limits = ConnectionLimits(
            header_timeout=settings.header_timeout,
            max_header_bytes=settings.max_header_bytes,
            max_connections=settings.max_client_connections,
        )
        return {
            **common,
            "http": GuardedProtocolFactory(limits),
            "timeout_keep_alive": settings.keepalive_timeout,
            "limit_concurrency": None,
        }
    logger.warning(
        "serving on plain uvicorn (h11), without a deadline for request heads and with "
        "connections past the cap refused only once their head has arrived: %s",
        problem,
    )
    return {
        **common,
        "http": "h11",
        "timeout_keep_alive": settings.keepalive_timeout,
        # uvicorn counts the connection asking among those open: +1 lets the cap be reached.
        "limit_concurrency": settings.max_client_connections + 1,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
    }
