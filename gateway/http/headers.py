"""Bounds on request headers: the `Authorization` the gateway forwards, and the whole head.

The server bounds the raw head while reading it (`gateway.http.server`); this checks the
headers an ASGI app is given, so the bounds hold under any server. `Authorization` gets its
own, tighter bound because it is sent upstream with every call the request makes: a 1 MB
token would cost the upstream a megabyte per call. Past either bound the answer is `431
Request Header Fields Too Large` (RFC 6585), the status made for exactly this.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.error_formatting import error_body

CODE = "HEADERS_TOO_LARGE"


class HeaderLimitsMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_header_bytes: int, max_authorization_bytes: int
    ) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes
        self.max_authorization_bytes = max_authorization_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (problem := self._problem(scope)) is not None:
            await _refuse(send, problem)
            return
        await self.app(scope, receive, send)

    def _problem(self, scope: Scope) -> str | None:
        total = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        for name, value in scope["headers"]:
            total += len(name) + len(value) + 4  # ": " and CRLF
            if name == b"authorization" and len(value) > self.max_authorization_bytes:
                return (
                    "The Authorization header is too long "
                    f"(the limit is {self.max_authorization_bytes} bytes)."
                )
        if total > self.max_header_bytes:
            return (
                f"The request's headers are too large (the limit is {self.max_header_bytes} bytes)."
            )
        return None


async def _refuse(send: Send, message: str) -> None:
    body = orjson.dumps(error_body(message, CODE))
    await send(
        {
            "type": "http.response.start",
            "status": 431,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


__all__ = ["CODE", "HeaderLimitsMiddleware"]
