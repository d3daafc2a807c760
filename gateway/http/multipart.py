"""Apollo's multipart HTTP subscriptions (`multipart/mixed;subscriptionSpec=1.0`).

What Apollo Client's plain `HttpLink` sends for a subscription: the answer is a
`multipart/mixed` body with one JSON part per result, `{"payload": <result>}`, and `{}`
as the heartbeat. An error that ends the subscription from the gateway's side (the
subscriber fell behind) is the protocol's transport error, `{"payload": null, "errors"}`.
A request error is answered as plain JSON instead, which Apollo reads as any response.
"""

from __future__ import annotations

import orjson

from gateway.http.results import Result
from gateway.http.shutdown import Shutdown
from gateway.http.stream_response import StreamResponse
from gateway.http.streams import Run

BOUNDARY = b"graphql"
# Each part is followed by its boundary at once, so a client holds a whole part as soon as
# it arrives; "--" after the last boundary ends the body.
DELIMITER = b"\r\n--" + BOUNDARY
PART_HEAD = b"\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"
END = b"--\r\n"
HEARTBEAT = PART_HEAD + b"{}" + DELIMITER


def accepts_multipart_subscriptions(accept: str | None) -> bool:
    if accept is None:
        return False
    for item in accept.lower().split(","):
        media_range, *params = (part.strip() for part in item.split(";"))
        if media_range == "multipart/mixed" and any(
            param.replace(" ", "").replace('"', "") == "subscriptionspec=1.0" for param in params
        ):
            return True
    return False


def _part(result: Result | None) -> bytes:
    if result is None:
        return HEARTBEAT
    # An error that ends the stream (the gateway's, not the operation's) is outside the payload.
    if result.ends_stream:
        body = orjson.dumps({"payload": None, "errors": result.body["errors"]})
    else:
        body = orjson.dumps({"payload": result.body})
    return PART_HEAD + body + DELIMITER


def multipart_stream(run: Run, *, heartbeat: float, shutdown: Shutdown | None) -> StreamResponse:
    return StreamResponse(
        run,
        media_type=f'multipart/mixed; boundary="{BOUNDARY.decode()}"; subscriptionSpec="1.0"',
        encode=_part,
        heartbeat=heartbeat,
        opening=DELIMITER,
        closing=END,
        shutdown=shutdown,
    )
