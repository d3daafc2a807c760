"""The Starlette application: routes, and the upstream client's lifetime."""

from __future__ import annotations

import contextlib
import inspect
import secrets
from collections.abc import AsyncIterator
from typing import TypedDict

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import upstream_sandbox
from gateway import fastpath
from gateway.allowlist import Allowlist
from gateway.context import Events
from gateway.errors import IdempotencyStoreUnavailable, ManifestError, SettingsError, UpstreamError
from gateway.http.endpoint import EndpointOptions, GraphQLEndpoint
from gateway.http.graphql_ws import GraphQLWebSocket, WebSocketOptions
from gateway.http.headers import HeaderLimitsMiddleware
from gateway.http.metrics_endpoint import MetricsEndpoint, serve_metrics
from gateway.http.rate_limit import RateLimited, rate_limiter_for
from gateway.http.shutdown import Shutdown, drain_on_sigterm
from gateway.http.tracing import TracingMiddleware
from gateway.idempotency import IdempotencyStore
from gateway.idempotency.memory import MemoryIdempotencyStore
from gateway.idempotency.redis import RedisIdempotencyStore
from gateway.idempotency.writes import IdempotentWrites
from gateway.input_limits import InputLimits
from gateway.logs import RequestIdMiddleware
from gateway.observability import metrics, tracing
from gateway.operations.subscription_limits import SubscriptionLimits
from gateway.persisted_queries import MemoryPersistedQueryStore
from gateway.playground import ASSETS_DIR, render_html
from gateway.rest.shared_reads import SharedReads
from gateway.schema import build_schema
from gateway.settings import Settings, load_settings
from gateway.upstream.breaker import CircuitBreaker, CircuitState
from gateway.upstream.client import UpstreamClient
from gateway.upstream.transport import AiohttpTransport
from gateway.webhooks.bus import EventBus, MemoryEventBus, RedisEventBus
from gateway.webhooks.dedup import MemorySeenDeliveries, RedisSeenDeliveries, SeenDeliveries
from gateway.webhooks.endpoint import WebhookEndpoint, WebhookOptions

# The embedded sandbox is called in-process through this made-up origin.
SANDBOX_BASE_URL = "http://sandbox.invalid/api/v1"

IDEMPOTENCY_LEASE_MARGIN = 5.0

# GraphiQL's vendored files, served by the gateway so the playground needs no internet.
PLAYGROUND_ASSETS = "/graphql/assets"

# What browsers may send cross-origin: the GraphQL basics, credentials, Apollo's client
# headers (including the CSRF preflight markers) and idempotency keys.
CORS_ALLOWED_HEADERS = [
    "Content-Type",
    "Authorization",
    "Apollo-Require-Preflight",
    "X-Apollo-Operation-Name",
    "Apollographql-Client-Name",
    "Apollographql-Client-Version",
    "Idempotency-Key",
]


class State(TypedDict):
    upstream: UpstreamClient
    writes: IdempotentWrites
    events: EventBus
    seen_deliveries: SeenDeliveries
    subscriptions: Events
    shutdown: Shutdown


def _idempotency_store(settings: Settings) -> IdempotencyStore:
    if settings.redis_url is None:
        return MemoryIdempotencyStore(
            max_entries=settings.idempotency_max_keys, max_bytes=settings.idempotency_max_bytes
        )
    return RedisIdempotencyStore.from_url(str(settings.redis_url))


def _event_bus(settings: Settings) -> EventBus:
    if settings.redis_url is None:
        return MemoryEventBus(max_pending=settings.subscription_max_pending)
    return RedisEventBus(str(settings.redis_url), max_pending=settings.subscription_max_pending)


def _seen_deliveries(settings: Settings) -> SeenDeliveries:
    if settings.redis_url is None:
        return MemorySeenDeliveries(
            ttl=settings.webhook_dedup_seconds, max_entries=settings.webhook_dedup_max_keys
        )
    return RedisSeenDeliveries.from_url(str(settings.redis_url), ttl=settings.webhook_dedup_seconds)


def webhook_secret(settings: Settings) -> str | None:
    """The secret deliveries are signed with: the configured one, or on the embedded sandbox
    (which signs its own deliveries) one made now; None turns /webhooks off."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    if settings.embedded:
        return secrets.token_urlsafe(32)
    return None


def webhook_url(settings: Settings) -> str:
    """Where this gateway's /webhooks is reached from its own machine (the embedded sandbox)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(settings.host, settings.host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/webhooks"


def _embedded_sandbox(settings: Settings, secret: str | None) -> Starlette:
    # The sandbox signs its deliveries with the gateway's secret once its create_app takes
    # these keywords (until then it is created as before). With port 0 the gateway's own URL
    # is not known before it listens, so the sandbox is given none.
    parameters = inspect.signature(upstream_sandbox.create_app).parameters
    if (
        secret is None
        or settings.port == 0
        or not {"webhook_secret", "webhook_url"} <= parameters.keys()
    ):
        return upstream_sandbox.create_app()
    return upstream_sandbox.create_app(webhook_secret=secret, webhook_url=webhook_url(settings))


async def _close_sandbox(transport: httpx.AsyncBaseTransport) -> None:
    # Served in-process, the sandbox's own lifespan never runs: its webhook sender, if it has
    # one, is closed here.
    sandbox = getattr(transport, "app", None)
    sender = getattr(getattr(sandbox, "state", None), "webhooks", None)
    if sender is not None:
        await sender.aclose()


def _limits(settings: Settings) -> httpx.Limits:
    # aiohttp keeps any connection of its pool alive for reuse (for 5 s idle): the pool's
    # size is the one bound there is.
    return httpx.Limits(
        max_connections=settings.max_connections,
        max_keepalive_connections=settings.max_connections,
    )


def _transport(settings: Settings, webhook_secret: str | None) -> httpx.AsyncBaseTransport:
    if settings.upstream_url is None:
        return httpx.ASGITransport(app=_embedded_sandbox(settings, webhook_secret))
    return AiohttpTransport(limits=_limits(settings))


def _http_client(settings: Settings, transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
    # Sending is bounded by the whole exchange's deadline: aiohttp has no write timeout.
    timeout = httpx.Timeout(
        settings.request_timeout,
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        pool=settings.pool_timeout,
    )
    return httpx.AsyncClient(
        base_url=str(settings.upstream_url or SANDBOX_BASE_URL),
        timeout=timeout,
        limits=_limits(settings),
        headers={"User-Agent": "invoice-gateway"},
        transport=transport,
    )


def create_app(
    settings: Settings | None = None, *, upstream_transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    """The gateway. `upstream_transport` replaces the network (tests and benchmarks only)."""
    settings = settings or load_settings()
    try:
        allowlist = Allowlist.configured(
            settings.trusted_documents, settings.trusted_documents_mode
        )
    except ManifestError as error:
        raise SettingsError(f"invalid configuration: GATEWAY_TRUSTED_DOCUMENTS={error}") from None
    rate_limiter = rate_limiter_for(settings)
    secret = webhook_secret(settings)
    shutdown = Shutdown()
    if settings.tracing and not tracing.active():
        tracing.configure(service_name=settings.otel_service_name)
    metrics_token = (
        None if settings.metrics_token is None else settings.metrics_token.get_secret_value()
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        store = _idempotency_store(settings)
        # The process's one bus, also on app.state for in-process subscribers (tests).
        events = app.state.events = _event_bus(settings)
        seen = _seen_deliveries(settings)
        transport = upstream_transport
        stop_metrics = (
            None
            if settings.metrics_port is None
            else serve_metrics(settings.host, settings.metrics_port, metrics_token)
        )
        try:
            transport = transport or _transport(settings, secret)
            # The embedded sandbox's product-UI actions are offered at the gateway's /sandbox.
            app.state.sandbox = (
                transport.app
                if upstream_transport is None and isinstance(transport, httpx.ASGITransport)
                else None
            )
            await events.open()
            async with _http_client(settings, transport) as http:
                upstream = UpstreamClient(
                    http,
                    transport=transport,
                    deadline=settings.request_timeout,
                    connect_retries=settings.connect_retries,
                    breaker=CircuitBreaker(
                        failure_threshold=settings.breaker_failures,
                        reset_after=settings.breaker_reset_seconds,
                    ),
                    max_concurrent=settings.max_connections,
                    queue_timeout=settings.pool_timeout,
                )
                limits = SubscriptionLimits(
                    per_credentials=settings.max_subscriptions_per_credentials,
                    total=settings.max_subscriptions_total,
                )
                _watch(upstream, limits)
                state: State = {
                    "upstream": upstream,
                    "writes": IdempotentWrites(
                        store,
                        # Longer than any upstream call may take, so a live owner keeps its key.
                        lease=settings.request_timeout + IDEMPOTENCY_LEASE_MARGIN,
                        ttl=settings.idempotency_ttl_seconds,
                    ),
                    "events": events,
                    "seen_deliveries": seen,
                    "shutdown": shutdown,
                    "subscriptions": Events(feed=events, reads=SharedReads(), limits=limits),
                }
                with (
                    fastpath.tuned_collector(schema.compiled),
                    drain_on_sigterm(shutdown, delay=settings.shutdown_delay_seconds),
                ):
                    yield state
        finally:
            if upstream_transport is None and transport is not None:
                await _close_sandbox(transport)
            if stop_metrics is not None:
                stop_metrics()
            tracing.shutdown()  # what is buffered goes out before the process does
            await events.close()
            await seen.close()
            await store.close()
            if rate_limiter is not None:
                await rate_limiter.close()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        if shutdown.draining:
            # First thing on SIGTERM, so the load balancer sends nothing new here.
            return JSONResponse({"status": "draining"}, status_code=503)
        upstream: UpstreamClient = request.state.upstream
        writes: IdempotentWrites = request.state.writes
        try:
            await upstream.request(
                "GET", "health_check", authorization=settings.upstream_authorization()
            )
            # Keyed mutations fail closed without the store: not ready either.
            await writes.store.ping()
        except (UpstreamError, IdempotencyStoreUnavailable) as error:
            return JSONResponse(
                {
                    "status": "unavailable",
                    "code": error.code,
                    "reason": error.message,
                    "circuit": upstream.breaker.state.value,
                },
                status_code=503,
            )
        return JSONResponse({"status": "ready", "circuit": upstream.breaker.state.value})

    limits = InputLimits.for_uploads(
        max_items=settings.max_list_length,
        max_string_length=settings.max_string_length,
        max_upload_bytes=settings.max_upload_bytes,
        max_depth=settings.max_json_depth,
    )
    schema = build_schema(
        introspection=settings.introspection,
        field_suggestions=settings.field_suggestions,
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_directives=settings.max_directives,
        max_tokens=settings.max_tokens,
        max_query_bytes=settings.max_query_bytes,
        input_limits=limits,
        document_cache_bytes=settings.document_cache_bytes,
        fast_path=settings.fast_path,
        tracing=tracing.active(),
    )
    graphql = GraphQLEndpoint(
        schema=schema,
        store=MemoryPersistedQueryStore(
            max_entries=settings.apq_max_entries, max_bytes=settings.apq_max_bytes
        ),
        options=EndpointOptions(
            max_request_bytes=settings.max_request_bytes,
            max_upload_bytes=settings.max_upload_bytes,
            max_batch_size=settings.max_batch_size,
            body_timeout=settings.body_timeout,
            allowed_origins=frozenset(settings.cors_origins),
            upstream_authorization=settings.upstream_authorization(),
            playground=_playground if settings.graphiql else None,
            input_limits=limits,
            allowlist=allowlist,
            heartbeat=settings.subscription_heartbeat_seconds,
        ),
    )
    websockets = GraphQLWebSocket(
        graphql,
        WebSocketOptions(
            init_timeout=settings.subscription_init_timeout,
            heartbeat=settings.subscription_heartbeat_seconds,
            max_subscriptions=settings.max_subscriptions,
            max_pending=settings.subscription_max_pending,
            max_authorization_bytes=settings.max_authorization_bytes,
            allowed_origins=frozenset(settings.cors_origins),
        ),
    )
    middleware = [
        *([Middleware(TracingMiddleware, routes=KNOWN_ROUTES)] if tracing.active() else []),
        Middleware(RequestIdMiddleware),
        Middleware(
            HeaderLimitsMiddleware,
            max_header_bytes=settings.max_header_bytes,
            max_authorization_bytes=settings.max_authorization_bytes,
        ),
    ]
    if settings.trusted_proxies:
        # First, so that the access log and the rate limits see the client behind the proxy.
        middleware.insert(
            0, Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
        )
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=CORS_ALLOWED_HEADERS,
                # A browser app may read when to retry after a 429 (or a 503).
                expose_headers=["Retry-After", "X-Request-Id"],
                max_age=600,
            )
        )
    routes: list[BaseRoute] = [
        Route(
            "/graphql",
            graphql
            if rate_limiter is None
            # With the deployment's own upstream token, a client's Authorization is no identity.
            else RateLimited(
                graphql, rate_limiter, by_credentials=settings.upstream_authorization() is None
            ),
        ),
        WebSocketRoute("/graphql", websockets),
        Route("/healthz", healthz, methods=["GET"]),
        *(
            [Route("/metrics", MetricsEndpoint(metrics_token).handle, methods=["GET"])]
            if settings.metrics and settings.metrics_port is None
            else []
        ),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    if secret is not None:  # without a secret, nothing could be verified: 404
        webhooks = WebhookEndpoint(
            WebhookOptions(
                secret=secret,
                signature_header=settings.webhook_signature_header,
                request_id_header=settings.webhook_request_id_header,
                max_bytes=settings.webhook_max_bytes,
                body_timeout=settings.body_timeout,
            )
        )
        routes.append(Route("/webhooks", webhooks.handle, methods=["POST"]))
    if settings.embedded:
        routes.append(
            Route("/sandbox/invoices/{id:int}/{action}", EmbeddedProductUI(), methods=["POST"])
        )
    if settings.graphiql:  # with the playground off, its files are not served either
        routes.append(
            Mount(PLAYGROUND_ASSETS, StaticFiles(directory=ASSETS_DIR), name="playground")
        )
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
    )
    # What the embedded sandbox signs with, for whoever must sign as it does (tests).
    app.state.webhook_secret = secret
    app.state.shutdown = shutdown
    return app


KNOWN_ROUTES = ("/graphql", "/webhooks", "/healthz", "/readyz", "/metrics")


def _watch(upstream: UpstreamClient, limits: SubscriptionLimits) -> None:
    """What the gauges read at each scrape: this process's upstream client and subscriptions."""
    metrics.watch_circuit(
        lambda: upstream.breaker.state.value, [state.value for state in CircuitState]
    )
    metrics.watch(metrics.pool_in_use, lambda: upstream.in_use)
    metrics.watch(metrics.subscriptions_active, lambda: limits.active)


class EmbeddedProductUI:
    """The embedded sandbox's simulated product UI (`POST /sandbox/invoices/{id}/{action}`),
    reached through the gateway, since that sandbox listens on no port of its own."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sandbox = getattr(scope["app"].state, "sandbox", None)
        if sandbox is None:  # the upstream was replaced (tests): there is no sandbox to ask
            await JSONResponse({"error": "not found"}, status_code=404)(scope, receive, send)
            return
        # The sandbox's own route, path and all; it answers 404 and 422 as it does alone.
        await sandbox(scope, receive, send)


def _playground() -> str:
    return render_html(assets_url=PLAYGROUND_ASSETS, endpoint="/graphql")
