"""The HTTP server span of each request (OpenTelemetry's HTTP semantic conventions), continuing
the trace a client's W3C `traceparent` names. Mounted only with tracing on."""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.observability import tracing
from gateway.observability.tracing import SpanKind


class TracingMiddleware:
    def __init__(self, app: ASGIApp, *, routes: Collection[str]) -> None:
        self.app = app
        # Only known paths name a span: any other path would be a new name per client.
        self._routes = frozenset(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method = scope.get("method", "GET")
        path = scope["path"]
        route = path if path in self._routes else None
        attributes: dict[str, str | int] = {
            "http.request.method": method,
            "url.path": path,
            "url.scheme": scope.get("scheme", "http"),
        }
        if route is not None:
            attributes["http.route"] = route
        if (client := scope.get("client")) is not None:
            attributes["client.address"] = client[0]
        name = f"{method} {route}" if route else method
        if scope["type"] == "websocket":
            name = f"WEBSOCKET {route or ''}".strip()
        with tracing.span(
            name, kind=SpanKind.SERVER, attributes=attributes, parent=tracing.extract(headers)
        ) as span:

            async def traced_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status = message["status"]
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:  # a server span's 4xx is the client's error, not ours
                        tracing.fail(span, str(status))
                await send(message)

            await self.app(scope, receive, traced_send)
