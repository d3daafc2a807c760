"""`GET /metrics`: the Prometheus registry, in the OpenMetrics format (with exemplars) when the
scraper asks for it, optionally behind a bearer token; on the main port or on a port of its
own (`serve_metrics`, a thread with the standard library's WSGI server, as prometheus-client
serves it)."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer, choose_encoder
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.observability.metrics import REGISTRY

UNAUTHORIZED = {"error": {"code": "UNAUTHENTICATED", "message": "/metrics needs its token."}}


def authorized(header: str | None, token: str | None) -> bool:
    if token is None:
        return True
    expected = f"Bearer {token}".encode()
    return header is not None and hmac.compare_digest(header.encode("utf-8", "replace"), expected)


class MetricsEndpoint:
    def __init__(self, token: str | None) -> None:
        self._token = token

    async def handle(self, request: Request) -> Response:
        if not authorized(request.headers.get("authorization"), self._token):
            return JSONResponse(UNAUTHORIZED, status_code=401)
        encode, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encode(REGISTRY), media_type=content_type)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not worth a log line each."""


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _guarded(app: WSGIApp, token: str | None) -> WSGIApp:
    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not authorized(environ.get("HTTP_AUTHORIZATION"), token):
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [
                b'{"error": {"code": "UNAUTHENTICATED", "message": "/metrics needs its token."}}'
            ]
        return app(environ, start_response)

    return guarded


def serve_metrics(host: str, port: int, token: str | None) -> Callable[[], None]:
    """Serve /metrics on `port` in a thread; returns what stops it."""
    server: WSGIServer = make_server(
        host,
        port,
        _guarded(make_wsgi_app(REGISTRY), token),
        ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, name="metrics", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return stop
