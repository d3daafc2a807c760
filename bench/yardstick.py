"""The yardstick: a plain proxy with no GraphQL, the bar the gateway is measured against.

A Starlette endpoint that forwards the REST JSON body of `POST contracts/{id}/invoices`, as
bytes, to the upstream through one shared `httpx.AsyncClient` (default transport, pool and
timeouts), and answers with the upstream's status and body. It parses nothing: the least a
Python proxy on this stack can do. For the read benchmark (`bench/run-reads`) it forwards
`GET organizations/{id}/invoices/search` with its query string alike.

    BENCH_UPSTREAM_URL=http://127.0.0.1:8001 uvicorn bench.yardstick:create_app --factory
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import TypedDict

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class State(TypedDict):
    client: httpx.AsyncClient


def create_app() -> Starlette:
    upstream_url = os.environ["BENCH_UPSTREAM_URL"]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with httpx.AsyncClient(base_url=upstream_url) as client:
            yield {"client": client}

    async def create_invoice(request: Request) -> Response:
        client: httpx.AsyncClient = request.state.client
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if authorization := request.headers.get("authorization"):
            headers["Authorization"] = authorization
        upstream = await client.post(
            request.url.path, content=await request.body(), headers=headers
        )
        return Response(
            upstream.content,
            status_code=upstream.status_code,
            media_type=upstream.headers.get("content-type", "application/json"),
        )

    async def search_invoices(request: Request) -> Response:
        client: httpx.AsyncClient = request.state.client
        headers = {"Accept": "application/json"}
        if authorization := request.headers.get("authorization"):
            headers["Authorization"] = authorization
        query = request.url.query  # passed on as sent, not parsed
        upstream = await client.get(
            request.url.path + (f"?{query}" if query else ""), headers=headers
        )
        return Response(
            upstream.content,
            status_code=upstream.status_code,
            media_type=upstream.headers.get("content-type", "application/json"),
        )

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/api/v1/contracts/{contract_id:int}/invoices", create_invoice, methods=["POST"]),
            Route(
                "/api/v1/organizations/{organization_id:int}/invoices/search",
                search_invoices,
                methods=["GET"],
            ),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
