"""The work `bench/instructions.py` counts: requests through the gateway's ASGI app, in process.

The upstream is an `httpx.MockTransport` answering from memory (the stand-ins' bodies), so
what is counted is the gateway's own work for each request: HTTP endpoint, GraphQL, REST
mapping, JSON both ways, without sockets. Run by `bench/instructions.py` under valgrind, in
the project's .venv:

    python -m bench.instructions_run read 200       # 200 read pages after the warm-up
    python -m bench.instructions_run create:1000 20 # 20 createInvoice with 1,000 items each
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import MutableMapping
from typing import Any

import httpx

from bench import payloads, reads_upstream
from gateway.app import create_app
from gateway.settings import Settings

WARMUP = 20


def workload(kind: str) -> tuple[bytes, httpx.Response]:
    """The request body and the upstream's answer for `read` or `create:N`."""
    if kind == "read":
        answer = httpx.Response(200, content=reads_upstream.search_body())
        query = payloads.read_query(reads_upstream.READ_ORGANIZATION, reads_upstream.PAGE_SIZE)
        return json.dumps({"query": query}).encode(), answer
    if kind.startswith("create:"):
        items = int(kind.removeprefix("create:"))
        return payloads.graphql_body(items), httpx.Response(
            201, content=payloads.invoice_response(items)
        )
    raise SystemExit(f"unknown workload {kind!r}: read or create:N")


async def run(kind: str, requests: int) -> None:
    body, answer = workload(kind)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            answer.status_code,
            content=answer.content,
            headers={"Content-Type": "application/json"},
        )

    app = create_app(
        Settings(upstream_url="http://upstream.test/api/v1"),
        upstream_transport=httpx.MockTransport(handler),
    )
    headers = [
        (b"host", b"gateway.test"),
        (b"content-type", b"application/json"),
        (b"accept", b"application/json"),
        (b"authorization", b"Token token=bench"),
        (b"content-length", str(len(body)).encode()),
    ]
    async with app.router.lifespan_context(app) as state:

        async def one() -> None:
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "POST",
                "scheme": "http",
                "path": "/graphql",
                "raw_path": b"/graphql",
                "query_string": b"",
                "root_path": "",
                "headers": headers,
                "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 80),
                "state": dict(state or {}),
            }
            messages: list[MutableMapping[str, Any]] = []
            given = False

            async def receive() -> dict[str, Any]:
                nonlocal given
                if given:
                    await asyncio.Event().wait()  # no disconnect while the answer is written
                given = True
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(message: MutableMapping[str, Any]) -> None:
                messages.append(message)

            await app(scope, receive, send)
            status = messages[0]["status"]
            if status != 200 or b'"errors"' in messages[1]["body"]:
                raise SystemExit(f"unexpected answer {status}: {messages[1]['body'][:300]!r}")

        for _ in range(WARMUP):
            await one()
        for _ in range(requests):
            await one()


def main() -> None:
    kind, requests = sys.argv[1], int(sys.argv[2])
    asyncio.run(run(kind, requests))


if __name__ == "__main__":
    main()
