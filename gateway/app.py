"""The Starlette application: routes, and the upstream client's lifetime."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TypedDict

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway import sandbox
from gateway.schema import schema
from gateway.settings import Settings, load_settings
from gateway.upstream.client import UpstreamClient
from gateway.upstream.errors import UpstreamError
from gateway.view import GraphQLView

# The embedded sandbox is called in-process through this made-up origin.
SANDBOX_BASE_URL = "http://sandbox.invalid/api/v1"


class State(TypedDict):
    upstream: UpstreamClient


def _http_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    timeout = httpx.Timeout(
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        write=settings.write_timeout,
        pool=settings.pool_timeout,
    )
    limits = httpx.Limits(
        max_connections=settings.max_connections,
        max_keepalive_connections=settings.max_keepalive_connections,
    )
    headers = {"User-Agent": "invoice-gateway"}
    if settings.upstream_url is None:
        transport = transport or httpx.ASGITransport(app=sandbox.create_app())
    return httpx.AsyncClient(
        base_url=str(settings.upstream_url or SANDBOX_BASE_URL),
        timeout=timeout,
        limits=limits,
        headers=headers,
        transport=transport,
    )


def create_app(
    settings: Settings | None = None, *, upstream_transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    """The gateway. `upstream_transport` replaces the network (tests and benchmarks only)."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with _http_client(settings, upstream_transport) as http:
            yield {"upstream": UpstreamClient(http, deadline=settings.request_timeout)}

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        upstream: UpstreamClient = request.state.upstream
        try:
            await upstream.request(
                "GET", "health_check", authorization=settings.upstream_authorization()
            )
        except UpstreamError as error:
            return JSONResponse(
                {"status": "unavailable", "code": error.code, "reason": error.message},
                status_code=503,
            )
        return JSONResponse({"status": "ready"})

    graphql = GraphQLView(
        schema,
        graphql_ide="graphiql" if settings.graphiql else None,
        upstream_authorization=settings.upstream_authorization(),
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
