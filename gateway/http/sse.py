"""GraphQL over Server-Sent Events, the `graphql-sse` protocol's distinct-connections mode.

A request that accepts `text/event-stream` gets one stream per operation: an `event: next`
per result, then `event: complete`. A request error (nothing ran: a parse or validation
error) is answered before any stream, as JSON with a 400, which the protocol's client treats
as final rather than retrying. Comment lines are the heartbeat: EventSource and the
protocol's client ignore them, and they keep proxies from closing an idle stream.
"""

from __future__ import annotations

import orjson

from gateway.http.results import Result
from gateway.http.shutdown import Shutdown
from gateway.http.stream_response import StreamResponse
from gateway.http.streams import Run

MEDIA_TYPE = "text/event-stream"
HEARTBEAT = b":\n\n"
COMPLETE = b"event: complete\ndata:\n\n"


def accepts_event_stream(accept: str | None) -> bool:
    return accept is not None and MEDIA_TYPE in accept.lower()


def _event(result: Result | None) -> bytes:
    if result is None:
        return HEARTBEAT
    # orjson writes no newline, so the JSON is one `data:` line.
    return b"event: next\ndata: " + orjson.dumps(result.body) + b"\n\n"


def event_stream(run: Run, *, heartbeat: float, shutdown: Shutdown | None) -> StreamResponse:
    return StreamResponse(
        run,
        media_type=f"{MEDIA_TYPE}; charset=utf-8",
        encode=_event,
        heartbeat=heartbeat,
        closing=COMPLETE,
        shutdown=shutdown,
    )
