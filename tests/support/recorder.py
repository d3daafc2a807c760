"""An ASGI wrapper that records every request an upstream stand-in receives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body, parse_float=Decimal)


class Recorder:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.requests: list[Recorded] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        self.requests.append(
            Recorded(
                method=scope["method"],
                path=scope["path"],
                query=scope["query_string"].decode(),
                headers={k.decode().lower(): v.decode() for k, v in scope["headers"]},
                body=body,
            )
        )
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
