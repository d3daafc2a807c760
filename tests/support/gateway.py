"""The gateway app in-process, with its upstream replaced by an `httpx.MockTransport`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from gateway.upstream import codec

UPSTREAM_URL = "http://upstream.test/api/v1"

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Gateway:
    client: TestClient
    sent: list[httpx.Request] = field(default_factory=list)

    def graphql(
        self, query: str, variables: dict[str, Any] | str | None = None, **headers: str
    ) -> dict[str, Any]:
        """POST one operation; `variables` may be raw JSON text to keep exact numbers."""
        if isinstance(variables, str):
            body = f'{{"query": {json.dumps(query)}, "variables": {variables}}}'
        else:
            body = json.dumps({"query": query, "variables": variables})
        response = self.client.post(
            "/graphql",
            content=body,
            headers={"Content-Type": "application/json", **headers},
        )
        assert response.headers["content-type"].startswith("application/json"), response.text
        result: dict[str, Any] = json.loads(response.text, parse_float=Decimal)
        result["_status"] = response.status_code
        return result


@contextlib.contextmanager
def gateway_with(handler: Handler, **settings: Any) -> Iterator[Gateway]:
    sent: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return handler(request)

    app = create_app(
        Settings(upstream_url=UPSTREAM_URL, **settings),
        upstream_transport=httpx.MockTransport(recording),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Gateway(client=client, sent=sent)


def answer(status: int, body: object = None, **headers: str) -> Handler:
    """A handler that always gives the same answer (`bytes` bodies are sent as they are)."""

    def handle(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes):
            return httpx.Response(status, content=body, headers=headers)
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(
            status,
            content=codec.encode(body),
            headers={"Content-Type": "application/json", **headers},
        )

    return handle
