"""Structured logs (one JSON object per line) tied together by a request id.

Each HTTP request gets an id, from a well-formed incoming `X-Request-Id` or a new one. It is
returned to the client, sent upstream with every call made for the request, and stamped on
every log line written while handling it, with `trace_id` and `span_id` when tracing is on.
Log lines never carry headers or bodies: the `Authorization` value and attachment content
cannot leak through them.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import time
import uuid
from dataclasses import dataclass

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.observability import tracing

REQUEST_ID_HEADER = "X-Request-Id"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        # With tracing on, each line names its trace and span, so logs and traces join up.
        if (ids := tracing.current_ids()) is not None:
            record.trace_id, record.span_id = ids
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        OrjsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}{process}",
            style="{",
            # `pid` tells the workers of one gateway (`--workers N`) apart.
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "process": "pid",
            },
            # uvicorn's ANSI-coloured copy of each message is noise in a log pipeline.
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )
    )
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # The gateway writes its own access line (`RequestIdMiddleware`). uvicorn writes one of its
    # own whenever its access logger has a handler, propagation included, so it gets none:
    # this also holds in worker processes, which configure logging after uvicorn has.
    access = logging.getLogger("uvicorn.access")
    access.handlers[:] = []
    access.propagate = False


@dataclass
class UpstreamStats:
    """What one HTTP request cost upstream, for its access line."""

    calls: int = 0
    milliseconds: float = 0.0


upstream_stats: contextvars.ContextVar[UpstreamStats | None] = contextvars.ContextVar(
    "upstream_stats", default=None
)
access_logger = logging.getLogger("gateway.access")


class RequestIdMiddleware:
    """Gives every HTTP request an id, echoes it in the response's `X-Request-Id`, and writes
    one access line per request: status, duration, and how many upstream calls it made and
    how long they took (each call's own line is at DEBUG).

    A WebSocket is one request: its id (the upgrade's `X-Request-Id`, or a new one) is echoed
    on the handshake, goes upstream with every call its operations make, and its access line
    is written when it closes (status 101, or 403 if it was refused)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get(REQUEST_ID_HEADER)
        current = incoming if incoming and _VALID_REQUEST_ID.fullmatch(incoming) else None
        token = request_id.set(current or uuid.uuid4().hex)
        stats = UpstreamStats()
        stats_token = upstream_stats.set(stats)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id.get() or ""
            elif message["type"] == "websocket.accept":
                status = 101
                headers = list(message.get("headers") or [])
                headers.append((REQUEST_ID_HEADER.encode(), (request_id.get() or "").encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "websocket.close" and not status:
                status = 403  # closed before the handshake: uvicorn answers 403
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_logger.info(
                    "request",
                    extra={
                        "method": scope.get("method", "WEBSOCKET"),
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "upstream_calls": stats.calls,
                        "upstream_ms": round(stats.milliseconds, 1),
                        "client": client[0] if client else None,
                    },
                )
            upstream_stats.reset(stats_token)
            request_id.reset(token)
