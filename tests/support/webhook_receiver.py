"""A webhook receiver for tests: a tiny Starlette app that records every POST it gets and
answers 500 to the first `failures` deliveries (pings are always answered 200)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

WAIT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Received:
    request_id: str
    signature: str
    content_type: str
    body: bytes
    status: int

    @property
    def payload(self) -> Any:
        return json.loads(self.body)

    @property
    def is_ping(self) -> bool:
        return bool(self.payload == {"test": True})

    def signed_with(self, secret: str) -> bool:
        message = self.request_id.encode() + self.body
        expected = hmac.new(secret.encode(), message, hashlib.sha1).hexdigest()
        return hmac.compare_digest(expected, self.signature)


class Receiver:
    """The app (`receiver.app`) and what it received, safe to read from any thread."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self._received: list[Received] = []
        self._changed = threading.Condition()
        self.app = Starlette(routes=[Route("/hooks", self._receive, methods=["POST"])])

    @property
    def received(self) -> list[Received]:
        with self._changed:
            return list(self._received)

    def deliveries(self) -> list[Received]:
        return [r for r in self.received if not r.is_ping]

    async def wait_for(self, count: int) -> list[Received]:
        """Everything received, once at least `count` requests came in (in a coroutine)."""
        return await asyncio.to_thread(self.wait_until, count)

    def wait_until(self, count: int) -> list[Received]:
        """Everything received, once at least `count` requests came in (blocking)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._received) >= count, WAIT_TIMEOUT):
                raise AssertionError(f"{len(self._received)} of {count} requests received")
            return list(self._received)

    async def _receive(self, request: Request) -> Response:
        body = await request.body()
        with self._changed:
            status = 200
            if json.loads(body) != {"test": True} and self.failures > 0:
                self.failures -= 1
                status = 500
            self._received.append(
                Received(
                    request_id=request.headers.get("x-request-id", ""),
                    signature=request.headers.get("x-signature", ""),
                    content_type=request.headers.get("content-type", ""),
                    body=body,
                    status=status,
                )
            )
            self._changed.notify_all()
        return Response(status_code=status)
